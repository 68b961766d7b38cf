#!/usr/bin/env python3
"""Latency of the course kernel against stock evcxr_jupyter 0.22, in the same run on the same machine.

Both kernels are started in notebooks/ as JupyterLab starts them, each with a working folder of
its own: the course kernel in its slot (target/kernel-slots), stock evcxr_jupyter in a new
temporary folder, which is what a student opening a notebook gets from it. Measured:

- first result, sent at once: from starting the kernel to the reply of the notebooks' first two
  cells (`:dep dlcourse = { path = ".." }`, then `use dlcourse::prelude::*;` and a print),
  sent as soon as the kernel answers;
- first result, sent 10 s later: the same two cells sent 10 s after start (a student reading the
  introduction), timed from sending;
- a trivial cell (`1 + 1`) and a typical cell (arrays, a product, a figure), medians of repeats;
- with --course: every notebook executed by nbclient, the total.

Prints each number and the ratio stock / course (> 1: the course kernel is faster).

The stock kernel is ~/.cargo/bin/evcxr_jupyter (install: cargo install --locked evcxr_jupyter
--version 0.22.0), registered here in a temporary kernelspec with the setting set-up used to give
it (CARGO_PROFILE_DEV_DEBUG_ASSERTIONS=false). Run one benchmark at a time, on an idle machine.

Usage: .venv/bin/python tools/benchmark/kernel_latency.py [--course] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Stock evcxr_jupyter's compile cache. Not the shared ~/.cache/evcxr: stock evcxr compiles without
# the course kernel's path remapping, and once its cache mixes crates compiled in two folders it
# fails with "can't find crate for `linfa`" (README, "Compile time"); it gets a cache of its own,
# filled by an untimed first kernel, as a student who has used stock evcxr before has one.
STOCK_CACHE = ROOT / "build" / "bench" / "stock-evcxr-cache"
FIRST_CELLS = [':dep dlcourse = { path = ".." }', 'use dlcourse::prelude::*;\nprintln!("dlcourse {VERSION}");']
TRIVIAL = "1 + 1"
TYPICAL = """{
    let x = Array2::from_shape_fn((200, 64), |(i, j)| ((i * 64 + j) as f64 * 0.01).sin());
    let gram = x.t().dot(&x);
    let fig = LinePlot::new("diagonal of XᵀX").line("diag", &(0..64).map(|i| i as f64).collect::<Vec<_>>(), &gram.diag().to_vec()).figure();
    (gram.sum(), fig.to_png().map(|p| p.len()).unwrap_or(0))
}"""


def stock_kernelspec(folder: Path) -> str:
    exe = Path.home() / ".cargo" / "bin" / "evcxr_jupyter"
    if not exe.exists():
        sys.exit(f"stock evcxr_jupyter not found at {exe}: cargo install --locked evcxr_jupyter --version 0.22.0")
    spec = folder / "kernels" / "rust-stock"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(exe), "--control_file", "{connection_file}"],
        "display_name": "Rust (stock evcxr_jupyter 0.22)", "language": "rust", "interrupt_mode": "message",
        # a compile cache of its own (see main): stock evcxr mixes builds from different folders
        "env": {"CARGO_PROFILE_DEV_DEBUG_ASSERTIONS": "false", "XDG_CACHE_HOME": str(STOCK_CACHE)},
    }))
    return "rust-stock"


def start(kernel: str):
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name=kernel)
    t0 = time.monotonic()
    km.start_kernel(cwd=str(NOTEBOOKS))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=300)
    return km, kc, t0


def run(kc, code: str) -> float:
    t = time.monotonic()
    errors = []

    def keep_errors(msg):
        if msg["msg_type"] == "error":
            errors.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")

    reply = kc.execute_interactive(code, timeout=1800, output_hook=keep_errors)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {code!r}: " + ("; ".join(errors) or str(reply["content"])))
    return time.monotonic() - t


def stop(km, kc) -> None:
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def probe(kernel: str, repeat: int) -> dict[str, float]:
    out = {}
    km, kc, t0 = start(kernel)
    for cell in FIRST_CELLS:
        run(kc, cell)
    out["first result, sent at once (s from start)"] = time.monotonic() - t0
    out["trivial cell (s, median)"] = statistics.median(run(kc, TRIVIAL) for _ in range(repeat))
    out["typical cell (s, median)"] = statistics.median(run(kc, TYPICAL) for _ in range(max(3, repeat // 2)))
    stop(km, kc)
    km, kc, t0 = start(kernel)
    time.sleep(max(0.0, 10 - (time.monotonic() - t0)))
    out["first result, sent 10 s after start (s from sending)"] = sum(run(kc, cell) for cell in FIRST_CELLS)
    stop(km, kc)
    return out


def course(kernel: str) -> float:
    import nbformat
    from nbclient import NotebookClient

    total = 0.0
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t = time.monotonic()
        NotebookClient(nb, kernel_name=kernel, timeout=1800, startup_timeout=300,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
        total += time.monotonic() - t
        print(f"  {kernel}: {path.name} {time.monotonic() - t:.1f} s", flush=True)
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--course", action="store_true", help="also execute the whole course on both kernels")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kernel-latency-"))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(folder), os.environ.get("JUPYTER_PATH", "")) if p)
    os.environ.pop("EVCXR_TMPDIR", None)
    kernels = {"course": "rust", "stock": stock_kernelspec(folder)}
    STOCK_CACHE.mkdir(parents=True, exist_ok=True)
    print(f"▶ stock kernel: filling its compile cache ({STOCK_CACHE}; minutes the first time, untimed)", flush=True)
    km, kc, _ = start(kernels["stock"])
    for cell in FIRST_CELLS:
        run(kc, cell)
    stop(km, kc)
    results: dict[str, dict[str, float]] = {}
    try:
        for name, kernel in kernels.items():
            print(f"▶ {name} kernel ({kernel})", flush=True)
            results[name] = probe(kernel, args.repeat)
            if args.course:
                results[name]["whole course (s)"] = course(kernel)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'measure':<55} {'course':>9} {'stock':>9} {'stock/course':>13}")
    for key in results["course"]:
        c, s = results["course"][key], results["stock"][key]
        print(f"{key:<55} {c:>9.2f} {s:>9.2f} {s / c:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
