"""Reference detections for ToonKit's MMOD CNN face detector (Sources/Faces/CNN), made by dlib itself.

Run:  python3 make_cnn_reference.py MODEL  -> cnn_reference.json
with  pip install dlib-bin==20.0.1.post1 pillow numpy   (PyPI's prebuilt dlib) and
      MODEL = mmod_human_face_detector.dat as PyPI's face-recognition-models 0.3.0 ships it
      (scripts/setup puts it in models/), and the photos of Debian's opencv-doc installed
      (the same photos the landmark reference uses).

What it records, so the Swift tests need no dlib: per photo its size and the FNV-1a hash of the
8-bit RGB bytes given to dlib (PIL's decode, so a decoder difference shows on its own), and per
upsample count (0 and 1) what dlib.cnn_face_detection_model_v1 returns: each face's rectangle
(left, top, right, bottom; inclusive, as dlib.rectangle) and its confidence, in dlib's order
(most confident first); and per face dlib's 68 landmarks in that rectangle (shape_predictor with
Debian's libdlib-data model, as toon align places them) and the FFHQ recipe's crop quad from those
landmarks (NVLabs' ffhq-dataset recreate_aligned_images: eyes, mouth, the oriented square), so the
alignment of every face found can be checked.
"""
import hashlib
import json
import os
import re
import sys

import dlib
import numpy as np
import PIL.Image

HERE = os.path.dirname(os.path.abspath(__file__))
LANDMARKS = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
DOC = "/usr/share/doc/opencv-doc"
PHOTOS = [
    (f"{DOC}/examples/data/messi5.jpg", "one small face in clutter"),
    (f"{DOC}/opencv4/html/example.jpg", "three large faces side by side"),
    (f"{DOC}/opencv4/html/2.jpg", "a grid of faces, some cut by the border"),
    (f"{DOC}/opencv4/html/227943776_1.jpg", "one face, square photo"),
    (f"{DOC}/opencv4/html/230501201_1.jpg", "one face, portrait photo"),
    (f"{DOC}/opencv4/html/lbp_yale.jpg", "gray photo, faces under hard lighting"),
]


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def ffhq_quad(points):
    """The recipe's quad (top-left, bottom-left, bottom-right, top-right) from 68 landmarks."""
    lm = np.array(points, dtype=np.float64)
    eye_left, eye_right = lm[36:42].mean(axis=0), lm[42:48].mean(axis=0)
    eye_avg, eye_to_eye = (eye_left + eye_right) * 0.5, eye_right - eye_left
    mouth_avg = (lm[48] + lm[54]) * 0.5
    eye_to_mouth = mouth_avg - eye_avg
    x = eye_to_eye - np.flipud(eye_to_mouth) * [-1, 1]
    x /= np.hypot(*x)
    x *= max(np.hypot(*eye_to_eye) * 2.0, np.hypot(*eye_to_mouth) * 1.8)
    y = np.flipud(x) * [-1, 1]
    c = eye_avg + eye_to_mouth * 0.1
    return np.stack([c - x - y, c - x + y, c + x + y, c + x - y]).tolist()


def main():
    model = sys.argv[1]
    detector = dlib.cnn_face_detection_model_v1(model)
    predictor = dlib.shape_predictor(LANDMARKS)
    photos = []
    for path, why in PHOTOS:
        image = PIL.Image.open(path)
        rgb = np.ascontiguousarray(np.asarray(image.convert("RGB")))
        runs = []
        for upsample in (0, 1):
            faces = []
            for d in detector(rgb, upsample):
                points = [[p.x, p.y] for p in predictor(rgb, d.rect).parts()]
                faces.append({"rect": [d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom()],
                              "confidence": d.confidence, "landmarks": points, "quad": ffhq_quad(points)})
            runs.append({"upsample": upsample, "faces": faces})
        photos.append({"path": path, "why": why, "width": rgb.shape[1], "height": rgb.shape[0],
                       "rgbFNV1a": fnv1a(rgb.tobytes()), "runs": runs})
    with open(model, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    out = {"dlib": dlib.__version__, "model": os.path.basename(model), "modelSHA256": digest,
           "photos": photos}
    # Points on one line each: [x, y] instead of three lines.
    text = re.sub(r"\[\s+(-?[0-9.e+-]+),\s+(-?[0-9.e+-]+)\s+\]", r"[\1, \2]", json.dumps(out, indent=1))
    with open(os.path.join(HERE, "cnn_reference.json"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
