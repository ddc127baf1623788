#!/usr/bin/env bash
# ToonKit against the tools a user would otherwise run, side by side in ONE run on this machine.
#
#   (PEERS: where you checked out the peers; TORCH_PYTHON: a Python with torch)
#   Benchmarks/compare.sh --nvlabs $PEERS/stylegan2-ada-pytorch \
#                         --rosinality $PEERS/stylegan2-pytorch --python $TORCH_PYTHON
#
# Builds toon-bench (release) and runs, interleaved: the 3x3 convolutions and sgemm (toon-bench
# conv/gemm against Benchmarks/peers/torch_conv.py, alternating for --rounds rounds), then for each
# generator configuration ToonKit, NVlabs' PyTorch, rosinality's PyTorch and (batch 1) ONNX Runtime
# on rosinality's export, each in its own process so peak RSS is per configuration. Prints
# ToonKit / peer time ratios (below 1: ToonKit faster). Raw JSON and logs stay in --out.
# The peers are never part of this repository: check them out elsewhere (see
# ../shared/bench/README.md) and pass their paths. Machines are shared; only ratios from one run
# mean anything.
#
# Options (environment variable in brackets):
#   --python PATH        Python with PyTorch; onnx, onnxscript, onnxruntime for the ORT column [PYTHON]
#   --nvlabs PATH        NVlabs/stylegan2-ada-pytorch checkout   [NVLABS_REPO]
#   --rosinality PATH    rosinality/stylegan2-pytorch checkout   [ROSINALITY_REPO]
#   --toon-bench PATH    use this toon-bench binary instead of building one [TOON_BENCH]
#   --threads N          threads for everybody (default 2)       [THREADS]
#   --runs N             timed runs per conv row (default 7)     [RUNS]
#   --rounds N           interleaved conv rounds (default 2)     [ROUNDS]
#   --gen-runs N         timed runs per generator (default 5)    [GEN_RUNS]
#   --gen-rounds N       interleaved generator rounds (default 1) [GEN_ROUNDS]
#   --resolutions "..."  generator resolutions (default "256 1024")  [RESOLUTIONS]
#   --batches "..."      generator batch sizes (default "1 4")   [BATCHES]
#   --skip-convs | --skip-generators | --no-onnx
#   --out DIR            where JSON and logs go (default /tmp/toonkit-compare-<time>) [OUT]
set -u -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
peers="$here/peers"

PYTHON="${PYTHON:-}"
NVLABS_REPO="${NVLABS_REPO:-}"
ROSINALITY_REPO="${ROSINALITY_REPO:-}"
TOON_BENCH="${TOON_BENCH:-}"
THREADS="${THREADS:-2}"
RUNS="${RUNS:-7}"
ROUNDS="${ROUNDS:-2}"
GEN_RUNS="${GEN_RUNS:-5}"
GEN_ROUNDS="${GEN_ROUNDS:-1}"
RESOLUTIONS="${RESOLUTIONS:-256 1024}"
BATCHES="${BATCHES:-1 4}"
OUT="${OUT:-/tmp/toonkit-compare-$(date +%Y%m%d-%H%M%S)}"
do_convs=1 do_gens=1 do_onnx=1

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PYTHON="$2"; shift ;;
    --nvlabs) NVLABS_REPO="$2"; shift ;;
    --rosinality) ROSINALITY_REPO="$2"; shift ;;
    --toon-bench) TOON_BENCH="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --gen-runs) GEN_RUNS="$2"; shift ;;
    --gen-rounds) GEN_ROUNDS="$2"; shift ;;
    --resolutions) RESOLUTIONS="$2"; shift ;;
    --batches) BATCHES="$2"; shift ;;
    --skip-convs) do_convs=0 ;;
    --skip-generators) do_gens=0 ;;
    --no-onnx) do_onnx=0 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) usage 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; usage 64 >&2 ;;
  esac
  shift
done
[ -z "$PYTHON" ] && PYTHON="$(command -v python3 || true)"

mkdir -p "$OUT"
log="$OUT/log.txt"
say() { echo "$*" | tee -a "$log" >&2; }
# Every peer step that cannot run leaves a .missing file with the reason; the table prints it.
missing() { echo "$2" > "$OUT/$1.missing"; say "MISSING $1: $2"; }

