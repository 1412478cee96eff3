"""Nearest actors: ours against peers prepared as a competent user would, on the same questions.

    .venv/bin/python benchmarks/nearest.py [--queries 1000] [--actors 100000] [--points 200000] [--seed 93]

Two questions, on the curated dataset and on 100,000 made-up actors over metropolitan France (the
size of data·inclusion):
- k = 1, no filter: the floor (scipy's k-d tree, bare), shapely's STRtree and geopandas' sindex
  (``query_nearest`` / ``sindex.nearest``), each built once; ours ranking only; ours whole;
- k = 5 with a thématique filter (random, as volunteers pick needs): geopandas (masks built once,
  distance to the candidates, stable sort by distance then id), shapely STRtree (built once, ``dwithin``
  in growing radii, masks built once); ours ranking only; ours whole (eligibility, opening hours and
  walking time too).
Every method is checked to return the same actors, in the same order, for every query; disagreements
are counted and printed. Then where our time goes (cProfile shares), and the notebooks' coverage batch
(200,000 points × 20 thématiques against 100,000 actors). Needs the ``analysis`` extra (geopandas).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import random
import statistics
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K = 5
AT = dt.datetime(2026, 11, 27, 10, 0)
FRANCE = (-4.5, 43.0, 7.5, 50.8)
HOURS = ("Mo-Fr 09:00-12:00,14:00-17:00; PH off", "Mo-Th 09:00-17:00", "Tu,Th 13:30-18:00", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000, help="queries per method and dataset")
    parser.add_argument("--actors", type=int, default=100_000, help="made-up actors over France")
    parser.add_argument("--points", type=int, default=200_000, help="points of the coverage batch")
    parser.add_argument("--seed", type=int, default=93)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _describe_machine()

    from geo.communes import COMMUNES, TARGET_COMMUNES
    from geo.io.dataset import load_actors

    real = load_actors(ROOT / "data" / "actors.geojson")
    boxes = [COMMUNES[code].bbox for code in TARGET_COMMUNES]
    print(f"\n== Curated dataset: {len(real)} actors, {sum(a.location is not None for a in real)} located")
    Bench(real, [_point(rng, rng.choice(boxes)) for _ in range(args.queries)], rng).run()

    synthetic = synthetic_actors(args.actors, rng)
    print(f"\n== {len(synthetic):,} made-up actors over metropolitan France")
    bench = Bench(synthetic, [_point(rng, FRANCE) for _ in range(args.queries)], rng)
    bench.run()
    coverage(bench.index, boxes, rng, args.points)


class Bench:
    """One dataset, its peers prepared once, the same queries for all."""

    def __init__(self, actors, origins, rng):
        import geopandas as gpd
        import numpy as np
        import shapely
        from scipy.spatial import cKDTree

        from geo.projection import to_lambert93
        from geo.search.filters import thematique_keys
        from geo.search.nearest import ActorIndex

        started = time.perf_counter()
        self.index = ActorIndex(actors)
        self.build_ms = (time.perf_counter() - started) * 1000
        located = self.index.located
        self.ids = np.array([a.id for a in located])
        self.xy = self.index.xy
        self.origins = origins
        self.origin_xy = [to_lambert93(o[0], o[1]) for o in origins]
        self.filters = [_filter(rng) for _ in origins]
        # Peers, prepared once as their users would.
        self.kdtree = cKDTree(self.xy)
        self.points = shapely.points(self.xy)
        self.strtree = shapely.STRtree(self.points)
        self.frame = gpd.GeoDataFrame({"id": self.ids}, geometry=self.points, crs=2154)
        self.frame.sindex  # noqa: B018 - built now, not during the first query
        keys = [thematique_keys(a.thematiques) for a in located]
        self.masks = {f: np.array([bool(set(f) & k) for k in keys]) for f in set(self.filters)}
        self.rank = np.argsort(np.argsort(self.ids))  # position → rank of its id

    def run(self) -> None:
        print(f"index build (ours): {self.build_ms:.0f} ms")
        nearest_one = [
            ("floor: scipy cKDTree.query, bare", self.floor),
            ("shapely STRtree.query_nearest", self.strtree_nearest),
            ("geopandas sindex.nearest", self.sindex_nearest),
            ("ours: ranking only", lambda q: self.ours_ranking(q, 1, ())),
            ("ours: nearest() whole", lambda q: self.ours(q, 1, ())),
        ]
        self._table("k = 1, no filter", nearest_one)
        filtered = [
            ("geopandas: masks once, distance + sort", self.geopandas_sorted),
            ("shapely STRtree: dwithin, growing radius", self.strtree_dwithin),
            ("ours: ranking only", lambda q: self.ours_ranking(q, K, self.filters[q])),
            ("ours: nearest() whole", lambda q: self.ours(q, K, self.filters[q])),
        ]
        self._table(f"k = {K}, thématique filter", filtered)
        self._profile()

    # -- methods: each returns the ids found for query ``q`` -------------------------------------
    def floor(self, q):
        _, position = self.kdtree.query(self.origin_xy[q], k=1)
        return [self.ids[position]]

    def strtree_nearest(self, q):
        import shapely

        found = self.strtree.query_nearest(shapely.Point(self.origin_xy[q]))
        return [min(self.ids[found])]  # ties: the smallest id, like ours

    def sindex_nearest(self, q):
        import shapely

        _, found = self.frame.sindex.nearest(shapely.Point(self.origin_xy[q]))
        return [min(self.ids[found])]

    def geopandas_sorted(self, q):
        import numpy as np
        import shapely

        positions = np.flatnonzero(self.masks[self.filters[q]])
        distance = self.frame.geometry.iloc[positions].distance(shapely.Point(self.origin_xy[q]))
        order = np.lexsort((self.rank[positions], distance.to_numpy()))[:K]
        return list(self.ids[positions[order]])

    def strtree_dwithin(self, q):
        import numpy as np
        import shapely

        point, mask = shapely.Point(self.origin_xy[q]), self.masks[self.filters[q]]
        radius = 2_000.0
        while True:
            found = self.strtree.query(point, predicate="dwithin", distance=radius)
            found = found[mask[found]]
            if len(found) >= K or radius > 2e6:
                break
            radius *= 4
        delta = self.xy[found] - self.origin_xy[q]
        distance = np.hypot(delta[:, 0], delta[:, 1])
        order = np.lexsort((self.rank[found], distance))[:K]
        return list(self.ids[found[order]])

    def ours_ranking(self, q, k, thematiques):
        from geo.projection import to_lambert93
        from geo.search.nearest import _by_distance

        x, y = to_lambert93(*self.origins[q])
        ranked = _by_distance(self.index, (x, y), self.index.mask(list(thematiques), None), None)
        return [self.index.located[position].id for position, _ in islice(ranked, k)]

    def ours(self, q, k, thematiques):
        from geo.search.nearest import nearest

        results = nearest(self.origins[q], self.index, thematiques=list(thematiques), k=k, at=AT)
        return [r.actor.id for r in results if r.distance_m is not None]

    # -- measuring --------------------------------------------------------------------------------
    def _table(self, title, methods) -> None:
        """Each method's best round (``timed``); answers are compared with the first method's."""
        latencies, answers = timed(dict(methods), len(self.origins))
        reference = answers[methods[0][0]]
        print(f"\n{title}")
        print(f"  {'method':42} {'p50 ms':>8} {'p95 ms':>8} {'disagreements':>14}")
        for name, _ in methods:
            best = latencies[name]
            wrong = sum(a != b for a, b in zip(answers[name], reference, strict=True))
            print(f"  {name:42} {_p(best, 50) * 1000:8.3f} {_p(best, 95) * 1000:8.3f} {wrong:>14}")

    def _profile(self) -> None:
        """Where ours spends its time on the filtered question (cProfile, so shares, not speeds)."""
        profile = cProfile.Profile()
        profile.enable()
        for q in range(len(self.origins)):
            self.ours(q, K, self.filters[q])
        profile.disable()
        stats = pstats.Stats(profile).stats
        total = sum(row[2] for row in stats.values())  # own time of every function
        parts = {
            "projection (pyproj)": "to_lambert93",
            "filter masks": "mask",
            "ranking (k-d tree / direct)": "_by_distance",
            "eligibility": "check_rules",
            "walking time": "walk",
            "opening hours": "status_at_minute",
            "actors without a place": "_serving_commune",
        }
        print(
            "  where ours goes (cumulative share of nearest(); eligibility and opening hours are "
            "cached per distinct rule and minute):"
        )
        named = 0.0
        for label, function in parts.items():
            cumulative = sum(row[3] for key, row in stats.items() if key[2] == function)
            named += cumulative
            print(f"    {label:32} {cumulative / total:6.1%}")
        print(f"    {'the rest (checks, assembly)':32} {1 - named / total:6.1%}")


def timed(methods, count: int, rounds: int = 3) -> tuple[dict[str, list[float]], dict[str, list[list]]]:
    """Each method answers questions 0 … count - 1 in a loop of its own, warm, in ``rounds`` rounds
    alternating with the others: by method, its latencies (seconds) in its best round by p50, and its
    answers."""
    best: dict[str, list[float]] = {}
    answers: dict[str, list[list]] = {}
    for _ in range(rounds):
        for name, method in methods.items():
            latencies, found = [], []
            for q in range(count):
                begin = time.perf_counter()
                found.append(list(method(q)))
                latencies.append(time.perf_counter() - begin)
            if name not in best or _p(latencies, 50) < _p(best[name], 50):
                best[name] = latencies
            answers[name] = found
    return best, answers


def coverage(index, boxes, rng, count: int) -> None:
    import numpy as np

    from geo.actors.vocabularies import THEMATIQUES
    from geo.search.coverage import distance_to_nearest

    points = [_point(rng, rng.choice(boxes)) for _ in range(count)]
    lons, lats = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    thematiques = sorted(THEMATIQUES)[:20]
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        distances = distance_to_nearest(lons, lats, index, thematiques)
        runs.append(time.perf_counter() - started)
    median = np.median(np.concatenate([d[np.isfinite(d)] for d in distances.values()]))
    print(
        f"\nCoverage batch: {count:,} points × {len(thematiques)} thématiques against {len(index):,} actors: "
        f"{min(runs):.2f} s best, {statistics.median(runs):.2f} s median of 3 (target ≤ 5 s); "
        f"median distance {median:.0f} m"
    )


def synthetic_actors(count, rng):
    from geo.actors.model import Actor, Location
    from geo.actors.vocabularies import THEMATIQUES

    slugs = sorted(THEMATIQUES)
    actors = []
    for n in range(count):
        lon, lat = _point(rng, FRANCE)
        actors.append(
            Actor(
                id=f"acteur-synthetique-{n:06d}",
                nom=f"Acteur synthétique {n}",
                kind="organisme_formation",
                source="benchmark (synthétique)",
                date_source="2026",
                statut="actif",
                location=Location(lon, lat, "manager"),
                thematiques=tuple(rng.sample(slugs, rng.randint(1, 3))),
                publics=() if rng.random() < 0.8 else ("jeunes",),
                age_min=16 if rng.random() < 0.05 else None,
                age_max=25 if rng.random() < 0.05 else None,
                horaires_accueil=rng.choice(HOURS),
            )
        )
    return actors


def _filter(rng) -> tuple[str, ...]:
    from geo.actors.vocabularies import THEMATIQUES

    slugs = sorted(THEMATIQUES)
    if rng.random() < 0.5:
        return (rng.choice(sorted({s.split("--")[0] for s in slugs})),)
    return tuple(sorted(rng.sample(slugs, 2)))


def _point(rng, bbox) -> tuple[float, float]:
    lon_min, lat_min, lon_max, lat_max = bbox
    return rng.uniform(lon_min, lon_max), rng.uniform(lat_min, lat_max)


def _p(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def machine_line() -> str:
    """Today, the machine and its load: the first line of every figure printed."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{dt.date.today()} · {platform.platform()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPU · load {load}"
    )


def _describe_machine() -> None:
    import geopandas
    import numpy
    import scipy
    import shapely

    print(machine_line())
    print(
        f"Python {platform.python_version()} · numpy {numpy.__version__} · scipy {scipy.__version__} · "
        f"shapely {shapely.__version__} · geopandas {geopandas.__version__}"
    )


if __name__ == "__main__":
    main()
