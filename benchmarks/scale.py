"""National scale: our in-memory index against PostGIS nearest-first, on 140,000 synthetic actors.

    .venv/bin/python benchmarks/scale.py [--actors 140000] [--queries 500] [--seed 15]

The actors are made up (``acteur-synthetique-…``, « benchmark (synthétique) »), spread over
metropolitan France, the size of data·inclusion's national catalogue. They are loaded into a
throw-away PostgreSQL/PostGIS cluster through the store, as an import would (validation, one revision
each). Then, side by side, the same questions (k = 5 with a random thématique filter, and k = 5 with
none, from random points over France drawn with a seed of their own):
- ours: the index a worker builds in memory (``ActorIndex``), ranking only;
- PostGIS: ``ORDER BY geom <-> point LIMIT k`` on the GiST index (``PostgresStore.nearest_ids``),
  through the app's connection pool, over loopback;
- the whole search (eligibility, opening hours, walking time) on each: ``nearest`` over the index in
  memory, and over PostGIS's candidates (``CARTO_NEAREST_INDEX=postgis``).
Every answer of one is compared with the other's (disagreements are counted and printed). Also: what a
worker pays for each new data version in memory mode (reading every actor, building the index), the
GiST index build, and each mode's memory per worker (RSS of a fresh process). docs/scale.md quotes it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from nearest import FRANCE, _filter, _point, synthetic_actors

from devtools.measure import interleaved, load_average, machine_line

ROOT = Path(__file__).resolve().parent.parent
K = 5
AT = dt.datetime(2026, 11, 30, 10, 0)
_WORKER = """
import sys, time
from geo.store.postgres import PostgresStore

