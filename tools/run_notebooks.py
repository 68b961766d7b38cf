#!/usr/bin/env python3
"""Execute the course notebooks on the course kernel (dlcourse-kernel) and report what failed.

The course kernel fails a cell that does not compile, panics (a failed `assert!`) or returns an
error with `?`, so nbclient stops at it like at any kernel's error; this runner reports the
notebook, the cell and the kernel's message, and the values the cell printed before failing.
It still reads a cell's stderr for one thing: text on stderr that did not fail the cell (a panic
caught inside the cell, a figure that could not be drawn, a warning) fails the run, because a
course notebook's cells print nothing there when all is well.

OpenBLAS picks its compute kernel by processor (or by OPENBLAS_CORETYPE), and the last bits of
every matrix product depend on it, so a check can pass on one machine and fail on another.
`--coretypes Zen,SkylakeX,Haswell,Sandybridge,native` runs the notebooks under those kernels in
turn (notebook i gets entry i modulo their number; `native` is OpenBLAS's own choice for this
processor), so that one run exercises kernels other than the machine's own. A kernel the processor cannot run (no
AVX-512 for SkylakeX) is replaced by `native`, and the report says so.

Usage:
  run_notebooks.py --out build/course [--html] [notebooks ...]    execute copies into --out
  run_notebooks.py --inplace [notebooks ...]                      maintainer: refresh committed outputs
  run_notebooks.py --coretypes Haswell --out build/x               every notebook under one OpenBLAS kernel
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The text a dlcourse Figure or Table gives besides its PNG or HTML; alone, the display was lost.
DISPLAY_TEXT = re.compile(r"^(Figure \d+x\d+ px|Table \{ frame:)")


# The processor features each OpenBLAS kernel needs (x86-64; OpenBLAS does not check a forced one).
CORETYPE_NEEDS = {
    "Haswell": {"avx2", "fma"},
    "Zen": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"},
    "Cooperlake": {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"},
    "Sandybridge": {"avx"},
    "Nehalem": {"sse4_2"},
    "Prescott": {"sse3"},
}
BLAS_CORE_PROBE = (
    "import ctypes, ctypes.util\n"
    "name = ctypes.util.find_library('openblas')\n"
    "lib = ctypes.CDLL(name) if name else None\n"
    "if lib is not None: lib.openblas_get_corename.restype = ctypes.c_char_p\n"
    "print(lib.openblas_get_corename().decode() if lib is not None else 'unknown')\n"
)


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def blas_env(coretype: str) -> tuple[dict[str, str], str]:
    """The environment that makes OpenBLAS run `coretype` ('native': its own choice), and the
    name of the kernel OpenBLAS then reports."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    note = ""
    if coretype != "native":
        needs = CORETYPE_NEEDS.get(coretype)
        if needs is None:
            raise SystemExit(f"--coretypes: unknown OpenBLAS core type {coretype!r}; known: native, {', '.join(CORETYPE_NEEDS)}")
        missing = needs - cpu_flags()
        if missing:
            note = f" ({coretype} needs {', '.join(sorted(missing))}, which this processor lacks)"
        else:
            env["OPENBLAS_CORETYPE"] = coretype
    try:
        probe = subprocess.run([sys.executable, "-c", BLAS_CORE_PROBE], env=env, capture_output=True, text=True, timeout=60)
        name = probe.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        name = "unknown"
    return env, name + note


class CellFailure(Exception):
    """A cell that did not compile or that panicked."""

    def __init__(self, index: int, kind: str, message: str, source: str):
        self.index, self.kind, self.message, self.source = index, kind, message, source
        super().__init__(f"cell {index}: {kind}")


def cell_text(outputs: list, names: tuple[str, ...] = ("stderr",)) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") in names)


