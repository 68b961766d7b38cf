"""Trains the same models with the crate's engine and with PyTorch (CPU) and prints the time ratios.

    python tools/benchmark/compare.py [--threads 2] [--repeat 3]

Needs PyTorch and numpy in the Python that runs it (`pip install torch numpy`, outside the
workbook's own environment: PyTorch is a reference for this benchmark, not a dependency).
The Rust side is `cargo run --release --example benchmark`; both sides train on the same data
(the CSV the example writes), with the same architecture, batch size 32, Adam (lr 1e-3) and epochs.
Each side runs `--repeat` times; the table shows the fastest run of each (the least disturbed).
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "build" / "benchmark" / "digits.csv"


def lines(cmd, env=None):
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--example", "benchmark"], cwd=ROOT, check=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads))
    best = {}
    for _ in range(args.repeat):
        results = lines([str(ROOT / "target/release/examples/benchmark"), "--data", str(DATA)], env)
        results += lines([sys.executable, str(ROOT / "tools/benchmark/torch_reference.py"), "--data", str(DATA),
                          "--threads", str(args.threads), "--same-init"])
        for r in results:
            key = (r["model"], r["engine"])
            if key not in best or r["seconds"] < best[key]["seconds"]:
                best[key] = r
    models = list(dict.fromkeys(m for m, _ in best))
    print(f"{'model':28} {'engine':34} {'seconds':>8} {'ratio':>7} {'accuracy':>9}")
    for model in models:
        ours = best[(model, "dlcourse (f64)")]
        for (m, engine), r in best.items():
            if m == model:
                ratio = ours["seconds"] / r["seconds"]
                print(f"{model:28} {engine:34} {r['seconds']:8.3f} {ratio:7.2f} {r['accuracy']:9.4f}")
    print("ratio = dlcourse time / this engine's time (below 1: dlcourse is faster)")
    print("'same init': PyTorch starts from dlcourse's initial weights and visits its mini-batches in the same order")
    for model in models:
        ours = best[(model, "dlcourse (f64)")]["accuracy"]
        same = [r["accuracy"] for (m, e), r in best.items() if m == model and "same init" in e]
        if same:
            print(f"{model:28} accuracy: dlcourse {ours:.4}, PyTorch from the same start {same[0]:.4}, difference {abs(ours - same[0]):.4}")
        first = [(best[(model, "dlcourse (f64)")].get("first_loss"), r.get("first_loss")) for (m, e), r in best.items() if m == model and "same init" in e]
        if first and None not in first[0]:
            print(f"{model:28} first mini-batch loss: dlcourse {first[0][0]:.15f}, PyTorch {first[0][1]:.15f}, difference {abs(first[0][0] - first[0][1]):.1e}")


if __name__ == "__main__":
    main()