def megabytes(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024

mode, url = sys.argv[1], sys.argv[2]
store = PostgresStore(url)
store.nearest_ids((2.35, 48.85), 5) if mode == "postgis" else store.revision_count()
before = megabytes("VmRSS:")
started = time.perf_counter()
if mode == "memory":  # the same 50 searches as PostGIS's, so that their trees are built too
    from geo.projection import to_lambert93
    from geo.search.actor_index import ActorIndex, nearest_first
    index = ActorIndex([stored.actor for stored in store.all()])
    for n in range(50):
        nearest_first(index, to_lambert93(2.0 + n / 100, 47.0), 5, ["trouver-un-emploi"])
else:
    for n in range(50):
        store.nearest_ids((2.0 + n / 100, 47.0), 5, ["trouver-un-emploi"])
print(before, megabytes("VmRSS:"), megabytes("VmHWM:"), time.perf_counter() - started)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--actors", type=int, default=140_000)
    parser.add_argument("--queries", type=int, default=500, help="queries per method and question")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    from devtools.services import PostgresServer
    from geo.store.postgres import PostgresStore

    _describe_machine()
    # Unverified, as an import leaves them (« actif » needs a manager's check date).
    actors = [
        dataclasses.replace(actor, statut="a_verifier")
        for actor in synthetic_actors(args.actors, random.Random(args.seed))
    ]
    questions = random.Random(args.seed + 1)  # points and filters the actors were not drawn with
    origins = [_point(questions, FRANCE) for _ in range(args.queries)]
    filters = [_filter(questions) for _ in origins]

    with PostgresServer() as server:
        url = server.create_database("carto_echelle")
        PostgresStore.upgrade(url)
        store = PostgresStore(url)
        started = time.perf_counter()
        store.replace_all(actors, "benchmark (synthétique)")
        print(
            f"\n{len(actors):,} synthetic actors loaded through the store (validated, one revision each): "
            f"{time.perf_counter() - started:.1f} s"
        )
        _builds(store)
        index = _memory_index(store)
        _compare(index, store, origins, filters)
        _compare(index, store, origins, [() for _ in origins])
        _memory_per_worker(url)
        store.close()


def _builds(store) -> None:
    with store.engine.begin() as db:
        started = time.perf_counter()
        db.exec_driver_sql("REINDEX INDEX ix_actors_geom")
        db.exec_driver_sql("ANALYZE actors")
        gist = time.perf_counter() - started
        size = db.exec_driver_sql("SELECT pg_relation_size('ix_actors_geom')").scalar()
    print(
        f"PostGIS: GiST index build (REINDEX + ANALYZE) {gist:.2f} s, {size / 1e6:.1f} MB on disk; "
        "kept up to date by each write, nothing to rebuild per data version"
    )


def _memory_index(store):
    from geo.search.actor_index import ActorIndex

    started = time.perf_counter()
    actors = [stored.actor for stored in store.all()]
    read = time.perf_counter() - started
    started = time.perf_counter()
    index = ActorIndex(actors)
    build = time.perf_counter() - started
    print(
        f"ours: each worker, at each new data version, reads every actor ({read:.1f} s) and builds its "
        f"index ({build:.2f} s)"
    )
    return index


def _compare(index, store, origins, filters) -> None:
    """Each method's rounds (interleaved, min–median–max) and the two indexes' disagreements: ranking only
    (the k nearest actors passing the filter), then the whole search (``nearest``: eligibility, opening
    hours, walking time) on each index."""
    from geo.projection import to_lambert93
    from geo.search.actor_index import nearest_first
    from geo.search.nearest import nearest
    from geo.search.nearest_in_store import StoreNearest

    in_store = StoreNearest(store, store.unlocated_actors())

    def ours(q: int) -> list[str]:
        found = nearest_first(index, to_lambert93(*origins[q]), K, list(filters[q]))
        return [index.located[position].id for position, _ in found]

    def postgis(q: int) -> list[str]:
        return [actor_id for actor_id, _ in store.nearest_ids(origins[q], K, filters[q] or None)]

    def ours_whole(q: int) -> list[str]:
        return [r.actor.id for r in nearest(origins[q], index, thematiques=list(filters[q]), k=K, at=AT)]

    def postgis_whole(q: int) -> list[str]:
        return [r.actor.id for r in in_store.nearest(origins[q], thematiques=list(filters[q]), k=K, at=AT)]

    methods = {
        "ours: in-memory index, ranking": ours,
        "PostGIS: geom <-> point LIMIT k": postgis,
        "ours: whole search, in memory": ours_whole,
        "PostGIS: whole search on its candidates": postgis_whole,
    }
    measured = interleaved(methods, len(origins), rounds=3)
    answers = [rounds.answers for rounds in measured.values()]
    ranking, whole = answers[:2], answers[2:]
    title = "a random thématique filter" if any(filters) else "no filter"
    differ = [sum(a != b for a, b in zip(*pair, strict=True)) for pair in (ranking, whole)]
    print(
        f"\nk = {K}, {title}, {len(origins)} queries; disagreements between the two indexes: "
        f"{differ[0]} (ranking), {differ[1]} (whole)"
    )
    print(f"  {'method':40} {'p50 ms, min–median–max':>24} {'p95 ms':>8}")
    for name, rounds in measured.items():
        p95 = statistics.median(rounds.p(95)) * 1000
        print(f"  {name:40} {rounds.spread(scale=1000, digits=3):>24} {p95:8.3f}")


def _memory_per_worker(url: str) -> None:
    """A fresh process per mode, as a gunicorn worker: its resident memory once the store is open,
    then after loading the index (or querying), and its peak."""
    print("\nmemory per worker (a fresh process that opened the store: RSS before → after, peak):")
    for mode, label in (
        ("memory", "ours: every actor and the index in memory, 50 searches"),
        ("postgis", "PostGIS: 50 queries, nothing held"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", _WORKER, mode, url], cwd=ROOT, check=True, capture_output=True, text=True
        )
        before, after, peak, seconds = (float(value) for value in result.stdout.split())
        print(
            f"  {label:44} {before:5.0f} MB → {after:5.0f} MB (+{after - before:.0f} MB), "
            f"peak {peak:.0f} MB, {seconds:.1f} s"
        )


def _describe_machine() -> None:
    from devtools.services import postgres_bindir

    print(machine_line())
    version = subprocess.run(
        [str(postgres_bindir() / "postgres"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(f"Python {platform.python_version()} · {version} · PostGIS from Debian")


if __name__ == "__main__":
    main()
    print(f"load average after: {load_average()}")
