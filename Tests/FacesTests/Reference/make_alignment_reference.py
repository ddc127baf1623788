"""Reference aligned faces for ToonKit's FFHQ alignment (Sources/Faces/Alignment).

Run:  python3 make_alignment_reference.py  -> alignment_reference.json and aligned/*.png
with  pip install pillow numpy scipy, after make_landmarks_reference.py (this reads dlib's landmarks
      from landmarks_reference.json, so both sides align from the same 68 points) and with the
      photos of Debian's opencv-doc installed.

`align` below is NVLabs' recipe, ffhq-dataset download_ffhq.py recreate_aligned_images (rotate_level,
no random shift, enable_padding), with the same PIL, NumPy and SciPy calls, rewritten as a function
of one photo, its landmarks, output_size and transform_size. PIL.Image.ANTIALIAS, which Pillow 10
removed, is its other name LANCZOS. The photo is converted to RGB first, as the recipe assumes.

What it records: per case the photo, the face (index into landmarks_reference.json's faces), the
sizes, the recipe's quad in the photo's pixels, which steps ran (shrink factor, crop box, padding)
and the aligned PNG, which the Swift test compares with SSIM.
"""
import json
import os

import numpy as np
import PIL
import PIL.Image
import scipy
import scipy.ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    # (photo file name, face index, output_size, transform_size, why)
    ("messi5.jpg", 0, 256, 1024, "small face (37 px box): enlarged, no padding"),
    ("example.jpg", 0, 128, 512, "large face: the photo shrunk 2x first"),
    ("2.jpg", 0, 256, 1024, "face cut by the photo's corner: heavy reflection padding"),
    ("lbp_yale.jpg", 0, 192, 768, "face cut by the left edge, gray photo, an odd size"),
    ("227943776_1.jpg", 0, 512, 2048, "one face, 512"),
    ("230501201_1.jpg", 0, 256, 4096, "the recipe's own transform size"),
]


def align(img, lm, output_size, transform_size, enable_padding=True):
    steps = {}
    lm_eye_left = lm[36:42]
    lm_eye_right = lm[42:48]
    lm_mouth_outer = lm[48:60]
    eye_left = np.mean(lm_eye_left, axis=0)
    eye_right = np.mean(lm_eye_right, axis=0)
    eye_avg = (eye_left + eye_right) * 0.5
    eye_to_eye = eye_right - eye_left
    mouth_left = lm_mouth_outer[0]
    mouth_right = lm_mouth_outer[6]
    mouth_avg = (mouth_left + mouth_right) * 0.5
    eye_to_mouth = mouth_avg - eye_avg

    x = eye_to_eye - np.flipud(eye_to_mouth) * [-1, 1]
    x /= np.hypot(*x)
    x *= max(np.hypot(*eye_to_eye) * 2.0, np.hypot(*eye_to_mouth) * 1.8)
    y = np.flipud(x) * [-1, 1]
    c = eye_avg + eye_to_mouth * 0.1
    quad = np.stack([c - x - y, c - x + y, c + x + y, c + x - y])
    qsize = np.hypot(*x) * 2
    original_quad = quad.copy()

    shrink = int(np.floor(qsize / output_size * 0.5))
    steps["shrink"] = shrink
    if shrink > 1:
        rsize = (int(np.rint(float(img.size[0]) / shrink)), int(np.rint(float(img.size[1]) / shrink)))
        img = img.resize(rsize, PIL.Image.LANCZOS)
        quad /= shrink
        qsize /= shrink

    border = max(int(np.rint(qsize * 0.1)), 3)
    crop = (int(np.floor(min(quad[:, 0]))), int(np.floor(min(quad[:, 1]))),
            int(np.ceil(max(quad[:, 0]))), int(np.ceil(max(quad[:, 1]))))
    crop = (max(crop[0] - border, 0), max(crop[1] - border, 0),
            min(crop[2] + border, img.size[0]), min(crop[3] + border, img.size[1]))
    steps["crop"] = None
    if crop[2] - crop[0] < img.size[0] or crop[3] - crop[1] < img.size[1]:
        img = img.crop(crop)
        quad -= crop[0:2]
        steps["crop"] = list(crop)

    pad = (int(np.floor(min(quad[:, 0]))), int(np.floor(min(quad[:, 1]))),
           int(np.ceil(max(quad[:, 0]))), int(np.ceil(max(quad[:, 1]))))
    pad = (max(-pad[0] + border, 0), max(-pad[1] + border, 0),
           max(pad[2] - img.size[0] + border, 0), max(pad[3] - img.size[1] + border, 0))
    steps["pad"] = None
    if enable_padding and max(pad) > border - 4:
        pad = np.maximum(pad, int(np.rint(qsize * 0.3)))
        img = np.pad(np.float32(img), ((pad[1], pad[3]), (pad[0], pad[2]), (0, 0)), "reflect")
        h, w, _ = img.shape
        y, x, _ = np.ogrid[:h, :w, :1]
        mask = np.maximum(1.0 - np.minimum(np.float32(x) / pad[0], np.float32(w - 1 - x) / pad[2]),
                          1.0 - np.minimum(np.float32(y) / pad[1], np.float32(h - 1 - y) / pad[3]))
        blur = qsize * 0.02
        img += (scipy.ndimage.gaussian_filter(img, [blur, blur, 0]) - img) * np.clip(mask * 3.0 + 1.0, 0.0, 1.0)
        img += (np.median(img, axis=(0, 1)) - img) * np.clip(mask, 0.0, 1.0)
        img = PIL.Image.fromarray(np.uint8(np.clip(np.rint(img), 0, 255)), "RGB")
        quad += pad[:2]
        steps["pad"] = [int(v) for v in pad]

    img = img.transform((transform_size, transform_size), PIL.Image.QUAD, (quad + 0.5).flatten(), PIL.Image.BILINEAR)
    if output_size < transform_size:
        img = img.resize((output_size, output_size), PIL.Image.LANCZOS)
    return img, original_quad, steps


def main():
    with open(os.path.join(HERE, "landmarks_reference.json")) as f:
        landmarks = json.load(f)
    photos = {os.path.basename(p["path"]): p for p in landmarks["photos"]}
    os.makedirs(os.path.join(HERE, "aligned"), exist_ok=True)
    cases = []
    for name, face, output_size, transform_size, why in CASES:
        photo = photos[name]
        lm = np.array(photo["faces"][face]["points"], dtype=np.float64)
        img = PIL.Image.open(photo["path"]).convert("RGB")
        aligned, quad, steps = align(img, lm, output_size, transform_size)
        png = f"aligned/{os.path.splitext(name)[0]}_face{face}_{output_size}.png"
        aligned.save(os.path.join(HERE, png), optimize=True)
        cases.append({"photo": name, "face": face, "outputSize": output_size, "transformSize": transform_size,
                      "why": why, "quad": quad.tolist(), "steps": steps, "png": png})
    reference = {"numpy": np.__version__, "pillow": PIL.__version__, "scipy": scipy.__version__, "cases": cases}
    with open(os.path.join(HERE, "alignment_reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
