"""Reference landmarks for ToonKit's shape predictor (Sources/Faces/Landmarks), made by dlib itself.

Run:  python3 make_landmarks_reference.py  -> landmarks_reference.json
with  pip install dlib-bin==20.0.1.post1 pillow numpy   (PyPI's prebuilt dlib; any dlib 19.x or 20.x
      runs the same shape_predictor code) and the Debian packages scripts/install-deps --tests
      installs: libdlib-data (/usr/share/dlib/shape_predictor_68_face_landmarks.dat) and opencv-doc
      (the photos, the same ones the cascade reference uses).

What it records, so the Swift tests need no dlib:
  photos   per photo: its size, channels and the FNV-1a hash of the 8-bit RGB bytes fed to dlib
           (PIL's decode; a decoder difference then shows on its own), and per face the rectangle
           (left, top, right, bottom; inclusive, as dlib.rectangle) and dlib's 68 points, whole
           pixels as dlib returns them. Rectangles come from dlib's own get_frontal_face_detector()
           (upsampled once), plus a few made by hand: larger, smaller and partly outside the photo,
           so pixels read outside the image (as 0) are exercised.
"""
import json
import os

import dlib
import numpy as np
import PIL.Image

MODEL = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
DOC = "/usr/share/doc/opencv-doc"
PHOTOS = [
    # (path, why, hand-made rectangles)
    (f"{DOC}/examples/data/messi5.jpg", "small face in clutter",
     [[200, 70, 290, 160], [-20, -20, 60, 60], [230, 100, 256, 126]]),
    (f"{DOC}/opencv4/html/example.jpg", "three large faces side by side", []),
    (f"{DOC}/opencv4/html/2.jpg", "a grid of faces, some cut by the border", []),
    (f"{DOC}/opencv4/html/227943776_1.jpg", "one face, square photo", [[100, 100, 320, 300]]),
    (f"{DOC}/opencv4/html/230501201_1.jpg", "one face, portrait photo", []),
    (f"{DOC}/opencv4/html/lbp_yale.jpg", "gray photo, faces under hard lighting, one cut by the border", []),
]


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def main():
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(MODEL)
    photos = []
    for path, why, extra in PHOTOS:
        image = PIL.Image.open(path)
        channels = len(image.getbands())
        rgb = np.asarray(image.convert("RGB"))
        faces = []
        detected = [[r.left(), r.top(), r.right(), r.bottom()] for r in detector(rgb, 1)]
        for source, rects in (("detector", sorted(detected)), ("hand", extra)):
            for l, t, r, b in rects:
                shape = predictor(rgb, dlib.rectangle(l, t, r, b))
                faces.append({"rect": [l, t, r, b], "from": source,
                              "points": [[p.x, p.y] for p in shape.parts()]})
        photos.append({"path": path, "why": why, "width": rgb.shape[1], "height": rgb.shape[0],
                       "channels": channels, "rgbFNV1a": fnv1a(rgb.tobytes()), "faces": faces})
    reference = {"dlib": dlib.__version__, "numpy": np.__version__, "pillow": PIL.__version__,
                 "model": MODEL, "modelBytes": os.path.getsize(MODEL), "photos": photos}
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "landmarks_reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