# --- What is available ---------------------------------------------------------------------------
have_torch=0 have_ort=0 have_nvlabs=0 have_ros=0
if [ -n "$PYTHON" ] && "$PYTHON" -c 'import torch' 2>/dev/null; then
  have_torch=1
  torch_version="$("$PYTHON" -c 'import torch; print(torch.__version__)')"
else
  say "MISSING: no Python with PyTorch (--python / PYTHON; tried '${PYTHON:-none}'): all peer columns will be empty"
fi
if [ "$have_torch" = 1 ] && [ "$do_onnx" = 1 ]; then
  if "$PYTHON" -c 'import onnx, onnxscript, onnxruntime' 2>/dev/null; then have_ort=1
  else say "MISSING: $PYTHON lacks onnx/onnxscript/onnxruntime (pip install onnx onnxscript onnxruntime): no ORT column"; fi
fi
if [ -n "$NVLABS_REPO" ] && [ -f "$NVLABS_REPO/training/networks.py" ]; then have_nvlabs=1
else say "MISSING: NVlabs/stylegan2-ada-pytorch checkout (--nvlabs / NVLABS_REPO; got '${NVLABS_REPO:-unset}')"; fi
if [ -n "$ROSINALITY_REPO" ] && [ -f "$ROSINALITY_REPO/op/upfirdn2d.py" ]; then have_ros=1
else say "MISSING: rosinality/stylegan2-pytorch checkout (--rosinality / ROSINALITY_REPO; got '${ROSINALITY_REPO:-unset}')"; fi
# Peak RSS of toon-bench is measured by a Python wrapper; any python3 will do.
RSS_PY=""
for candidate in "$PYTHON" "$(command -v python3 || true)"; do
  if [ -n "$candidate" ] && "$candidate" -c '' 2>/dev/null; then RSS_PY="$candidate"; break; fi
done
if [ -z "$RSS_PY" ]; then say "MISSING: no python3 at all: cannot measure peak RSS or print the table"; fi

# --- ToonKit -------------------------------------------------------------------------------------
if [ -z "$TOON_BENCH" ]; then
  say "building toon-bench (release)..."
  if ! (cd "$root" && swift build -c release --product toon-bench) >>"$log" 2>&1; then
    say "FAILED: swift build -c release --product toon-bench (see $log)"; exit 1
  fi
  TOON_BENCH="$(cd "$root" && swift build -c release --show-bin-path)/toon-bench"
fi
[ -x "$TOON_BENCH" ] || { say "FAILED: no toon-bench at $TOON_BENCH"; exit 1; }

{
  echo "date: $(date -Is)   host: $(hostname)   $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "cpu family $(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs)   AVX-512: $(grep -m1 -qw avx512f /proc/cpuinfo && echo yes || echo no)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Which kernels the libraries pick matters more than the CPU's name: record them.
  [ -n "$RSS_PY" ] && "$RSS_PY" - <<'PY' 2>/dev/null
import ctypes, ctypes.util
name = ctypes.util.find_library("openblas")
if name:
    lib = ctypes.CDLL(name)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    print("OpenBLAS (system, used by toon-bench):", lib.openblas_get_corename().decode(),
          "kernels", "(OPENBLAS_CORETYPE overrides)")
PY
  [ "$have_torch" = 1 ] && "$PYTHON" -c 'import torch; print("torch CPU capability:", torch.backends.cpu.get_cpu_capability(), " oneDNN:", torch.backends.mkldnn.is_available())' 2>/dev/null
  echo "toon-bench: $TOON_BENCH ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null)$(cd "$root" && git diff --quiet 2>/dev/null || echo '+dirty'))"
  echo "python: ${PYTHON:-none}   torch: ${torch_version:-none}   threads: $THREADS"
  [ "$have_nvlabs" = 1 ] && echo "nvlabs: $NVLABS_REPO"
  [ "$have_ros" = 1 ] && echo "rosinality: $ROSINALITY_REPO"
} | tee "$OUT/environment.txt" | tee -a "$log" >&2

# Run a step; its stdout (JSON) goes to $OUT/$1.json, stderr to the log. A failure is reported.
step() {
  local name="$1"; shift
  say "  $name"
  "$@" >"$OUT/$name.json" 2>>"$log"
  local rc=$?
  if [ "$rc" != 0 ]; then
    rm -f "$OUT/$name.json"; missing "$name" "failed (exit status $rc; see $log)"
  fi
}

