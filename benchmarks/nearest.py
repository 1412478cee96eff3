"""Nearest actors: ours against peers prepared as a competent user would, on the same questions.

    .venv/bin/python benchmarks/nearest.py [--queries 1000] [--actors 100000] [--points 200000] [--seed 93]

On the curated dataset and on 100,000 made-up actors over metropolitan France (the size of
data·inclusion), from random points:
- k = 1, no filter: scipy's k-d tree (the floor), shapely's STRtree and geopandas' sindex, each built
  once; ours, ranking only and whole;
- k = 5 for three shapes of filter, as volunteers pick needs: one leaf thématique, two leaves, one
  category. Peers, built once per filter value before timing: a shapely STRtree per value (``dwithin``
  from a radius fitted to that value's density, growing until k are found, the trees of a two-leaf
  filter merged), and a scipy k-d tree per value (the floor: ``query(k)`` on each, merged); ours,
  ranking only, and whole: eligibility, opening hours and walking time too.
For the filtered questions the made-up actors have opening hours but no eligibility condition (no age
range, no public), so that the distance order is the right answer for every method and each method's
answers can be checked against the floor's: disagreements are counted and printed. ``nearest()`` on
the same actors with age ranges and publics is timed too (its answers then differ by design:
``geo.search.ranking``). The methods take turns, round after round, after one warm-up round; each line
gives min–median–max over rounds of the per-round median (p50), in µs. Then where our time goes
(cProfile shares), and the notebooks' coverage batch (200,000 points × 20 thématiques against
100,000 actors). Needs the ``analysis`` extra (geopandas).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import math
import pstats
import random
import statistics
import time
from functools import partial
from pathlib import Path

from devtools.measure import interleaved, stated_load

ROOT = Path(__file__).resolve().parent.parent
K = 5
AT = dt.datetime(2026, 11, 27, 10, 0)
FRANCE = (-4.5, 43.0, 7.5, 50.8)
HOURS = ("Mo-Fr 09:00-12:00,14:00-17:00; PH off", "Mo-Th 09:00-17:00", "Tu,Th 13:30-18:00", "")
SHAPES = ("one leaf thématique", "two leaves", "one category")
ROUNDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--queries", type=int, default=1000, help="queries per method and question")
    parser.add_argument("--actors", type=int, default=100_000, help="made-up actors over France")
    parser.add_argument("--points", type=int, default=200_000, help="points of the coverage batch")
    parser.add_argument("--seed", type=int, default=93)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from geo.communes import COMMUNES, TARGET_COMMUNES
    from geo.io.dataset import load_actors

    with stated_load("nearest actors: ours and its peers"):
        _versions()
        real = load_actors(ROOT / "data" / "actors.geojson")
        boxes = [COMMUNES[code].bbox for code in TARGET_COMMUNES]
        located = sum(a.location is not None for a in real)
        print(f"\n== Curated dataset: {len(real)} actors, {located} located")
        Bench(real, [_point(rng, rng.choice(boxes)) for _ in range(args.queries)], rng).run()

        open_to_all = synthetic_actors(args.actors, rng, conditions=False)
        print(f"\n== {len(open_to_all):,} made-up actors over metropolitan France, no eligibility condition")
        bench = Bench(open_to_all, [_point(rng, FRANCE) for _ in range(args.queries)], rng)
        bench.run()
        with_conditions = synthetic_actors(args.actors, random.Random(args.seed), conditions=True)
        bench.whole_with_conditions(with_conditions)
        coverage(bench.index, boxes, rng, args.points)


class Bench:
    """One dataset, its peers prepared once, the same questions for all."""

    def __init__(self, actors, origins, rng):
        import geopandas as gpd
        import numpy as np
        import shapely
        from scipy.spatial import cKDTree

        from geo.projection import to_lambert93
        from geo.search.actor_index import ActorIndex
        from geo.search.filters import thematique_keys

        started = time.perf_counter()
        self.index = ActorIndex(actors)
        self.build_ms = (time.perf_counter() - started) * 1000
        located = self.index.located
        self.ids = np.array([a.id for a in located])
        self.xy = self.index.xy
        self.origins = origins
        self.origin_xy = [to_lambert93(o[0], o[1]) for o in origins]
        self.filters = {shape: [_filter(rng, shape) for _ in origins] for shape in SHAPES}
        self.rank = np.argsort(np.argsort(self.ids))  # position → rank of its id
        # Peers, prepared once as their users would: for all actors, and per filter value.
        self.kdtree = cKDTree(self.xy)
        self.points = shapely.points(self.xy)
        self.strtree = shapely.STRtree(self.points)
        self.frame = gpd.GeoDataFrame({"id": self.ids}, geometry=self.points, crs=2154)
        self.frame.sindex  # noqa: B018 - built now, not during the first query
        keys = [thematique_keys(a.thematiques) for a in located]
        values = {value for filters in self.filters.values() for f in filters for value in f}
        self.per_value = {}
        area = float(np.ptp(self.xy[:, 0]) * np.ptp(self.xy[:, 1])) if len(self.xy) > 1 else 1.0
        for value in sorted(values):
            positions = np.flatnonzero([value in k for k in keys])
            if not len(positions):
                continue
            radius = math.sqrt(2 * K * area / (math.pi * len(positions)))  # holds about 2k of them
            self.per_value[value] = (
                positions,
                shapely.STRtree(self.points[positions]),
                cKDTree(self.xy[positions]),
                radius,
            )

    def run(self) -> None:
        print(f"index build (ours): {self.build_ms:.0f} ms")
        self._table(
            "k = 1, no filter",
            [
                ("floor: scipy cKDTree.query, bare", self.floor),
                ("shapely STRtree.query_nearest", self.strtree_nearest),
                ("geopandas sindex.nearest", self.sindex_nearest),
                ("ours: ranking only", lambda q: self.ours_ranking(q, 1, ())),
                ("ours: nearest() whole", lambda q: self.ours(q, 1, ())),
            ],
        )
        for shape in SHAPES:
            filters = self.filters[shape]
            self._table(
                f"k = {K}, {shape}",
                [
                    ("floor: scipy cKDTree per value", partial(self.kdtree_per_value, filters=filters)),
                    (
                        "shapely STRtree per value, fitted radius",
                        partial(self.strtree_per_value, filters=filters),
                    ),
                    (
                        "shapely STRtree per value, from 2 km",
                        partial(self.strtree_per_value, filters=filters, start=2e3),
                    ),
                    ("ours: ranking only", lambda q, f=filters: self.ours_ranking(q, K, f[q])),
                    ("ours: nearest() whole", lambda q, f=filters: self.ours(q, K, f[q])),
                ],
                candidates=self._candidates(filters),
            )
        self._profile(self.filters[SHAPES[0]])

    def whole_with_conditions(self, actors) -> None:
        """``nearest()`` on the same places with age ranges and publics: timed, not compared."""
        from geo.search.actor_index import ActorIndex

        other = Bench.__new__(Bench)
        other.index, other.origins = ActorIndex(actors), self.origins
        for shape in SHAPES:
            filters = self.filters[shape]
            whole = {"whole": lambda q, f=filters: other.ours(q, K, f[q])}
            measured = interleaved(whole, len(self.origins), 3)
            print(
                f"  with age ranges (5 %) and publics (20 %): nearest() whole, {shape}: "
                f"{measured['whole'].spread()} µs"
            )

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

    def kdtree_per_value(self, q, filters):
        import numpy as np

        found, distances = [np.arange(0)], [np.arange(0.0)]
        for value in filters[q]:
            if value not in self.per_value:
                continue
            positions, _, tree, _ = self.per_value[value]
            d, i = tree.query(self.origin_xy[q], k=min(K, len(positions)))
            found.append(positions[np.atleast_1d(i)])
            distances.append(np.atleast_1d(d))
        return self._first(np.concatenate(found), np.concatenate(distances))

    def strtree_per_value(self, q, filters, start=None):
        import numpy as np
        import shapely

        point = shapely.Point(self.origin_xy[q])
        values = [value for value in filters[q] if value in self.per_value]
        if not values:
            return []
        radius = start or max(self.per_value[value][3] for value in values)
        while True:
            found = [
                self.per_value[value][0][self.per_value[value][1].query(point, "dwithin", distance=radius)]
                for value in values
            ]
            union = np.unique(np.concatenate(found)) if len(found) > 1 else found[0]
            if len(union) >= K or radius > 4e6:
                break
            radius *= 2
        delta = self.xy[union] - self.origin_xy[q]
        return self._first(union, np.hypot(delta[:, 0], delta[:, 1]))

    def _first(self, positions, distances):
        """The ids of the ``K`` nearest of ``positions`` (each once), ties by id."""
        import numpy as np

        positions, first = np.unique(positions, return_index=True)
        order = np.lexsort((self.rank[positions], distances[first]))[:K]
        return list(self.ids[positions[order]])

    def ours_ranking(self, q, k, thematiques):
        from geo.projection import to_lambert93
        from geo.search.actor_index import nearest_first

        found = nearest_first(self.index, to_lambert93(*self.origins[q]), k, list(thematiques))
        return [self.index.located[position].id for position, _ in found]

    def ours(self, q, k, thematiques):
        from geo.search.nearest import nearest

        results = nearest(self.origins[q], self.index, thematiques=list(thematiques), k=k, at=AT)
        return [r.actor.id for r in results if r.distance_m is not None]

    # -- measuring --------------------------------------------------------------------------------
    def _candidates(self, filters) -> str:
        counts = [int(self.index.mask(list(f), None).sum()) for f in filters[:200]]
        return f"{statistics.median(counts):,.0f} candidates (median)"

    def _table(self, title, methods, candidates: str = "") -> None:
        """Answers are compared with the first method's."""
        questions = len(self.origins)
        for _, method in methods:  # warm-up: every cache filled, every tree built
            for q in range(questions):
                method(q)
        measured = interleaved(dict(methods), questions, ROUNDS)
        reference = measured[methods[0][0]].answers
        print(f"\n{title}{', ' + candidates if candidates else ''}")
        print(f"  {'method':42} {'p50 µs, min–median–max':>24} {'p95 µs':>8} {'disagreements':>14}")
        for name, _ in methods:
            rounds = measured[name]
            wrong = sum(a != b for a, b in zip(rounds.answers, reference, strict=True))
            p95 = statistics.median(rounds.p(95)) * 1e6
            print(f"  {name:42} {rounds.spread():>24} {p95:8.1f} {wrong:>14}")

    def _profile(self, filters) -> None:
        """Where ours spends its time on one filtered question (cProfile, so shares, not speeds)."""
        profile = cProfile.Profile()
        profile.enable()
        for q in range(len(self.origins)):
            self.ours(q, K, filters[q])
        profile.disable()
        stats = pstats.Stats(profile).stats
        total = sum(row[2] for row in stats.values())  # own time of every function
        parts = {
            "projection (pyproj)": "to_lambert93",
            "candidates (k-d trees / direct)": "by_distance",
            "eligibility": "verdict",
            "walking time": "walk",
            "opening hours": "status_at_minute",
            "actors without a place": "_serving_commune",
        }
        print(f"  where nearest() goes on « {SHAPES[0]} » (cumulative share, cProfile):")
        named = 0.0
        for label, function in parts.items():
            cumulative = sum(row[3] for key, row in stats.items() if key[2] == function)
            named += cumulative
            print(f"    {label:32} {cumulative / total:6.1%}")
        print(f"    {'the rest (checks, assembly)':32} {1 - named / total:6.1%}")


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


