"""Pillow's reading of a GIF written by ToonKit's encoder: an independent decoder's verdict.

Run:  swift test --filter VideoGIFReference      (writes $TMPDIR/toonkit-gif-reference.gif)
      python3 make_gif_reference.py /tmp/toonkit-gif-reference.gif   (Pillow 13.0; writes gif_reference.json)

The Swift test re-encodes the same frames, checks the GIF bytes are the ones recorded here, and
compares Pillow's per-frame RGB checksums with its own decoder's and, for frames of 256 colours or
fewer, with the input frames. Checksums are zlib's CRC-32 of the RGB bytes, row-major.
"""
import json
import os
import sys
import zlib

import PIL
from PIL import Image

path = sys.argv[1]
with open(path, "rb") as f:
    data = f.read()

image = Image.open(path)
frames = []
first_palette_entries = None
for index in range(image.n_frames):
    image.seek(index)
    if index == 0:
        first_palette_entries = len(image.getpalette()) // 3
    rgb = image.convert("RGB")
    frames.append({
        "rgb_crc32": zlib.crc32(rgb.tobytes()),
        "duration_ms": image.info.get("duration"),
    })

reference = {
    "pillow": PIL.__version__,
    "gif_crc32": zlib.crc32(data),
    "gif_bytes": len(data),
    "width": image.width,
    "height": image.height,
    "loop": image.info.get("loop"),
    "first_palette_entries": first_palette_entries,
    "frames": frames,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gif_reference.json")
with open(out, "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
print(f"wrote {out}: {len(frames)} frames")
