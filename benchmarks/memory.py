"""Memory of the service under gunicorn: what each worker holds of its own, once warm.

    .venv/bin/python benchmarks/memory.py [--workers 4] [--actors 100000] [--transit-scale 1] [--seed 93]

A fresh instance folder, its store seeded from the curated dataset (and then from ``--actors`` made-up
actors over France, named so, when asked) and a made-up BAN index of the five communes (as ``carto
data sync`` leaves a real one), gunicorn started as ``gunicorn.conf.py`` says
(``preload_app``: the app and what a search needs are loaded once in the master, then shared by the
workers, copy-on-write), and again with ``preload_app = False`` (each worker loads its own). Each
worker then answers the same few pages and searches, by point and by address (the API's only, for the
made-up actors). Read from ``/proc/PID/smaps_rollup``: per process, its private
memory (USS: pages no other process maps, what a worker really costs), its proportional share (PSS)
and its resident size (RSS); and the whole service's total (the sum of PSS). The target is 60 MB or
less private per worker on the curated dataset.

With ``--transit-scale``, the curated dataset's instance also gets a made-up timetable and street grid
at that fraction of Île-de-France's size (benchmarks/travel.py's, fictif), imported as ``carto transit
import`` does, and the pages ask trips by public transport: whether the workers share the timetable
the master loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from devtools.measure import children_of, memory_of, stated_load
from devtools.services import CartoServer, synthetic_ban_index

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 60.0
CURATED = ROOT / "data" / "actors.geojson"
PAGES = (
    "/",
    "/?adresse=&lat=48.8614&lon=2.4419&besoin=emploi",
    "/api/v1/nearest?lat=48.8614&lon=2.4419&besoin=formation",
    "/api/v1/nearest?lat=48.93&lon=2.30&besoin=emploi&age=22",
    "/embed/carte",
    "/carte",
    "/api/v1/pack",
)
SEARCHES = PAGES[2:4]
"""What the made-up national dataset is asked: the API's searches (and its geocoding) only. Its pages
draw every actor on a map, and its field pack holds them all: nothing anyone loads at that size (each
takes longer than a worker's timeout)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--actors", type=int, default=0, help="also with this many made-up actors (0: not)")
    parser.add_argument("--seed", type=int, default=93)
    parser.add_argument(
        "--transit-scale", type=float, default=0.0, help="a made-up timetable at this scale (0: none)"
    )
    args = parser.parse_args()
    with stated_load(f"memory of {args.workers} gunicorn workers, warm"):
        with tempfile.TemporaryDirectory(prefix="carto-memoire-") as folder:
            datasets = {"curated dataset (28 actors)": CURATED}
            if args.actors:
                datasets[f"{args.actors:,} made-up actors"] = _synthetic_file(
                    Path(folder), args.actors, args.seed
                )
            ban = Path(folder) / "ban-index.sqlite"  # some 61,000 addresses, as benchmarks/geocoding.py's
            first = synthetic_ban_index(ban, 330, 32, seed=11)[0]
            address = f"{first.numero} {first.nom_voie} {first.code_postal} {first.nom_commune}"
            if args.transit_scale:
                instance = Path(folder) / "instance-transit"
                label = f"curated dataset with a made-up timetable at scale {args.transit_scale:g}"
                _with_transit(instance, Path(folder), args.transit_scale, args.seed)
                for preload in (True, False):
                    index = None if preload is False else ban
                    _report(label, preload, instance, CURATED, args.workers, index, address, _trips())
            for label, actors_file in datasets.items():
                for preload in (True, False):
                    instance = Path(folder) / f"instance-{actors_file.stem}"  # seeded by the first run
                    index = None if preload is False else ban  # copied in by the first run
                    _report(label, preload, instance, actors_file, args.workers, index, address)
    print(f"target: {TARGET_MB:.0f} MB or less private (USS) per worker on the curated dataset (max)")


def _report(
    label: str,
    preload: bool,
    instance: Path,
    actors_file: Path,
    workers: int,
    ban: Path | None,
    address: str,
    more: tuple[str, ...] = (),
) -> None:
    served = CartoServer(
        instance,
        ban,
        workers=workers,
        preload=preload,
        ready_within=900.0,
        ACTORS_FILE=str(actors_file),
        GEOCODERS="local",
    )
    typed = urllib.parse.quote_plus(address)
    with served as server:
        by_address = (f"/?adresse={typed}&besoin=emploi", f"/api/v1/geocode?q={typed}")
        pages = (*PAGES, *by_address, *more) if actors_file == CURATED else (*SEARCHES, by_address[1])
        for _ in range(6 * workers):  # every worker answers each page, most likely
            for page in pages:
                with urllib.request.urlopen(server.url + page, timeout=60) as response:
                    response.read()
        master = server.pid
        children = children_of(master)
        readings = {pid: memory_of(pid) for pid in [master, *children]}
    uss = [readings[pid]["uss"] for pid in children]
    total = sum(reading["pss"] for reading in readings.values())
    print(
        f"\n{label}, preload_app = {preload}: {len(children)} workers, "
        f"whole service {total:.0f} MB (sum of PSS)"
    )
    print(f"  {'process':10} {'USS MB':>8} {'PSS MB':>8} {'RSS MB':>8}")
    for pid, reading in readings.items():
        name = "master" if pid == master else "worker"
        print(f"  {name:10} {reading['uss']:8.1f} {reading['pss']:8.1f} {reading['rss']:8.1f}")
    print(
        f"  private per worker: max {max(uss):.1f} MB (a worker that answered every page), "
        f"median {statistics.median(uss):.1f} MB"
    )


def _with_transit(instance: Path, folder: Path, scale: float, seed: int) -> None:
    """The made-up feed and streets of benchmarks/travel.py, imported into ``instance``."""
    import subprocess

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from travel import write_feed, write_streets

    feed, counts = write_feed(folder / "gtfs-fictif.zip", scale, random.Random(seed))
    streets, _ = write_streets(folder / "rues-fictives.osm.pbf")
    print(f"made-up timetable: {counts['stops']:,} stops, {counts['stop_times']:,} stop times")
    carto = [str(Path(sys.executable).parent / "carto")]
    env = {"CARTO_INSTANCE_PATH": str(instance), "CARTO_ACTORS_FILE": str(CURATED), "PATH": "/usr/bin:/bin"}
    for command in (["db", "upgrade"], ["transit", "import", str(feed), str(streets)]):
        subprocess.run([*carto, *command], env=env, check=True, cwd=ROOT, capture_output=True)


def _trips() -> tuple[str, ...]:
    """Searches that ask trips by public transport, leaving next weekday at 8:30."""
    import datetime as dt

    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    leave = f"{day.isoformat()}T08:30"
    return (
        f"/api/v1/nearest?lat=48.8614&lon=2.4419&besoin=emploi&depart={leave}&k=10",
        f"/?lat=48.8500&lon=2.4300&besoin=formation&depart={leave}&transports=1",
    )


def _synthetic_file(folder: Path, count: int, seed: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from nearest import synthetic_actors

    from geo.actors.model import actor_to_feature

    actors = synthetic_actors(count, random.Random(seed))  # unverified, as an import leaves them
    features = [actor_to_feature(dataclasses.replace(actor, statut="a_verifier")) for actor in actors]
    path = folder / "acteurs-synthetiques.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
