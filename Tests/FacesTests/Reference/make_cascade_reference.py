"""Reference boxes for ToonKit's cascade detector (Sources/Faces), made by OpenCV itself.

Run:  python3 make_cascade_reference.py  -> cascade_reference.json
with  pip install "opencv-python-headless==4.6.0.66" "numpy<2"
      (4.6.0 is the OpenCV Debian 12 ships; OpenCV 5 dropped CascadeClassifier, and the 4.6 wheel
      was built against NumPy 1) and the Debian packages that scripts/install-deps --tests installs:
      opencv-data (the cascades, /usr/share/opencv4) and opencv-doc (the photos).

What it records, so the Swift tests need no OpenCV:
  photos      per photo and cascade, CascadeClassifier.detectMultiScale's boxes on the gray image,
              sorted (OpenCV's order depends on its thread scheduling); plus the gray image's size,
              byte sum and FNV-1a hash, so a decoder or gray-conversion difference shows on its own.
              Photos are read with IMREAD_IGNORE_ORIENTATION: ToonIO stores pixels as the file
              does, without applying an EXIF rotation.
  variants    other parameters on one photo: minNeighbors 0 (the raw, ungrouped candidates),
              minSize / maxSize, other scale factors.
  grouping    cv2.groupRectangles on hand-made rectangles, chosen to hit the .5 rounding cases
              of the averaging and the "small inside large" filter.
  integral    cv2.integral3 (sum, squared sum, tilted; all 32-bit) of a small formula image.
  resize      cv2.resize INTER_LINEAR_EXACT (what CascadeClassifier builds its pyramid with in
              OpenCV 4; plain INTER_LINEAR gives other bytes) of a formula image to the sizes a
              pyramid asks for: the FNV-1a hash and sum of each result, and the full bytes of two.
  gray        cv2.cvtColor(BGR2GRAY) of a few colours.
"""
import json
import os

import cv2
import numpy as np

assert cv2.__version__.startswith("4.6."), cv2.__version__

