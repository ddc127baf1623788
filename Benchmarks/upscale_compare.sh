#!/usr/bin/env bash
# `toon upscale` beside the waifu2x package's own command on one picture, in one run: the two take
# turns for --rounds rounds (other load on the machine then falls on both alike), each round one
# whole run of each per model (decode, models read, tiles, PNG written; ToonKit's release build,
# the reference's waifu2x.run() after its import). The table gives each side's median over the
# rounds, input megapixels per second, and the reference's time over ToonKit's.
#   Benchmarks/upscale_compare.sh --python PY [--image P] [--models "UpConv7 UpResNet10"] [--rounds 3] [--out DIR]
# PY: the reference venv of Tests/Fixtures/waifu2x/make_waifu2x_reference.py (numpy<2, chainer 7.8.1,
# waifu2x 2024.0.1, scikit-image). The models are ToonKit's (scripts/fetch-models). Without
# --image: scikit-image's astronaut (512x512, a photo) saved as PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
python="" image="" rounds=3 models="UpConv7 UpResNet10" out="$(mktemp -d)"
while (($#)); do
    case "$1" in
        --python) python="$2"; shift 2 ;;
        --image) image="$2"; shift 2 ;;
        --models) models="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --out) out="$2"; mkdir -p "$out"; shift 2 ;;
        *) echo "upscale_compare: unknown argument $1" >&2; exit 64 ;;
    esac
done
[ -n "$python" ] || { echo "upscale_compare: --python PY (with waifu2x and chainer) is required" >&2; exit 64; }
if [ -z "$image" ]; then
    image="$out/astronaut.png"
    "$python" -c "import skimage.data, PIL.Image, sys; PIL.Image.fromarray(skimage.data.astronaut()).save(sys.argv[1])" "$image"
fi
swift build -c release --product toon >&2
toon="$(swift build -c release --show-bin-path)/toon"
for ((k = 0; k < rounds; k++)); do
    echo "== round $((k + 1)) of $rounds (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    for arch in $models; do
        model="$(echo "$arch" | tr 'A-Z' 'a-z')"
        start=$EPOCHREALTIME
        "$toon" upscale "$image" --out "$out/toonkit" --model "$model"
        end=$EPOCHREALTIME
        echo "{\"name\": \"$arch\", \"seconds\": $(awk "BEGIN { print $end - $start }")}" >> "$out/toonkit_$k.jsonl"
        "$python" Benchmarks/peers/waifu2x_reference.py --image "$image" --out "$out" --arch "$arch" --json \
            | "$python" -c "import json, sys; r = json.load(sys.stdin); print(json.dumps({'name': '$arch', 'seconds': r['median_s']}))" \
            >> "$out/reference_$k.jsonl"
    done
done
"$python" - "$out" "$rounds" "$image" <<'PY'
import json, statistics, sys
import PIL.Image
out, rounds, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
width, height = PIL.Image.open(image).size
megapixels = width * height / 1e6
def seconds(side):
    rows = {}
    for k in range(rounds):
        for line in open(f"{out}/{side}_{k}.jsonl"):
            row = json.loads(line)
            rows.setdefault(row["name"], []).append(row["seconds"])
    return rows
toon, reference = seconds("toonkit"), seconds("reference")
print(f"{width}x{height} picture, 2x, {rounds} rounds")
print(f"{'model':12s}{'waifu2x s':>11s}{'MP/s':>8s}{'ToonKit s':>11s}{'MP/s':>8s}{'ratio':>8s}   rounds (waifu2x / ToonKit)")
for name in toon:
    r, t = statistics.median(reference[name]), statistics.median(toon[name])
    each = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(reference[name], toon[name]))
    print(f"{name:12s}{r:11.2f}{megapixels / r:8.3f}{t:11.2f}{megapixels / t:8.3f}{r / t:8.1f}   {each}")
PY
