"""The benchmark's reference: the models of examples/benchmark.rs in PyTorch on the CPU.

Same data (the CSV the Rust example writes), architecture, batch size (32), optimiser (Adam,
lr 1e-3), epochs and thread count; prints one JSON line per model and dtype.
PyTorch is a reference for this benchmark only, not a dependency of the workbook.
"""
import argparse
import json
import time

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


def run(name, make, shape, epochs, big, data, dtype, threads):
    torch.manual_seed(0)
    (xtr, ytr), (xte, yte) = data
    if big:
        xtr, xte = enlarge(xtr), enlarge(xte)
    xtr = torch.tensor(xtr, dtype=dtype).reshape(-1, *shape)
    xte = torch.tensor(xte, dtype=dtype).reshape(-1, *shape)
    ytr, yte = torch.tensor(ytr), torch.tensor(yte)
    model = make().to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(ytr), generator=generator)
        for i in range(0, len(ytr), 32):
            idx = order[i:i + 32]
            opt.zero_grad()
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        accuracy = (model(xte).argmax(1) == yte).double().mean().item()
    params = sum(p.numel() for p in model.parameters())
    engine = f"PyTorch {torch.__version__.split('+')[0]} ({'f64' if dtype == torch.float64 else 'f32'}, {threads} threads)"
    print(json.dumps({"model": name, "engine": engine, "seconds": round(seconds, 3), "accuracy": round(accuracy, 4),
                      "parameters": params, "epochs": epochs}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="build/benchmark/digits.csv")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.data)
    for name, (make, shape, epochs, big) in models().items():
        for dtype in (torch.float64, torch.float32):
            run(name, make, shape, epochs, big, data, dtype, args.threads)


if __name__ == "__main__":
    main()
