#!/usr/bin/env bash
# The built-in toonify pair on synth 'shaded' faces: per row, the face, the base's reconstruction,
# then the cartoon at degrees 0.5, 0.75 and 1 (docs/built-in-models/toonify-strip.png):
#   docs/built-in-models/toonify-strip.sh WORKDIR
set -euo pipefail
work="$1"
toon="$(cd "$(dirname "$0")/../.." && pwd)/.build/release/toon"
mkdir -p "$work"
"$toon" dataset synth --count 4 --resolution 64 --style shaded --seed 11 --out "$work/faces.zip"
unzip -o -j -q "$work/faces.zip" '*.png' -d "$work/faces"
rows=()
for face in "$work"/faces/*.png; do
    name=$(basename "$face" .png)
    cells=("$face")
    for degree in 0.5 0.75 1; do
        "$toon" toonify "$face" --aligned --steps 300 --degree "$degree" --out "$work/$name-$degree" > /dev/null 2>&1
        cells+=("$work/$name-$degree/${name}_face0_toon.png")
    done
    rows+=("$work/$name-row.png")
    convert "${cells[0]}" "$work/$name-0.5/${name}_face0_proj.png" "${cells[@]:1}" +append "${rows[-1]}"
done
convert "${rows[@]}" -append -filter point -resize 200% "$work/toonify-strip.png"
echo "$work/toonify-strip.png"