def error_text(outputs: list) -> str:
    parts = []
    for o in outputs:
        if o.get("output_type") == "error":
            parts.append(f"{o.get('ename', '')}: {o.get('evalue', '')}".strip(": "))
            parts.extend(o.get("traceback", []))
    return ANSI.sub("", "\n".join(p for p in parts if p))


def check_cell(cell, index: int) -> None:
    """Raises CellFailure if the executed cell wrote to stderr or holds an error it was not
    allowed to raise, or shows a figure badly."""
    allowed = "raises-exception" in cell.get("metadata", {}).get("tags", [])
    stderr = ANSI.sub("", cell_text(cell.get("outputs", [])))
    # what the cell printed before failing usually holds the measured values of the check
    stdout = ANSI.sub("", cell_text(cell.get("outputs", []), ("stdout",))).strip()
    printed = f"\n  --- printed before ---\n{stdout}" if stdout else ""
    if not allowed and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
        message = error_text(cell.outputs) or stderr.strip() or "(the kernel gave no message)"
        raise CellFailure(index, "failed (did not compile, panicked, or returned an error)", message + printed, cell.source)
    if stderr.strip() and not allowed:
        raise CellFailure(index, "wrote to stderr (a warning, or a panic the cell caught)", stderr.strip() + printed, cell.source)
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        text = "".join(data.get("text/plain", ""))
        if DISPLAY_TEXT.match(text) and not ({"image/png", "text/html"} & set(data)):
            raise CellFailure(
                index,
                "shows a figure or table as text instead of displaying it",
                "evcxr printed the value with Debug instead of displaying it. This happens when the cell's last "
                "expression consumes a variable made in the same cell: bind the result to a name "
                "(`let fig = …;`) and end the cell with that name.",
                cell.source,
            )
        if o.get("output_type") == "execute_result" and text.strip() == "()":
            raise CellFailure(
                index,
                "displays `()`",
                "the cell ends with an expression of type () (often a `for` loop), which evcxr prints as `()`: "
                "end it with `;` or with a statement.",
                cell.source,
            )


def merge_streams(outputs: list) -> list:
    """evcxr sends printed text line by line; join consecutive pieces of the same stream."""
    merged: list = []
    for o in outputs:
        if o.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream" and merged[-1].get("name") == o.get("name"):
            merged[-1]["text"] = merged[-1]["text"] + o["text"]
        else:
            merged.append(o)
    return merged


VARS_ROW = re.compile(r"<tr><td>.*?</td><td>.*?</td><tr>")


def sort_vars_listing(outputs: list) -> None:
    """evcxr's `:vars` lists variables in hash order, which changes from run to run: sort it."""
    for o in outputs:
        data = o.get("data", {})
        if "text/plain" in data:
            lines = "".join(data["text/plain"]).splitlines(keepends=True)
            data["text/plain"] = "".join(sorted(lines))
        if "text/html" in data:
            html = "".join(data["text/html"])
            rows = VARS_ROW.findall(html)
            if rows:
                start, end = html.index(rows[0]), html.rindex(rows[-1]) + len(rows[-1])
                data["text/html"] = html[:start] + "".join(sorted(rows)) + html[end:]


def clean(nb) -> None:
    """Remove what changes from run to run (timing metadata, the order of `:vars`), join split
    printed text."""
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            if cell.source.strip() == ":vars":
                sort_vars_listing(cell.outputs)
            count += 1
            # every code cell ran, printed or not: a cell without a number reads as one that never ran
            cell.execution_count = count
            for o in cell.outputs:
                if "execution_count" in o:
                    o["execution_count"] = cell.execution_count


