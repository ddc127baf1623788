"""OpenCV's own detection with a cascade file, the reference for ToonKit's cascade detector on
pictures nobody may commit (nagadomi's lbpcascade_animeface.xml on anime illustrations).

    python3 opencv_faces.py CASCADE PICTURE...

prints one JSON object: {picture: [[x, y, w, h], ...]}, boxes sorted, from detectMultiScale with
its defaults (scale factor 1.1, 3 neighbours) on cv2.COLOR_BGR2GRAY, as `toon faces` runs a cascade.
Debian's python3-opencv is enough.
"""
import json
import sys

import cv2


def main():
    cascade = cv2.CascadeClassifier(sys.argv[1])
    if cascade.empty():
        sys.exit(f"{sys.argv[1]}: OpenCV cannot read this cascade")
    found = {}
    for picture in sys.argv[2:]:
        image = cv2.imread(picture, cv2.IMREAD_COLOR)
        if image is None:
            sys.exit(f"{picture}: OpenCV cannot read this picture")
        boxes = cascade.detectMultiScale(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
        found[picture] = sorted([int(v) for v in box] for box in (boxes.tolist() if len(boxes) else []))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
