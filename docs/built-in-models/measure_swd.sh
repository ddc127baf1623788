#!/usr/bin/env bash
# SWD of every snapshot of a run against its dataset, one JSON line per snapshot (kimg first):
#   docs/built-in-models/measure_swd.sh RUN_FOLDER DATASET.zip [NUM] > swd.jsonl
set -euo pipefail
run="$1" data="$2" num="${3:-1024}"
toon="$(cd "$(dirname "$0")/../.." && pwd)/.build/release/toon"
for snapshot in "$run"/network-snapshot-*.safetensors; do
    kimg=$(basename "$snapshot" .safetensors | sed 's/network-snapshot-0*//')
    json=$("$toon" metrics --metric swd --network "$snapshot" --data "$data" --num "$num" --json)
    echo "{\"kimg\": ${kimg:-0}, ${json#\{}"
done
