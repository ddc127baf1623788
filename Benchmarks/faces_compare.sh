#!/usr/bin/env bash
# dlib's MMOD CNN face detector beside ToonKit's on one photo, in one run: the two take turns for
# --rounds rounds (other load on the machine then falls on both alike), each round a warm-up and
# --runs timed detections per upsample count; the table gives each side's median over the rounds'
# medians and dlib's time over ToonKit's.
#   Benchmarks/faces_compare.sh --python PY [--photo P] [--rounds 3] [--runs 1] [--out DIR]
# PY: a Python with dlib (pip install dlib-bin pillow numpy). The model is ToonKit's
# (scripts/fetch-models). Without --photo: opencv-doc's example.jpg (three faces) resized to
# 1280x886, the size the issue's dlib timings were taken at. Builds toon-bench (release) first.
set -euo pipefail
cd "$(dirname "$0")/.."
python="" photo="" rounds=3 runs=1 out="$(mktemp -d)"
while (($#)); do
    case "$1" in
        --python) python="$2"; shift 2 ;;
        --photo) photo="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --out) out="$2"; mkdir -p "$out"; shift 2 ;;
        *) echo "faces_compare: unknown argument $1" >&2; exit 64 ;;
    esac
done
[ -n "$python" ] || { echo "faces_compare: --python PY (with dlib) is required" >&2; exit 64; }
model="${TOONKIT_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/toonkit/models}/mmod_human_face_detector.dat"
[ -f "$model" ] || { echo "faces_compare: $model missing; run scripts/fetch-models" >&2; exit 1; }
if [ -z "$photo" ]; then
    photo="$out/example_1280x886.png"
    "$python" -c "import PIL.Image, sys; PIL.Image.open(sys.argv[1]).convert('RGB').resize((1280, 886), PIL.Image.LANCZOS).save(sys.argv[2])" \
        /usr/share/doc/opencv-doc/opencv4/html/example.jpg "$photo"
fi
swift build -c release --product toon-bench >&2
bench="$(swift build -c release --show-bin-path)/toon-bench"
for ((k = 0; k < rounds; k++)); do
    echo "== round $((k + 1)) of $rounds" >&2
    "$bench" faces --photo "$photo" --runs "$runs" --json > "$out/toonkit_$k.json"
    "$python" Benchmarks/peers/dlib_cnn_faces.py --model "$model" --photo "$photo" --runs "$runs" --json > "$out/dlib_$k.json"
done
"$python" - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def medians(side):
    rows = {}
    for k in range(rounds):
        for row in json.load(open(f"{out}/{side}_{k}.json")):
            rows.setdefault(row["name"], []).append(row["median_ms"])
    return {name: statistics.median(v) for name, v in rows.items()}
toon, dlib = medians("toonkit"), medians("dlib")
print(f"{'photo, upsample':34s}{'dlib ms':>10s}{'ToonKit ms':>12s}{'dlib / ToonKit':>16s}")
for name in toon:
    print(f"{name:34s}{dlib[name]:10.0f}{toon[name]:12.0f}{dlib[name] / toon[name]:16.1f}")
PY
