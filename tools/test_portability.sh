#!/usr/bin/env bash
# The crate's tests and every notebook under each of several OpenBLAS kernels (`make test-portability`).
#
# OpenBLAS picks its compute kernel by processor, or by the environment variable OPENBLAS_CORETYPE,
# and the last bits of every matrix product depend on it: a check that passes on one machine can
# fail on another. This runs `cargo test` and all notebooks once per kernel (default: the machine's
# own, Haswell, SkylakeX, Zen and Sandybridge, which has no fused multiply-add), writes the
# executed notebooks to build/portability/<kernel>/ and prints one line per kernel. A kernel the processor cannot run is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
CORETYPES=${CORETYPES:-native Haswell SkylakeX Zen Sandybridge}
PY=.venv/bin/python
summary=()
status=0
for core in $CORETYPES; do
  if [ "$core" = native ]; then run=(env -u OPENBLAS_CORETYPE); else run=(env OPENBLAS_CORETYPE="$core"); fi
  printf '\n== OpenBLAS kernel: %s\n' "$core"
  t0=$(date +%s)
  log=build/portability/$core.cargo-test.log
  mkdir -p build/portability
  if "${run[@]}" cargo test -q 2>&1 | tee "$log" | grep -E '^test result|panicked|FAILED|OpenBLAS kernel'; then :; fi
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