DOC = "/usr/share/doc/opencv-doc"
PHOTOS = [
    # (path, why)
    (f"{DOC}/examples/data/messi5.jpg", "real photo, small faces and clutter"),
    (f"{DOC}/opencv4/html/example.jpg", "three real faces side by side"),
    (f"{DOC}/opencv4/html/2.jpg", "a grid of 24 real faces"),
    (f"{DOC}/opencv4/html/227943776_1.jpg", "one real face, square photo"),
    (f"{DOC}/opencv4/html/lbp_yale.jpg", "faces under hard lighting"),
    (f"{DOC}/examples/data/sudoku.png", "PNG, no face: false positives only"),
    (f"{DOC}/examples/data/licenseplate_motion.jpg", "a car's number plate, for the old-format cascade"),
]
CASCADES = {
    "haar_default": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    "haar_alt2": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml",
    "lbp_improved": "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml",
    # Trees deeper than stumps and tilted features: the paths the frontal-face files never take.
    "haar_eye_tree": "/usr/share/opencv4/haarcascades/haarcascade_eye_tree_eyeglasses.xml",
    "lbp_frontal": "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml",
    # The one pre-2.4 'opencv-haar-classifier' file, which OpenCV 4 converts in memory as it loads.
    "haar_old_plate": "/usr/share/opencv4/haarcascades/haarcascade_licence_plate_rus_16stages.xml",
}
DEFAULT = {"scaleFactor": 1.1, "minNeighbors": 3, "flags": 0, "minSize": [0, 0], "maxSize": [0, 0]}
VARIANTS = [
    ("messi5.jpg", "haar_default", {**DEFAULT, "minNeighbors": 0}),
    ("messi5.jpg", "lbp_improved", {**DEFAULT, "minNeighbors": 0}),
    ("messi5.jpg", "haar_eye_tree", {**DEFAULT, "minNeighbors": 0}),
    ("2.jpg", "haar_default", {**DEFAULT, "minNeighbors": 5, "minSize": [40, 40], "maxSize": [80, 80]}),
    ("2.jpg", "lbp_improved", {**DEFAULT, "scaleFactor": 1.25}),
    ("2.jpg", "haar_alt2", {**DEFAULT, "scaleFactor": 2.0, "minNeighbors": 1}),
    ("example.jpg", "haar_default", {**DEFAULT, "scaleFactor": 1.05, "minNeighbors": 6}),
    ("licenseplate_motion.jpg", "haar_old_plate", {**DEFAULT, "minNeighbors": 0}),
    ("sudoku.png", "haar_old_plate", {**DEFAULT, "minNeighbors": 0}),
]


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def gray_of(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert bgr is not None, path
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def detect(classifier, gray, p):
    boxes = classifier.detectMultiScale(gray, scaleFactor=p["scaleFactor"], minNeighbors=p["minNeighbors"],
                                        flags=p["flags"], minSize=tuple(p["minSize"]), maxSize=tuple(p["maxSize"]))
    return sorted([int(v) for v in b] for b in boxes)


def formula_image(h, w, seed):
    y, x = np.mgrid[0:h, 0:w]
    return ((x * 37 + y * 91 + x * y * seed + (x * x) // 3) % 256).astype(np.uint8)


def main():
    classifiers = {name: cv2.CascadeClassifier(path) for name, path in CASCADES.items()}
    for name, c in classifiers.items():
        assert not c.empty(), name
    photos = []
    grays = {}
    for path, why in PHOTOS:
        gray = gray_of(path)
        grays[os.path.basename(path)] = gray
        photos.append({
            "path": path, "why": why, "width": gray.shape[1], "height": gray.shape[0],
            "graySum": int(gray.astype(np.int64).sum()), "grayFNV1a": fnv1a(gray.tobytes()),
            "boxes": {name: detect(c, gray, DEFAULT) for name, c in classifiers.items()},
        })
    variants = [{"photo": photo, "cascade": cascade, "parameters": p,
                 "boxes": detect(classifiers[cascade], grays[photo], p)} for photo, cascade, p in VARIANTS]

    grouping = []
    cases = [
        ([[10, 10, 20, 20], [11, 10, 20, 20], [10, 11, 21, 21]], 1, 0.2),
        ([[10, 10, 20, 20], [11, 11, 20, 20]], 1, 0.2),  # averages of .5 round to even
        ([[0, 0, 24, 24], [1, 1, 24, 24], [3, 3, 25, 25], [2, 0, 24, 24]], 2, 0.2),
        ([[100, 100, 50, 50], [102, 101, 50, 50], [101, 99, 51, 51], [104, 103, 52, 52],
          [110, 110, 20, 20], [111, 110, 20, 20], [110, 112, 21, 21]], 1, 0.2),  # small inside large
        ([[100, 100, 50, 50], [102, 101, 50, 50], [110, 110, 20, 20], [111, 110, 20, 20],
          [110, 112, 21, 21], [112, 111, 20, 20], [109, 109, 21, 21]], 1, 0.2),  # small one has more
        ([[5, 5, 30, 30], [40, 40, 30, 30], [7, 6, 29, 31]], 0, 0.2),  # threshold 0: unchanged
        ([[5, 5, 30, 30], [11, 5, 30, 30], [17, 5, 30, 30]], 1, 0.2),  # chained: one class through a middle
        ([[5, 5, 30, 30], [11, 5, 30, 30], [17, 5, 30, 30]], 1, 0.1),
        ([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 5]], 3, 0.2),
    ]
    rng = np.random.RandomState(14)
    for _ in range(6):
        rects = []
        for _ in range(rng.randint(3, 8)):
            cx, cy, s = rng.randint(0, 300), rng.randint(0, 300), rng.randint(20, 90)
            for _ in range(rng.randint(1, 7)):
                d = max(1, s // 8)
                rects.append([cx + rng.randint(-d, d + 1), cy + rng.randint(-d, d + 1),
                              s + rng.randint(-d, d + 1), s + rng.randint(-d, d + 1)])
        cases.append((rects, int(rng.randint(1, 4)), 0.2))
    for rects, threshold, eps in cases:
        out, _ = cv2.groupRectangles(rects, threshold, eps)
        grouping.append({"rects": rects, "groupThreshold": threshold, "eps": eps,
                         "grouped": sorted([int(v) for v in r] for r in out)})

    small = formula_image(7, 9, 13)
    s, sq, t = cv2.integral3(small, sdepth=cv2.CV_32S, sqdepth=cv2.CV_32S)
    integral = {"height": 7, "width": 9, "seed": 13, "sum": s.tolist(), "sqsum": sq.tolist(), "tilted": t.tolist()}

    src = formula_image(61, 97, 7)
    resize = {"height": 61, "width": 97, "seed": 7, "results": []}
    sizes = [(int(round(97 / f)), int(round(61 / f))) for f in np.float32(1.1) ** np.arange(0, 12)]
    sizes += [(48, 30), (20, 13), (96, 60), (50, 61), (97, 20), (1, 1), (97, 1), (2, 61)]
    for k, (w, h) in enumerate(sizes):
        out = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR_EXACT)
        entry = {"width": w, "height": h, "sum": int(out.astype(np.int64).sum()), "fnv1a": fnv1a(out.tobytes())}
        if k in (3, len(sizes) - 2):
            entry["bytes"] = out.reshape(-1).tolist()
        resize["results"].append(entry)
    even = formula_image(40, 60, 5)  # exactly half: OpenCV switches to its 2x2 area path
    half = cv2.resize(even, (30, 20), interpolation=cv2.INTER_LINEAR_EXACT)
    resize["half"] = {"height": 40, "width": 60, "seed": 5, "bytes": half.reshape(-1).tolist()}

    colours = [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 200, 77],
               [128, 128, 127], [1, 2, 3], [250, 3, 90], [33, 66, 99]]
    rgb = np.array([colours], np.uint8)
    gray = cv2.cvtColor(rgb[..., ::-1].copy(), cv2.COLOR_BGR2GRAY)[0].tolist()

    reference = {
        "opencv": cv2.__version__, "numpy": np.__version__,
        "defaults": DEFAULT, "cascades": CASCADES, "photos": photos, "variants": variants,
        "grouping": grouping, "integral": integral, "resize": resize,
        "gray": {"rgb": colours, "gray": gray},
    }
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "cascade_reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
