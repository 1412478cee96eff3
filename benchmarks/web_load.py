"""The service under gunicorn (2 workers) on loopback, loaded by wrk from a second process.

    .venv/bin/python benchmarks/web_load.py [--seconds 15] [--connections 16]

Needs Debian's wrk (apt-get install wrk). Reports req/s, p50/p99 latency and errors for
``/api/v1/nearest`` (random points in the five communes, random needs) and ``/embed/carte``, and the
byte weight of ``/embed/carte`` and ``/carte`` with all actors (HTML + JS + CSS, tiles excluded).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LUA_RANDOM_NEAREST = r"""
math.randomseed(93)
local needs = {"", "&besoin=emploi", "&besoin=formation", "&besoin=numerique", "&besoin=emploi&age=22"}
request = function()
  local lat = 48.85 + math.random() * 0.11
  local lon = 2.30 + math.random() * 0.26
  local path = string.format("/api/v1/nearest?lat=%.5f&lon=%.5f%s", lat, lon, needs[math.random(#needs)])
  return wrk.format("GET", path)
end
"""
LUA_REPORT = r"""
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration,
    summary.bytes))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        folder = Path(folder)
        port = _free_port()
        env = {**os.environ, "CARTO_INSTANCE_PATH": str(folder / "instance"),
               "CARTO_GEOCODERS": "local"}
        gunicorn = Path(sys.executable).parent / "gunicorn"
        server = subprocess.Popen(
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level",
             "warning", "webmap:create_app()"], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base + "/api/v1/communes")
            print(f"gunicorn, 2 workers, on {base}; wrk {args.connections} connections, "
                  f"2 threads, {args.seconds} s per endpoint\n")
            print(f"{'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
            for name, script, path in (
                    ("/api/v1/nearest (random)", LUA_RANDOM_NEAREST, "/"),
                    ("/embed/carte", "", "/embed/carte")):
                _load(name, base + path, script, folder, args)
            print()
            for path in ("/embed/carte", "/carte"):
                html, assets = _weight(base, path)
                print(f"weight of {path:14} {(html + assets) / 1024:7.1f} KB "
                      f"(HTML {html / 1024:.1f} KB + JS/CSS {assets / 1024:.1f} KB, tiles excluded, "
                      f"uncompressed){'  target ≤ 300 KB' if path.startswith('/embed') else ''}")
        finally:
            server.terminate()
            server.wait(timeout=10)


def _load(name, url, script, folder, args):
    lua = folder / "bench.lua"
    lua.write_text(script + LUA_REPORT, encoding="utf-8")
    subprocess.run(["wrk", "-t2", f"-c{args.connections}", "-d2s", "-s", str(lua), url],
                   capture_output=True, check=True)  # warm-up
    output = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s",
                             "-s", str(lua), url], capture_output=True, text=True, check=True).stdout
    requests, socket_errors, status_errors, p50, p99, duration, _ = (
        int(v) for v in re.search(r"RESULT (.*)", output).group(1).split())
    print(f"{name:28} {requests / (duration / 1e6):8.0f} {p50 / 1000:8.2f} {p99 / 1000:8.2f} "
          f"{socket_errors + status_errors:7d}")


def _weight(base, path):
    html = urllib.request.urlopen(base + path).read()
    assets = 0
    for url in set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)):
        assets += len(urllib.request.urlopen(base + url.decode()).read())
    return len(html), assets


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


if __name__ == "__main__":
    main()
