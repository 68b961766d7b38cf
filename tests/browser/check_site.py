#!/usr/bin/env python3
"""Serve the course website on localhost and check it in headless Chromium with the network off.

usage: check_site.py [SITE_DIR]   (default build/site, as `make site` writes it: html/ and src/)
Screenshots go to SITE_DIR/screenshots.
"""
import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the check reports what failed; a line per file is noise
        pass


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "site").resolve()
    html = site / "html"
    if not (html / "index.html").exists():
        print(f"no website in {html}: build it first (make site)", file=sys.stderr)
        return 1
    if not Path("/usr/bin/chromium").exists():
        print("Debian's Chromium is missing (/usr/bin/chromium): run make setup, which installs it", file=sys.stderr)
        return 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        return subprocess.call(["node", str(HERE / "check_site.mjs"), url, str(site / "src"), str(site / "screenshots")])
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