def execute(path: Path, timeout: int, env: dict[str, str] | None = None) -> tuple[object, list[tuple[int, float]], float]:
    """Executes one notebook (its kernel in `env`, default ours); returns it, the per-cell times
    and the total time."""
    nb = nbformat.read(path, as_version=4)
    times: list[tuple[int, float]] = []
    started: dict[int, float] = {}

    def on_start(cell, cell_index, **_):
        started[cell_index] = time.monotonic()

    def on_done(cell, cell_index, **_):
        times.append((cell_index, time.monotonic() - started.get(cell_index, time.monotonic())))
        check_cell(cell, cell_index)

    client = NotebookClient(
        nb,
        kernel_name="rust",
        timeout=timeout,
        startup_timeout=120,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_start,
        on_cell_executed=on_done,
    )
    t0 = time.monotonic()
    try:
        client.execute(**({"env": env} if env is not None else {}))
    except CellExecutionError as e:
        # nbclient stops at the first failed cell: report it with the kernel's message.
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                if "raises-exception" not in cell.metadata.get("tags", []):
                    check_cell(cell, i)
        raise CellFailure(-1, "failed", ANSI.sub("", str(e)), "") from None
    except CellTimeoutError as e:
        raise CellFailure(max(started, default=-1), f"timed out after {timeout} s", str(e), "") from None
    except DeadKernelError as e:
        raise CellFailure(max(started, default=-1), "killed the kernel", str(e), "") from None
    clean(nb)
    return nb, times, time.monotonic() - t0


def write_html(nb, out: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    out.write_text(body, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    ap.add_argument("--out", type=Path, help="folder for the executed copies (and html/ with --html)")
    ap.add_argument("--inplace", action="store_true", help="write outputs back into the notebooks themselves")
    ap.add_argument("--html", action="store_true", help="also export each notebook as HTML (nbconvert), for the browser test; the course's website is tools/build_site.py")
    ap.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    ap.add_argument("--keep-going", action="store_true", help="run every notebook even after a failure")
    ap.add_argument("--coretypes", help="OpenBLAS kernels to run the notebooks under, in turn (e.g. Zen,SkylakeX,Haswell,native)")
    args = ap.parse_args()
    if not args.out and not args.inplace:
        ap.error("say where the executed notebooks go: --out FOLDER, or --inplace")
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    # The course kernel keeps its compiled crate in a working folder of its own
    # (target/kernel-slots): one kernel at a time, the notebooks all reuse the first.
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        if args.html:
            (args.out / "html").mkdir(exist_ok=True)

    coretypes = [c.strip() for c in args.coretypes.split(",") if c.strip()] if args.coretypes else []
    failures, report = [], []
    for number, path in enumerate(paths):
        path = path.resolve()
        env, core = blas_env(coretypes[number % len(coretypes)]) if coretypes else (None, "")
        print(f"▶ {path.name} …" + (f" (OpenBLAS kernel {core})" if core else ""), flush=True)
        try:
            nb, times, total = execute(path, args.timeout, env)
        except CellFailure as f:
            failures.append(path.name)
            print(f"✗ {path.name}: code cell at index {f.index} {f.kind}", file=sys.stderr)
            if f.source:
                print("  --- cell source ---\n  " + f.source.strip().replace("\n", "\n  "), file=sys.stderr)
            print("  --- message ---\n  " + f.message.strip().replace("\n", "\n  "), file=sys.stderr, flush=True)
            if not args.keep_going:
                break
            continue
        slow = sorted(times, key=lambda t: -t[1])[:3]
        print(f"✓ {path.name}: {total:.1f} s; slowest cells: " + ", ".join(f"#{i} {t:.1f} s" for i, t in slow), flush=True)
        report.append({"notebook": path.name, "seconds": round(total, 1), "openblas": core or "as set", "cells": [[i, round(t, 2)] for i, t in times]})
        target = path if args.inplace else args.out / path.name
        nbformat.write(nb, target)
        if args.html and args.out:
            write_html(nb, args.out / "html" / (path.stem + ".html"))
    if args.out:
        (args.out / "timings.json").write_text(json.dumps(report, indent=1))
    ran = len(report)
    print(f"notebooks: {ran} passed, {len(failures)} failed" + (f" ({', '.join(failures)})" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
