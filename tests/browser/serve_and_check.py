#!/usr/bin/env python3
"""Serve the executed course with JupyterLab on localhost and run the browser check on it.

usage: serve_and_check.py COURSE_DIR   (a folder of executed notebooks, with html/ beside them)
"""
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    course = Path(sys.argv[1]).resolve()
    if not course.is_dir():
        print(f"{course} does not exist: execute the notebooks first (make test-notebooks)", file=sys.stderr)
        return 1
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Path(tmp) / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        # Render every cell (no virtual scrolling) so that every figure is in the page.
        (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        log = open(course / "jupyterlab.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--allow-root", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
             "--NotebookNotary.db_file=:memory:",  # no signatures: every notebook is untrusted
             f"--LabApp.user_settings_dir={Path(tmp) / 'settings'}",
             f"--LabApp.workspaces_dir={Path(tmp) / 'workspaces'}"],
            stdout=log, stderr=subprocess.STDOUT,
            # JupyterLab starts a kernel for every notebook it opens; this test runs no cell, so the
            # course kernels must not compile the course crate at start (17 at once filled 24 GB).
            env={**os.environ, "JUPYTER_CONFIG_DIR": str(Path(tmp) / "config"), "DLCOURSE_KERNEL_WARM_UP": "0"},
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        print(f"JupyterLab exited early; see {course / 'jupyterlab.log'}", file=sys.stderr)
                        return 1
                    time.sleep(0.5)
            else:
                print(f"JupyterLab did not answer on {url}; see {course / 'jupyterlab.log'}", file=sys.stderr)
                return 1
            return subprocess.call(["node", str(HERE / "check_figures.mjs"), url, token, str(course)])
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
