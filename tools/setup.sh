#!/usr/bin/env bash
# One-time set-up of everything the workbook needs on a Debian machine (root or sudo).
# Safe to run again: every step checks first and skips what is already there.
#   tools/setup.sh        everything (make course, make test, make lab, …)
#   tools/setup.sh site   only what the website needs (make site, make test-site): the Python
#                         environment, MathJax and the browser test's driver; no Rust, no kernel,
#                         no notebook is run
set -euo pipefail
ONLY=${1:-all}
case "$ONLY" in all|site) ;; *) echo "usage: tools/setup.sh [site]" >&2; exit 2;; esac
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
EVCXR_VERSION=0.22.0
step() { printf '\n== %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

step "Python environment .venv (JupyterLab, nbclient, nbconvert, pytest, Sphinx with myst-nb; pinned in requirements.txt)"
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
else
  echo "present: $(.venv/bin/jupyter lab --version | sed 's/^/jupyterlab /')"
fi

step "MathJax for the website (site/node_modules: formulas render from the site itself, offline)"
if [ ! -f site/node_modules/mathjax/es5/tex-chtml.js ]; then
  (cd site && npm ci --no-audit --no-fund)
else
  echo "present: mathjax $(node -p "require('./site/node_modules/mathjax/package.json').version")"
fi

step "Browser test driver (playwright-core, using Debian's chromium; no browser download)"
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
else
  echo "present: playwright-core $(node -p "require('./tests/browser/node_modules/playwright-core/package.json').version")"
fi

if [ "$ONLY" = site ]; then exit 0; fi

step "Debian packages (OpenBLAS for ndarray-linalg, Chromium for the browser test)"
APT_PACKAGES="libopenblas-dev pkg-config chromium"
missing=$(for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
  echo "present: $APT_PACKAGES"
fi

step "Rust toolchain: rustc >= 1.95 and the standard library's source (evcxr needs both)"
command -v rustup >/dev/null || { echo "rustup not found: install Rust from rustup first" >&2; exit 1; }
rustc --version
rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
echo "rust-src: present"

step "The course kernel dlcourse-kernel (kernel/: evcxr $EVCXR_VERSION as a library; about 8 minutes the first time)"
# It compiles the same evcxr library and protocol crates that installing evcxr_jupyter compiled
# (kernel/Cargo.lock started from evcxr_jupyter's), so set-up takes no longer than before.
cargo build --release --locked --manifest-path kernel/Cargo.toml
KERNEL="$ROOT/kernel/target/release/dlcourse-kernel"

step "Course kernel registered in .venv (kernelspec \"rust\", the name the notebooks carry)"
# The kernel sets its own compile settings (no debug assertions in dependencies: training ran
# 1.4–3× faster; overflow checks stay on) and tells the course crate it runs in the course kernel.
rm -rf .venv/share/jupyter/kernels/rust   # an earlier set-up registered evcxr_jupyter under this name
"$KERNEL" --install --prefix "$ROOT/.venv"
.venv/bin/jupyter kernelspec list | grep rust

step "Prewarm evcxr's compile cache (ndarray, polars, plotters, linfa compiled once for every notebook)"
# …and the course kernel's first working folder (target/kernel-slots/slot-0), which then holds the
# compiled course crate for the first notebook a student opens.
key=$( (cat Cargo.toml kernel/Cargo.lock; echo "evcxr $EVCXR_VERSION"; rustc --version; cat .venv/share/jupyter/kernels/rust/kernel.json) | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.prewarmed 2>/dev/null)" != "$key" ]; then
  t0=$(date +%s)
  .venv/bin/python tools/run_notebooks.py --timeout 3600 --out build/prewarm tools/prewarm.ipynb
  echo "$key" > .venv/.prewarmed
  echo "prewarmed in $(( $(date +%s) - t0 )) s"
else
  echo "cache already warm for this Cargo.toml"
fi
