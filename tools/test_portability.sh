#!/usr/bin/env bash
# The crate's tests and every notebook under each of several OpenBLAS kernels (`make test-portability`).
#
# OpenBLAS picks its compute kernel by processor, or by the environment variable OPENBLAS_CORETYPE,
# and the last bits of every matrix product depend on it: a check that passes on one machine can
# fail on another. This runs `cargo test` and all notebooks once per kernel (default: the machine's
# own, Haswell, SkylakeX, Zen and Sandybridge, which has no fused multiply-add), writes the
# executed notebooks to build/portability/<kernel>/ and prints one line per kernel. A kernel the
# processor cannot run is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
CORETYPES=${CORETYPES:-native Haswell SkylakeX Zen Sandybridge}
PY=.venv/bin/python
summary=()
status=0
for core in $CORETYPES; do
  if [ "$core" = native ]; then run=(env -u OPENBLAS_CORETYPE); else run=(env OPENBLAS_CORETYPE="$core"); fi
  # OpenBLAS does not check a forced kernel: one that needs AVX-512 would crash on a processor without
  if [ "$core" != native ]; then
    can=$("$PY" -c "import sys; sys.path.insert(0, 'tools'); import run_notebooks as r
need = r.CORETYPE_NEEDS.get(sys.argv[1])
print('unknown' if need is None else 'yes' if need <= r.cpu_flags() else 'no')" "$core")
    if [ "$can" = unknown ]; then summary+=("$core: not an OpenBLAS core type this script knows"); status=1; continue; fi
    if [ "$can" = no ]; then summary+=("$core: skipped (this processor cannot run it)"); continue; fi
  fi
  printf '\n== OpenBLAS kernel: %s\n' "$core"
  t0=$(date +%s)
  log=build/portability/$core.cargo-test.log
  mkdir -p build/portability
  if "${run[@]}" cargo test -q --all-features 2>&1 | tee "$log" | grep -E '^test result|panicked|FAILED|OpenBLAS kernel'; then :; fi
  if grep -q -E 'FAILED|error(\[E[0-9]+\])?:' "$log" || ! grep -q '^test result: ok' "$log"; then crate=failed; status=1; else
    crate="ok ($(awk '/^test result: ok\./ { n += $4 } END { print n }' "$log") tests)"; fi
  # the kernel every notebook runs under is chosen by the runner, which also reports what OpenBLAS picked
  if "${run[@]}" "$PY" tools/run_notebooks.py --coretypes "$core" --out "build/portability/$core" --keep-going \
      2>&1 | tee "build/portability/$core.notebooks.log"; then :; fi
  notebooks=$(grep -E '^notebooks: ' "build/portability/$core.notebooks.log" | tail -1)
  [ -n "$notebooks" ] || notebooks="notebooks: the runner did not finish"
  case "$notebooks" in *" 0 failed"*) ;; *) status=1 ;; esac
  summary+=("$core: cargo test $crate; $notebooks; $(( $(date +%s) - t0 )) s")
done
printf '\n== Summary\n'
printf '%s\n' "${summary[@]}"
exit $status
