"""dlib's own MMOD CNN face detector timed as `toon-bench faces` times ToonKit's.

Run:  python dlib_cnn_faces.py --model mmod_human_face_detector.dat --photo P [--upsample N] [--runs N] [--json]
with  pip install dlib-bin pillow numpy (PyPI's prebuilt dlib, CPU).

The photo is decoded with PIL and converted to RGB once; each run is
cnn_face_detection_model_v1(photo, upsample) after one warm-up, the median reported with the same row
name as toon-bench's.
"""
import argparse
import json
import statistics
import sys
import time

import dlib
import numpy as np
import PIL.Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--photo", required=True)
    parser.add_argument("--upsample", type=int, action="append")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    detector = dlib.cnn_face_detection_model_v1(args.model)
    rgb = np.ascontiguousarray(np.asarray(PIL.Image.open(args.photo).convert("RGB")))
    rows = []
    for upsample in args.upsample or [0, 1]:
        found = detector(rgb, upsample)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            detector(rgb, upsample)
            times.append(time.perf_counter() - start)
        print(f"upsample {upsample}: {len(found)} faces", file=sys.stderr)
        rows.append({"name": f"cnn faces {rgb.shape[1]}x{rgb.shape[0]} up{upsample}",
                     "median_ms": statistics.median(times) * 1e3})
    if args.json:
        print(json.dumps(rows, indent=2, sort_keys=True))
    else:
        for row in rows:
            print(f"{row['name']:34s}{row['median_ms']:9.2f} ms (dlib {dlib.__version__})")


if __name__ == "__main__":
    main()
