"""The waifu2x package's own command (PyPI waifu2x 2024.0.1, its Chainer code on CPU) timed on one
picture as Benchmarks/upscale_compare.sh times `toon upscale`: the whole run of `waifu2x.run()`
(model load, decode, tiles of 128 at its default batch of 16, PNG written) in this process, after
the import.

Run:  python waifu2x_reference.py --image P --out DIR [--arch UpConv7] [--noise -1] [--scale 2] [--runs 1] [--json]
with  the reference venv of Tests/Fixtures/waifu2x/make_waifu2x_reference.py (numpy<2, chainer 7.8.1).
"""
import argparse
import json
import os
import statistics
import sys
import time

import waifu2x
from PIL import Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--arch", default="UpConv7")
    parser.add_argument("--noise", type=int, default=-1)
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    method = "scale" if args.noise < 0 else ("noise_scale" if args.scale > 1 else "noise")
    output = os.path.join(args.out, "reference_" + os.path.basename(args.image))
    argv = ["waifu2x", "--input", args.image, "--output", output, "--arch", args.arch, "--method", method,
            "--noise_level", str(max(args.noise, 0)), "--scale_ratio", str(args.scale)]
    times = []
    for _ in range(args.runs):
        sys.argv = argv
        start = time.perf_counter()
        waifu2x.run(should_print=False)
        times.append(time.perf_counter() - start)
    width, height = Image.open(args.image).size
    seconds = statistics.median(times)
    row = {"name": f"{args.arch} x{args.scale} noise {args.noise} {width}x{height}", "median_s": seconds,
           "input_megapixels": width * height / 1e6}
    if args.json:
        print(json.dumps(row, sort_keys=True))
    else:
        print(f"{row['name']}: {seconds:.2f} s, {row['input_megapixels'] / seconds:.3f} input MP/s")


if __name__ == "__main__":
    main()
