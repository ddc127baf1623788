#!/usr/bin/env bash
# StyleGAN3-T generation: ToonKit against NVlabs/stylegan3's PyTorch code on this CPU, alternating.
#
#   Benchmarks/compare_stylegan3.sh --stylegan3 $PEERS/stylegan3 [--python python3] \
#       [--resolutions "256 1024"] [--rounds 2] [--runs 3] [--peer-runs N]
#
# Both sides build a random-weight generator of NVLabs' stylegan3-t training config (z = w = 512,
# 2 mapping layers, channel_base 32768, channel_max 512, conv_clamp 256) and time G(z) for one image
# after a warm-up call: `toon-bench stylegan3` (release build) and Benchmarks/peers/torch_stylegan3.py,
# each resolution in its own process (so peak RSS is per configuration), the two alternating for
# --rounds rounds because the machine is shared. Prints each run's JSON line and, per resolution, the
# median of the rounds' medians and the ToonKit / PyTorch time ratio (below 1: ToonKit faster).
# --peer-runs (default: --runs) sets PyTorch's timed runs alone; 0 times its first call, for 1024 px
# where one call takes minutes on two shared cores.
set -u -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
PYTHON=python3 REPO="" RESOLUTIONS="256 1024" ROUNDS=2 RUNS=3 PEER_RUNS="" THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --stylegan3) REPO="$2"; shift ;;
    --python) PYTHON="$2"; shift ;;
    --resolutions) RESOLUTIONS="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --peer-runs) PEER_RUNS="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    *) echo "compare_stylegan3.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
[ -n "$REPO" ] || { echo "compare_stylegan3.sh: --stylegan3 PATH (a checkout of NVlabs/stylegan3) is required" >&2; exit 64; }

(cd "$root" && swift build -c release --product toon-bench >/dev/null) || exit 1
bench="$root/.build/release/toon-bench"
for r in $RESOLUTIONS; do
  toon_ms=() torch_ms=()
  for round in $(seq "$ROUNDS"); do
    t=$("$bench" stylegan3 --resolution "$r" --batch 1 --runs "$RUNS" --threads "$THREADS" --json)
    echo "toonkit $r round $round: $(echo "$t" | tr -d '\n ')"
    toon_ms+=("$(echo "$t" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["median_ms"])')")
    p=$("$PYTHON" "$here/peers/torch_stylegan3.py" --repo "$REPO" --resolution "$r" --runs "${PEER_RUNS:-$RUNS}" --threads "$THREADS")
    echo "pytorch $r round $round: $p"
    torch_ms+=("$(echo "$p" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')")
  done
  "$PYTHON" - "$r" "${toon_ms[*]}" "${torch_ms[*]}" <<'PY'
import statistics, sys
r, ours, theirs = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()]
a, b = statistics.median(ours), statistics.median(theirs)
print(f"stylegan3-t {r}: ToonKit {a:.0f} ms, PyTorch {b:.0f} ms, ratio {a / b:.2f}")
PY
done