why() {  # the reason a peer column stays empty
  if [ "$have_torch" != 1 ]; then echo "no Python with PyTorch (--python)"
  elif [ "$1" = nvlabs ]; then echo "no NVlabs checkout (--nvlabs)"
  elif [ "$have_ros" != 1 ]; then echo "no rosinality checkout (--rosinality)"
  else echo "no onnx/onnxscript/onnxruntime in $PYTHON"; fi
}

# --- Convolutions: alternate ToonKit and PyTorch, round by round -----------------------------------
if [ "$do_convs" = 1 ]; then
  say "convolutions: $ROUNDS round(s) of $RUNS runs, threads $THREADS"
  for round in $(seq 1 "$ROUNDS"); do
    step "gemm-toonkit-$round" "$TOON_BENCH" gemm --json --runs "$RUNS" --threads "$THREADS"
    step "conv-toonkit-$round" "$TOON_BENCH" conv --json --runs "$RUNS" --threads "$THREADS"
    if [ "$have_torch" = 1 ]; then
      step "conv-torch-$round" "$PYTHON" "$peers/torch_conv.py" --json --gemm --runs "$RUNS" --threads "$THREADS"
    fi
    # toon-bench's sgemm row goes with its conv rows (the table matches rows by name).
    if [ -f "$OUT/gemm-toonkit-$round.json" ] && [ -f "$OUT/conv-toonkit-$round.json" ] && [ -n "$RSS_PY" ]; then
      "$RSS_PY" -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); json.dump(a+b, open(sys.argv[2],"w"), indent=2)' \
        "$OUT/gemm-toonkit-$round.json" "$OUT/conv-toonkit-$round.json"
    fi
  done
fi

# --- Generators: per configuration, ToonKit then each peer, one process each ---------------------
if [ "$do_gens" = 1 ]; then
  say "generators: $GEN_ROUNDS round(s), $GEN_RUNS runs each after one warm-up, resolutions $RESOLUTIONS, batches $BATCHES"
  for round in $(seq 1 "$GEN_ROUNDS"); do
  for res in $RESOLUTIONS; do
    for batch in $BATCHES; do
      tag="$res-b$batch-r$round"
      if [ -n "$RSS_PY" ]; then
        step "gen-toonkit-$tag" "$RSS_PY" "$peers/peak_rss.py" -- "$TOON_BENCH" generator --json \
          --resolution "$res" --batch "$batch" --runs "$GEN_RUNS" --threads "$THREADS"
      else
        step "gen-toonkit-$tag" "$TOON_BENCH" generator --json --resolution "$res" --batch "$batch" \
          --runs "$GEN_RUNS" --threads "$THREADS"
      fi
      if [ "$have_torch" = 1 ] && [ "$have_nvlabs" = 1 ]; then
        step "gen-nvlabs-$tag" "$PYTHON" "$peers/torch_generator.py" --impl nvlabs --repo "$NVLABS_REPO" \
          --resolution "$res" --batch "$batch" --runs "$GEN_RUNS" --threads "$THREADS"
      else missing "gen-nvlabs-$tag" "$(why nvlabs)"; fi
      if [ "$have_torch" = 1 ] && [ "$have_ros" = 1 ]; then
        step "gen-rosinality-$tag" "$PYTHON" "$peers/torch_generator.py" --impl rosinality --repo "$ROSINALITY_REPO" \
          --resolution "$res" --batch "$batch" --runs "$GEN_RUNS" --threads "$THREADS"
      else missing "gen-rosinality-$tag" "$(why rosinality)"; fi
      if [ "$batch" = 1 ] && [ "$do_onnx" = 1 ]; then
        if [ "$have_ort" = 1 ] && [ "$have_ros" = 1 ]; then
          step "gen-onnxruntime-$tag" "$PYTHON" "$peers/onnx_generator.py" --repo "$ROSINALITY_REPO" \
            --resolution "$res" --runs "$GEN_RUNS" --threads "$THREADS" --out-dir "$OUT/onnx"
        else missing "gen-onnxruntime-$tag" "$(why onnx)"; fi
      fi
    done
  done
  done
fi

# --- Table ---------------------------------------------------------------------------------------
echo
cat "$OUT/environment.txt"
echo
if [ -n "$RSS_PY" ]; then
  "$RSS_PY" "$peers/compare_table.py" "$OUT" | tee "$OUT/table.md"
else
  echo "no python3: raw JSON is in $OUT"
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (at the start: see above; high load = noisy numbers)"
echo "raw JSON and log: $OUT"
