#!/usr/bin/env python3
"""Which OpenBLAS kernels round differently on this machine.

Multiplies the same random matrices (shapes the course uses: a batch through a layer, ten class
scores, a Gram matrix over 1797 digits) under each OPENBLAS_CORETYPE and prints a fingerprint of
each product's bits. Kernels with equal fingerprints compute bit-identical products; a kernel the
processor cannot run is skipped. `.venv/bin/python tools/blas_kernels.py` (ctypes and the runner's table of the
features each kernel needs).
"""
import ctypes
import ctypes.util
import hashlib
import os
import random
import subprocess
import sys

SHAPES = [(32, 64, 64), (64, 10, 64), (256, 32, 200), (64, 64, 1797), (500, 500, 500)]  # (m, n, k)
KERNELS = ["Cooperlake", "SkylakeX", "Haswell", "Zen", "Sandybridge", "Nehalem"]


def fingerprints() -> str:
    lib = ctypes.CDLL(ctypes.util.find_library("openblas"))
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_set_num_threads(1)
    row = [f"{lib.openblas_get_corename().decode():12}"]
    for m, n, k in SHAPES:
        rng = random.Random(0)
        a = (ctypes.c_double * (m * k))(*[rng.uniform(-1, 1) for _ in range(m * k)])
        b = (ctypes.c_double * (k * n))(*[rng.uniform(-1, 1) for _ in range(k * n)])
        c = (ctypes.c_double * (m * n))()
        # cblas_dgemm(row major, no transpose, no transpose, m, n, k, 1, A, k, B, n, 0, C, n)
        lib.cblas_dgemm(101, 111, 111, m, n, k, ctypes.c_double(1.0), a, k, b, n, ctypes.c_double(0.0), c, n)
        row.append(hashlib.sha1(bytes(c)).hexdigest()[:8])
    return " ".join(row)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(fingerprints())
        sys.exit(0)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from run_notebooks import CORETYPE_NEEDS, cpu_flags

    print(f"{'kernel':12} " + " ".join(f"{m}x{k}·{k}x{n}" for m, n, k in SHAPES))
    for kernel in KERNELS:
        missing = CORETYPE_NEEDS.get(kernel, set()) - cpu_flags()
        if missing:
            print(f"{kernel:12} (skipped: needs {', '.join(sorted(missing))})")
            continue
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        print(subprocess.run([sys.executable, __file__, "--one"], env=env, capture_output=True, text=True).stdout.strip())
