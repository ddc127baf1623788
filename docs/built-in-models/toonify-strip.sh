#!/usr/bin/env bash
# The built-in toonify pair on synth 'shaded' faces: per row, the face, the base's reconstruction,
# then the cartoon at degrees 0.5, 0.75 and 1 (docs/built-in-models/toonify-strip.png); the strip is
# put together with Python's Pillow:
#   docs/built-in-models/toonify-strip.sh WORKDIR
set -euo pipefail
work="$1"
toon="$(cd "$(dirname "$0")/../.." && pwd)/.build/release/toon"
mkdir -p "$work"
"$toon" dataset synth --count 4 --resolution 64 --style shaded --seed 11 --out "$work/faces.zip"
unzip -o -j -q "$work/faces.zip" '*.png' -d "$work/faces"
cells=()
for face in "$work"/faces/*.png; do
    name=$(basename "$face" .png)
    "$toon" toonify "$face" --aligned --steps 300 --degree 0.5,0.75,1 --out "$work/$name" > /dev/null 2>&1
    cells+=("$face" "$work/$name/${name}_face0_proj.png")
    for degree in 0.50 0.75 1.00; do cells+=("$work/$name/${name}_face0_toon_d$degree.png"); done
done
python3 - "$work/toonify-strip.png" "${cells[@]}" <<'PY'
import sys
from PIL import Image
out, cells = sys.argv[1], [Image.open(p).convert("RGB") for p in sys.argv[2:]]
side, columns = cells[0].width, 5
strip = Image.new("RGB", (columns * side, len(cells) // columns * side))
for i, cell in enumerate(cells):
    strip.paste(cell, (i % columns * side, i // columns * side))
strip.resize((strip.width * 2, strip.height * 2), Image.NEAREST).save(out)
PY
echo "$work/toonify-strip.png"
