"""The service under gunicorn (2 workers) on loopback, loaded by wrk from a second process.

    .venv/bin/python benchmarks/web_load.py [--seconds 15] [--connections 16] [--rounds 3]

Needs Debian's wrk (apt-get install wrk). Every endpoint gets a fresh instance (a new gunicorn on a new
instance folder: store seeded from data/actors.geojson, a synthetic BAN index of the five communes —
made up, and labelled so — for reverse geocoding) and a 2 s warm-up whose errors are counted too; then
the endpoints take turns, ``--rounds`` times, and each figure is min–median–max over the rounds.
Endpoints:
- ``/api/v1/nearest`` from random points inside the five communes with random needs: the resident's
  commune is found by reverse geocoding (the share found is printed), as at the door;
- ``/embed/carte`` as websites embed it (few distinct URLs: the page cache answers), and with random
  filters and zooms (1,200 distinct URLs for a cache of 256: mostly misses);
- the byte weight of ``/embed/carte`` and ``/carte`` with all actors (HTML + JS + CSS, tiles excluded).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from devtools.measure import spread, stated_load
from devtools.services import CartoServer, synthetic_ban_index

ROOT = Path(__file__).resolve().parent.parent

LUA_COMMUNES = r"""
math.randomseed(93)
-- bounding boxes (lon_min, lat_min, lon_max, lat_max) of the five communes, from geo/communes.py
local boxes = {BOXES}
local function inside()
  local b = boxes[math.random(#boxes)]
  return b[2] + math.random() * (b[4] - b[2]), b[1] + math.random() * (b[3] - b[1])
end
"""
LUA_RANDOM_NEAREST = (
    LUA_COMMUNES
    + r"""
local needs = {"", "&besoin=emploi", "&besoin=formation", "&besoin=numerique", "&besoin=emploi&age=22"}
request = function()
  local lat, lon = inside()
  local path = string.format("/api/v1/nearest?lat=%.5f&lon=%.5f%s", lat, lon, needs[math.random(#needs)])
  return wrk.format("GET", path)
end
"""
)
LUA_EMBED_MISSES = r"""
math.randomseed(93)
local communes = {"93048", "93006", "93014", "93031", "93079"}
local needs = {"", "emploi", "formation", "numerique", "francais", "mobilite", "creation", "garde"}
request = function()
  local path = string.format("/embed/carte?commune=%s&besoin=%s&zoom=%d&liste=%d",
    communes[math.random(#communes)], needs[math.random(#needs)], math.random(5, 19), math.random(0, 1))
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
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per endpoint and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the endpoints taking turns")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    from geo.communes import COMMUNES, TARGET_COMMUNES

    boxes = "{" + ", ".join("{" + ", ".join(map(str, COMMUNES[c].bbox)) + "}" for c in TARGET_COMMUNES) + "}"
    endpoints = {
        "/api/v1/nearest (random, commune found)": (LUA_RANDOM_NEAREST.replace("{BOXES}", boxes), "/"),
        "/embed/carte (as embedded: cache hits)": ("", "/embed/carte"),
        "/embed/carte (random filters: misses)": (LUA_EMBED_MISSES, "/"),
    }
    with (
        stated_load("the service under load, endpoints in turns"),
        tempfile.TemporaryDirectory(prefix="bench-web-") as folder,
    ):
        _describe(args)
        folder = Path(folder)
        index = folder / "ban-index.sqlite"
        synthetic_ban_index(index, 60, 30, seed=11)
        with ExitStack() as servers:
            served = {
                name: servers.enter_context(CartoServer(folder / f"instance-{n}", index, GEOCODERS="local"))
                for n, name in enumerate(endpoints)
            }
            scripts = {}
            warm_up_errors = {}
            for name, (script, path) in endpoints.items():
                scripts[name] = folder / f"bench-{len(scripts)}.lua"
                scripts[name].write_text(script + LUA_REPORT, encoding="utf-8")
                warm_up_errors[name] = _wrk(served[name].url + path, scripts[name], 2, args.connections)[1]
            rounds: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in endpoints}
            for _ in range(args.rounds):
                for name, (_, path) in endpoints.items():
                    requests, errors, p50, p99, duration = _wrk(
                        served[name].url + path, scripts[name], args.seconds, args.connections
                    )
                    rounds[name].append((requests / (duration / 1e6), p50 / 1000, p99 / 1000, errors))
            print(
                f"{'endpoint':40} {'req/s min–median–max':>22} {'p50 ms':>16} {'p99 ms':>16} "
                f"{'errors':>7} {'warm-up errors':>15}"
            )
            for name, figures in rounds.items():
                rates, p50s, p99s, errors = zip(*figures, strict=True)
                print(
                    f"{name:40} {spread(rates, 0):>22} {spread(p50s, 2):>16} {spread(p99s, 2):>16} "
                    f"{sum(errors):7d} {warm_up_errors[name]:15d}"
                )
            base = served[next(iter(endpoints))].url
            found = _communes_found(base, boxes)
            print(f"\nnearest from random points: the resident's commune was found for {found:.0%}")
            for path in ("/embed/carte", "/carte"):
                html, assets = _weight(base, path)
                print(
                    f"weight of {path:14} {(html + assets) / 1024:7.1f} KB "
                    f"(HTML {html / 1024:.1f} KB + JS/CSS {assets / 1024:.1f} KB, tiles excluded, "
                    f"uncompressed){'  target ≤ 300 KB' if path.startswith('/embed') else ''}"
                )


def _wrk(url, lua, seconds, connections):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests, socket_errors, status_errors, p50, p99, duration, _ = (
        int(v) for v in re.search(r"RESULT (.*)", output).group(1).split()
    )
    return requests, socket_errors + status_errors, p50, p99, duration


def _communes_found(base: str, boxes: str, samples: int = 100) -> float:
    import random

    from geo.communes import COMMUNES, TARGET_COMMUNES

    rng, found = random.Random(7), 0
    for _ in range(samples):
        lon_min, lat_min, lon_max, lat_max = COMMUNES[rng.choice(TARGET_COMMUNES)].bbox
        url = (
            f"{base}/api/v1/nearest?lat={rng.uniform(lat_min, lat_max):.5f}"
            f"&lon={rng.uniform(lon_min, lon_max):.5f}"
        )
        found += json.loads(urllib.request.urlopen(url).read())["origin"]["citycode"] is not None
    return found / samples


def _describe(args) -> None:
    from importlib.metadata import version

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    print(
        f"gunicorn {version('gunicorn')} · flask {version('flask')} · "
        f"{(wrk.stdout or wrk.stderr).split(' [')[0].strip()}"
    )
    print(
        f"gunicorn 2 workers per endpoint on loopback; wrk 2 threads, {args.connections} connections; "
        f"{args.rounds} rounds of {args.seconds} s per endpoint, the endpoints in turns, after a 2 s "
        "warm-up each\n"
    )


def _weight(base, path):
    html = urllib.request.urlopen(base + path).read()
    assets = 0
    for url in set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)):
        assets += len(urllib.request.urlopen(base + url.decode()).read())
    return len(html), assets


if __name__ == "__main__":
    main()