def synthetic_actors(count, rng, conditions: bool = True):
    """``count`` made-up actors over France; with ``conditions``, some with an age range (5 %) or a
    public (20 %)."""
    from geo.actors.model import Actor, Location
    from geo.actors.vocabularies import THEMATIQUES

    slugs = sorted(THEMATIQUES)
    actors = []
    for n in range(count):
        lon, lat = _point(rng, FRANCE)
        limited, youth = rng.random() < 0.05, rng.random() < 0.2
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
                publics=("jeunes",) if conditions and youth else (),
                age_min=16 if conditions and limited else None,
                age_max=25 if conditions and limited else None,
                horaires_accueil=rng.choice(HOURS),
            )
        )
    return actors


def _filter(rng, shape: str = "") -> tuple[str, ...]:
    """A need as a volunteer picks it: one leaf, two leaves or one category (``SHAPES``; none given:
    a category or two leaves, evenly)."""
    from geo.actors.vocabularies import CATEGORIES, THEMATIQUES

    leaves = sorted(THEMATIQUES)
    shape = shape or rng.choice([SHAPES[1], SHAPES[2]])
    if shape == SHAPES[0]:
        return (rng.choice(leaves),)
    if shape == SHAPES[1]:
        return tuple(sorted(rng.sample(leaves, 2)))
    return (rng.choice(sorted(CATEGORIES)),)


def _point(rng, bbox) -> tuple[float, float]:
    lon_min, lat_min, lon_max, lat_max = bbox
    return rng.uniform(lon_min, lon_max), rng.uniform(lat_min, lat_max)


def _versions() -> None:
    import geopandas
    import numpy
    import scipy
    import shapely

    print(
        f"numpy {numpy.__version__} · scipy {scipy.__version__} · "
        f"shapely {shapely.__version__} · geopandas {geopandas.__version__}"
    )


if __name__ == "__main__":
    main()
