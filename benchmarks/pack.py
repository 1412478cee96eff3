"""The field pack of a service holding a whole country's actors: what it carries, and what it costs.

    .venv/bin/python benchmarks/pack.py [--actors 100000] [--seed 93]

The curated dataset and ``--actors`` made-up actors over metropolitan France (benchmarks/nearest.py's,
« acteur-synthetique-… »). The pack is built for the five communes served, as ``/api/v1/pack`` builds
it. It carries only the actors that a search from those communes can show (``geo.offline.reach``):
that choice alone is timed, then the whole pack, its size as sent (compact JSON, raw and brotli at
flask-compress's level 4), and how many actors it carries. The pack's budget is 300 KB compressed
(docs/offline.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from devtools.measure import stated_load

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=93)
    args = parser.parse_args()
    import brotli

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from nearest import synthetic_actors

    from geo.actors.model import actor_from_feature
    from geo.communes import TARGET_COMMUNES
    from geo.offline.pack import field_pack, pack_json
    from geo.offline.reach import within_reach
    from geo.search.travel import WalkingEstimate

    curated = json.loads((ROOT / "data" / "actors.geojson").read_text(encoding="utf-8"))["features"]
    made_up = synthetic_actors(args.actors, random.Random(args.seed))
    actors = [actor_from_feature(f) for f in curated] + [
        dataclasses.replace(a, statut="a_verifier") for a in made_up
    ]
    with stated_load(f"field pack of {len(actors):,} actors for the five communes"):
        began = time.perf_counter()
        carried = within_reach(actors, TARGET_COMMUNES, WalkingEstimate())
        chosen = time.perf_counter() - began
        began = time.perf_counter()
        body = pack_json(field_pack(actors, TARGET_COMMUNES, dt.date.today(), "bench"))
        built = time.perf_counter() - began
        compressed = brotli.compress(body, quality=4)
        print(f"carried: {len(carried):,} of {len(actors):,} actors, chosen in {chosen:.2f} s")
        size = f"{len(body) / 1e6:.2f} MB raw, {len(compressed) / 1e3:.0f} KB brotli"
        print(f"pack built in {built:.2f} s: {size}")


if __name__ == "__main__":
    main()
