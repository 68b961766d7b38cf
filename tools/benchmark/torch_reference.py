"""The benchmark's reference: the models of examples/benchmark.rs in PyTorch on the CPU.

Same data (the CSV the Rust example writes), architecture, batch size (32), optimiser (Adam,
lr 1e-3), epochs and thread count; prints one JSON line per model and dtype. With `--same-init`
each model starts from the Rust side's initial parameters (init_<k>.csv) and visits the training
samples in the Rust side's order (batches.csv), so that in f64 the two runs do the same arithmetic.
PyTorch is a reference for this benchmark only, not a dependency of the workbook.
"""
import argparse
import json
import time

from pathlib import Path

import numpy as np
import torch
from torch import nn


def load(path):
    rows = np.loadtxt(path, delimiter=",", dtype=str)
    split, labels, pixels = rows[:, 0], rows[:, 1].astype(np.int64), rows[:, 2:].astype(np.float64)
    return (pixels[split == "train"], labels[split == "train"]), (pixels[split == "test"], labels[split == "test"])


def enlarge(x):
    """8×8 → 28×28: each pixel repeated 3×3, then a 2-pixel zero border (as in the Rust example)."""
    img = x.reshape(-1, 8, 8).repeat(3, axis=1).repeat(3, axis=2)
    return np.pad(img, ((0, 0), (2, 2), (2, 2))).reshape(-1, 784)


def models():
    return {
        "MLP 64-64-10, 8×8 digits": (lambda: nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)), (64,), 20, False),
        "small CNN, 8×8 digits": (lambda: nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64, 10)), (1, 8, 8), 15, False),
        "MLP 784-256-256-10, 28×28": (lambda: nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)), (784,), 10, True),
        "LeNet-5, 28×28": (lambda: nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), (1, 28, 28), 10, True),
    }


def load_parameters(model, path):
    """Copies the Rust side's parameters into the model: same order; linear weights are (in, out) there."""
    rows = [line.rstrip("\n").split(",") for line in open(path)]
    params = list(model.parameters())
    assert len(rows) == len(params), f"{path}: {len(rows)} parameters, the model has {len(params)}"
    with torch.no_grad():
        for p, row in zip(params, rows):
            shape = [int(d) for d in row[1].split("x")]
            values = torch.tensor([float(v) for v in row[2:]], dtype=p.dtype).reshape(shape)
            p.copy_(values.T if p.dim() == 2 else values)


def run(name, make, shape, epochs, big, data, dtype, threads, same=None):
    torch.manual_seed(0)
    (xtr, ytr), (xte, yte) = data
    if big:
        xtr, xte = enlarge(xtr), enlarge(xte)
    xtr = torch.tensor(xtr, dtype=dtype).reshape(-1, *shape)
    xte = torch.tensor(xte, dtype=dtype).reshape(-1, *shape)
    ytr, yte = torch.tensor(ytr), torch.tensor(yte)
    model = make().to(dtype)
    if same is not None:
        load_parameters(model, same["init"])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for epoch in range(epochs):
        order = same["batches"][epoch] if same is not None else torch.randperm(len(ytr), generator=generator)
        for i in range(0, len(ytr), 32):
            idx = order[i:i + 32]
            opt.zero_grad()
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        accuracy = (model(xte).argmax(1) == yte).double().mean().item()
    params = sum(p.numel() for p in model.parameters())
    engine = f"PyTorch {torch.__version__.split('+')[0]} ({'f64' if dtype == torch.float64 else 'f32'}, {threads} threads{', same init' if same else ''})"
    print(json.dumps({"model": name, "engine": engine, "seconds": round(seconds, 3), "accuracy": round(accuracy, 4),
                      "parameters": params, "epochs": epochs}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="build/benchmark/digits.csv")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--same-init", action="store_true", help="start from the Rust side's weights, visit its batches")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.data)
    folder = Path(args.data).parent
    batches = [torch.tensor([int(i) for i in line.split(",")]) for line in open(folder / "batches.csv")] if args.same_init else None
    for k, (name, (make, shape, epochs, big)) in enumerate(models().items()):
        for dtype in (torch.float64, torch.float32):
            run(name, make, shape, epochs, big, data, dtype, args.threads)
        if args.same_init:
            run(name, make, shape, epochs, big, data, torch.float64, args.threads, {"init": folder / f"init_{k}.csv", "batches": batches})


if __name__ == "__main__":
    main()
