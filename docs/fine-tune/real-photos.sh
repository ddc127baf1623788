#!/usr/bin/env bash
# Fine-tunes a shared generator on a small folder of real photos with `toon train --resume FILE`, and
# measures it: SWD against the photos before and at every snapshot, and the grids.
#   docs/fine-tune/real-photos.sh WORKDIR [BASE_MODEL] [KIMG]
# The photos are the colour photographs that two PyPI wheels carry as sample data (scikit-image 0.26.0:
# skimage/data; insightface 2.1: insightface/data/images); `pip download` fetches the wheels, nothing
# else is downloaded, and nothing from them is committed. BASE_MODEL defaults to the built-in anime64.
set -euo pipefail
work="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
toon="$root/.build/release/toon"
base="${2:-$root/Sources/BuiltInModels/Weights/anime64.safetensors}"
kimg="${3:-12}"
mkdir -p "$work/wheels" "$work/photos"

pip download --no-deps --dest "$work/wheels" scikit-image==0.26.0 insightface==2.1 >/dev/null
python3 - "$work/wheels" "$work/photos" <<'PY'
import glob, os, sys, zipfile
wheels, photos = sys.argv[1], sys.argv[2]
# The photographs among them: no drawings, logos, test charts or grayscale images.
wanted = {"astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png",
          "motorcycle_right.png", "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "grass.png",
          "gravel.png", "t1.jpg", "Tom_Hanks_54745.png"}
for wheel in glob.glob(os.path.join(wheels, "*.whl")):
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if os.path.basename(name) in wanted:
                with open(os.path.join(photos, os.path.basename(name)), "wb") as f:
                    f.write(z.read(name))
PY

"$toon" dataset prepare "$work/photos" --out "$work/photos64.zip" --resolution 64 --crop center
swd() { "$toon" metrics --metric swd --network "$1" --data "$work/photos64.zip" --num 512 --json; }
echo "{\"kimg\": \"base\", $(swd "$base" | sed 's/^{//')" > "$work/swd.jsonl"
"$toon" train --data "$work/photos64.zip" --outdir "$work/runs" --resume "$base" --kimg "$kimg" --tick 1 --snap 2 \
    --mirror --aug diffaug --metrics none --seed 0
run=$(ls -d "$work"/runs/*/ | tail -1)
for snapshot in "$run"network-snapshot-*.safetensors; do
    k=$(basename "$snapshot" .safetensors | sed 's/network-snapshot-0*//')
    echo "{\"kimg\": ${k:-0}, $(swd "$snapshot" | sed 's/^{//')" >> "$work/swd.jsonl"
done
cat "$work/swd.jsonl"

# One picture for the docs (the photos themselves are not redistributed): the first row of the grid
# after 1 kimg above the same row at the end.
python3 - "$run" "$work/real-photos-fakes.png" "$kimg" <<'PY'
import sys
from PIL import Image
run, out, kimg = sys.argv[1], sys.argv[2], int(float(sys.argv[3]))
rows = [Image.open(run + f"fakes{k:06d}.png").convert("RGB") for k in (1, kimg)]
sheet = Image.new("RGB", (rows[0].width, 64 * len(rows)))
for i, row in enumerate(rows):
    sheet.paste(row.crop((0, 0, row.width, 64)), (0, 64 * i))
sheet.save(out)
PY
