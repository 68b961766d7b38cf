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


def load_parameters(model, path, keep=()):
    """Copies the Rust side's parameters into the model: same order; linear weights are (in, out)
    there, so 2-D parameters are transposed — except those whose name starts with one of `keep`
    (embedding tables are (tokens, dim) on both sides)."""
    rows = [line.rstrip("\n").split(",") for line in open(path)]
    params = list(model.parameters())
    assert len(rows) == len(params), f"{path}: {len(rows)} parameters, the model has {len(params)}"
    with torch.no_grad():
        for p, row in zip(params, rows):
            shape = [int(d) for d in row[1].split("x")]
            values = torch.tensor([float(v) for v in row[2:]], dtype=p.dtype).reshape(shape)
            p.copy_(values.T if p.dim() == 2 and not row[0].startswith(keep) else values)


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


TRANSFORMER = "causal transformer, reversal"
STRING_LENGTH, TRANSFORMER_BATCH, TRANSFORMER_EPOCHS = 5, 64, 5  # as in examples/benchmark.rs


class Block(nn.Module):
    """The crate's pre-norm TransformerBlock: x + W_o·MHA(LN x), then + MLP(LN ·), GELU (tanh form)."""

    def __init__(self, d, heads):
        super().__init__()
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(d, d) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(d, eps=1e-5), nn.LayerNorm(d, eps=1e-5)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))
        self.heads = heads

    def forward(self, x):
        b, t, d = x.shape
        h, dh = self.heads, d // self.heads
        y = self.norm1(x)
        split = lambda z: z.reshape(b, t, h, dh).transpose(1, 2)
        q, k, v = split(self.wq(y)), split(self.wk(y)), split(self.wv(y))
        mask = torch.triu(torch.full((t, t), float("-inf"), dtype=x.dtype), diagonal=1)
        w = torch.softmax(q @ k.transpose(-1, -2) / dh ** 0.5 + mask, dim=-1)
        x = x + self.wo((w @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.mlp(self.norm2(x))


class CausalTransformer(nn.Module):
    """The crate's CausalTransformer: token + position embeddings, blocks, layer norm, read-out."""

    def __init__(self, vocab, context, d=32, heads=2, layers=1):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.norm, self.head = nn.LayerNorm(d, eps=1e-5), nn.Linear(d, vocab)

    def forward(self, tokens):
        x = self.tokens(tokens) + self.positions(torch.arange(tokens.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def run_transformer(folder, dtype, threads, same):
    rows = [line.rstrip("\n").split(",") for line in open(folder / "reverse.csv")]
    train = torch.tensor([[int(v) for v in r[1:]] for r in rows if r[0] == "train"])
    test = torch.tensor([[int(v) for v in r[1:]] for r in rows if r[0] == "test"])
    torch.manual_seed(0)
    model = CausalTransformer(11, 2 * STRING_LENGTH).to(dtype)
    if same:
        load_parameters(model, folder / "init_transformer.csv", keep=("tokens", "positions"))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    orders = [torch.tensor([int(i) for i in line.split(",")]) for line in open(folder / "reverse_batches.csv")]
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    first_loss = None
    for epoch in range(TRANSFORMER_EPOCHS):
        order = orders[epoch] if same else torch.randperm(len(train), generator=generator)
        for i in range(0, len(train), TRANSFORMER_BATCH):
            batch = train[order[i:i + TRANSFORMER_BATCH]]
            opt.zero_grad()
            scores = model(batch[:, :-1])[:, STRING_LENGTH:]  # the positions that predict the answer
            loss = nn.functional.cross_entropy(scores.reshape(-1, 11), batch[:, STRING_LENGTH + 1:].reshape(-1))
            first_loss = loss.item() if first_loss is None else first_loss
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        sequence = test[:, :STRING_LENGTH + 1]
        for _ in range(STRING_LENGTH):
            sequence = torch.cat([sequence, model(sequence)[:, -1].argmax(1, keepdim=True)], dim=1)
        exact = (sequence[:, STRING_LENGTH + 1:] == test[:, STRING_LENGTH + 1:]).all(1).double().mean().item()
    engine = f"PyTorch {torch.__version__.split('+')[0]} ({'f64' if dtype == torch.float64 else 'f32'}, {threads} threads{', same init' if same else ''})"
    print(json.dumps({"model": TRANSFORMER, "engine": engine, "seconds": round(seconds, 3), "accuracy": round(exact, 4),
                      "parameters": sum(p.numel() for p in model.parameters()), "epochs": TRANSFORMER_EPOCHS,
                      "first_loss": first_loss}), flush=True)


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
    if (folder / "reverse.csv").exists():
        for dtype in (torch.float64, torch.float32):
            run_transformer(folder, dtype, args.threads, False)
        if args.same_init:
            run_transformer(folder, torch.float64, args.threads, True)


if __name__ == "__main__":
    main()
