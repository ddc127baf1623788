"""Plots a run's curves for docs/built-in-models.md: SWD per snapshot (from measure_swd.sh) and the
tick-mean losses (from the run's log.jsonl).
Run: python3 plot_curves.py swd.jsonl RUN/log.jsonl anime64-curves.png   (matplotlib 3.11)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

swd = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
log = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
levels = sorted((k for k in swd[0] if k.startswith("swd") and k[3:].isdigit()), key=lambda k: -int(k[3:]))
for key in levels:
    left.plot([s["kimg"] for s in swd], [s[key] for s in swd], marker=".", label=f"{key[3:]} px")
left.plot([s["kimg"] for s in swd], [s["swd_mean"] for s in swd], color="black", linewidth=2, label="mean")
left.set_xlabel("kimg")
left.set_ylabel("SWD x 1000 (lower is closer)")
left.set_title(f"Sliced Wasserstein distance, {swd[0]['num']} images")
left.legend()
for key, label in [("loss_G", "G loss"), ("loss_D", "D loss"), ("r1", "R1 penalty")]:
    right.plot([t["kimg"] for t in log], [t.get(key) for t in log], label=label)
right.set_xlabel("kimg")
right.set_title("Tick means")
right.legend()
fig.tight_layout()
fig.savefig(sys.argv[3])
