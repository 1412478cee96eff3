"""Actors prepared once for many nearest searches: projected, with a mask and a k-d tree per filter key.

A filter key is a thématique, a category (which matches its sub-thématiques) or a public
(``geo.search.filters``). A search on one or a few keys asks the trees of those keys only, as a user of
scipy would with one tree per filter value: the candidates met are the ones that fit, however
selective the filter. A few candidates are measured directly instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Unpack

import numpy as np
from numpy.typing import NDArray

from geo.actors.model import Actor
from geo.projection import to_lambert93
from geo.search.eligibility import Rules, rules_of
from geo.search.filters import public_keys, thematique_keys, wanted_public_keys

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

    from geo.search.nearest import NearestOptions, NearestResult, Origin

Mask = NDArray[np.bool_]
Positions = NDArray[np.intp]

MEASURE_ALL_BELOW = 256
"""Fewer candidates than this are measured directly; more are walked through their keys' k-d trees."""
FIRST_BATCH = 16
"""How many candidates the first radius should hold, when the caller does not say."""
_TIE_MARGIN = 1e-9
"""A tree's distances and ours (``numpy.hypot``) may differ in the last bit: a ball is asked this
share wider than its radius, and what it holds is final only this share inside it, so that nothing on
the radius is lost and ties keep their order by id."""


class Subset:
    """Located actors (positions in ``ActorIndex.located``, ascending) and their k-d tree, built when
    first asked: a filter key's actors, or all of them."""

    def __init__(self, xy: NDArray[np.float64], positions: Positions):
        self.xy, self.positions = xy, positions

    def __len__(self) -> int:
        return len(self.positions)

    @cached_property
    def tree(self) -> cKDTree:
        from scipy.spatial import cKDTree

        return cKDTree(self.xy[self.positions])

    @cached_property
    def _spread(self) -> tuple[float, float, float, float, float]:
        """The bounding box of these actors, (x_min, y_min, x_max, y_max), and the area each holds."""
        xy = self.xy[self.positions]
        (x_min, y_min), (x_max, y_max) = xy.min(axis=0), xy.max(axis=0)
        area = max(float((x_max - x_min) * (y_max - y_min)), 1.0)
        return float(x_min), float(y_min), float(x_max), float(y_max), area / len(self.positions)

    def farthest_from(self, point: tuple[float, float]) -> float:
        """A distance beyond which none of these actors lies: to the far corner of their box."""
        x_min, y_min, x_max, y_max, _ = self._spread
        x, y = point
        return math.hypot(max(x - x_min, x_max - x), max(y - y_min, y_max - y))

    def radius_for(self, count: int, point: tuple[float, float]) -> float:
        """A radius around ``point`` that should hold about ``count`` of these actors, were they spread
        evenly over their bounding box: at least the distance from the point to that box."""
        x_min, y_min, x_max, y_max, each = self._spread
        x, y = point
        outside = math.hypot(max(x_min - x, 0.0, x - x_max), max(y_min - y, 0.0, y - y_max))
        return max(math.sqrt(count * each / math.pi), outside, 1.0)


class ActorIndex:
    """Actors prepared once for many queries, in memory: projected, with one mask per filter key, and
    a k-d tree per key built when a query first has too many candidates to measure them all."""

    def __init__(self, actors: Iterable[Actor]):
        self.everyone = tuple(actors)
        self.actors = tuple(a for a in self.everyone if a.statut != "ferme")
        located = [a for a in self.actors if a.location is not None]
        self.located = located
        self.unlocated = [a for a in self.actors if a.location is None]
        lons = np.array([a.location.lon for a in located if a.location], dtype=np.float64)
        lats = np.array([a.location.lat for a in located if a.location], dtype=np.float64)
        self.xy: NDArray[np.float64] = np.column_stack(to_lambert93(lons, lats)).reshape(-1, 2)
        ranks = {actor_id: rank for rank, actor_id in enumerate(sorted(a.id for a in located))}
        self.id_rank = np.array([ranks[a.id] for a in located], dtype=np.int64)
        distinct: dict[Rules, int] = {}
        self.rule_ids = [distinct.setdefault(rules_of(a), len(distinct)) for a in located]
        """Each located actor's eligibility rules, as a number: many actors share the same rules."""
        self.distinct_rules = list(distinct)
        self.zoned: Positions = np.array(
            [p for p, r in enumerate(self.rule_ids) if self.distinct_rules[r].zone], dtype=np.intp
        )
        """Located actors whose eligibility zone is not the whole country: the search's reserved ones."""
        self.points = [(float(x), float(y)) for x, y in self.xy]
        self._thematique_masks = _masks(located, lambda a: thematique_keys(a.thematiques))
        self._public_masks = _masks(located, lambda a: public_keys(a.publics))
        self._subsets: dict[tuple[str, str], Subset] = {}

    def __len__(self) -> int:
        return len(self.actors)

    def rules(self, position: int) -> Rules:
        return self.distinct_rules[self.rule_ids[position]]

    @cached_property
    def everything(self) -> Subset:
        return Subset(self.xy, np.arange(len(self.located)))

    def nearest(
        self, origin: Origin | tuple[float, float], **options: Unpack[NearestOptions]
    ) -> list[NearestResult]:
        """``nearest(origin, self, **options)``: the interface every index offers."""
        from geo.search.nearest import nearest

        return nearest(origin, self, **options)

    def named(self, ids: Iterable[str]) -> dict[str, Actor]:
        """Those of ``ids`` that name an actor (retired ones included), by id."""
        wanted = set(ids)
        return {actor.id: actor for actor in self.everyone if actor.id in wanted}

    def mask(self, thematiques: Sequence[str] | None, publics: Sequence[str] | None) -> Mask | None:
        """Located actors passing the filters (OR within a facet, AND across); None: no filter."""
        if not thematiques and not publics:
            return None
        return self.fits(self.everything.positions, thematiques, publics)

    def subset(self, facet: str, key: str) -> Subset | None:
        """The actors carrying ``key`` of ``facet`` (« thematique » or « public »); None if none does.
        Made on first use, then kept."""
        found = self._subsets.get((facet, key))
        if found is None:
            mask = (self._thematique_masks if facet == "thematique" else self._public_masks).get(key)
            if mask is None:
                return None
            found = self._subsets[(facet, key)] = Subset(self.xy, np.flatnonzero(mask))
        return found

    def fits(
        self, positions: Positions, thematiques: Sequence[str] | None, publics: Sequence[str] | None
    ) -> Mask:
        """Which of ``positions`` pass the filters: OR within a facet, AND across."""
        selected = np.ones(len(positions), dtype=bool)
        if thematiques:
            selected &= _any_at(self._thematique_masks, thematiques, positions)
        if publics:
            selected &= _any_at(self._public_masks, wanted_public_keys(publics), positions)
        return selected


Batch = tuple[list[int], list[float]]
"""Positions in ``ActorIndex.located`` and their distances in metres, nearest first."""


def by_distance(
    index: ActorIndex,
    point: tuple[float, float],
    thematiques: Sequence[str] | None,
    publics: Sequence[str] | None,
    radius_m: float | None,
    wanted: int = FIRST_BATCH,
) -> Iterator[Batch]:
    """The located actors passing the filters, in batches, nearest first, ties by actor id.

    The actors of the most selective facet's keys (the thématiques when there are any) are the
    sources; the other facet is checked on what they give. Few candidates are measured at once.
    Otherwise each source's k-d tree is asked for its actors within a radius that should hold about
    ``wanted`` of them (fitted to the source's density), then within twice that while the caller
    wants more: what lies within the radius is final, and what lies on it waits for the next batch,
    so that ties keep their order by id.
    """
    limit = np.inf if radius_m is None else float(radius_m)
    sources = _sources(index, thematiques, publics)
    also = publics if thematiques and publics else None
    total = sum(len(s) for s in sources)
    if total < MEASURE_ALL_BELOW:
        found = np.unique(np.concatenate([s.positions for s in sources])) if sources else np.arange(0)
        if also is not None:
            found = found[index.fits(found, None, also)]
        yield _ordered(index, found, point, limit, np.inf)
        return
    radius, done = min(max(s.radius_for(wanted, point) for s in sources), limit), 0
    reach = max(s.farthest_from(point) for s in sources)
    while True:
        ball = radius * (1 + _TIE_MARGIN)  # the tree's distances may differ from ours in the last bit
        parts = [s.positions[s.tree.query_ball_point(point, ball)] for s in sources]
        found = np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        last = radius >= limit or radius > reach or len(found) == total
        if also is not None:
            found = found[index.fits(found, None, also)]
        positions, distances = _ordered(index, found, point, limit, np.inf if last else radius)
        yield positions[done:], distances[done:]
        if last:
            return
        done, radius = len(positions), min(radius * 2, limit)


def nearest_first(
    index: ActorIndex,
    point: tuple[float, float],
    k: int,
    thematiques: Sequence[str] | None = None,
    publics: Sequence[str] | None = None,
) -> list[tuple[int, float]]:
    """The ``k`` nearest located actors passing the filters, (position, metres), ties by id: distance
    alone, with no eligibility nor ranking (``geo.search.nearest`` adds them)."""
    found: list[tuple[int, float]] = []
    for positions, distances in by_distance(index, point, thematiques, publics, None, k):
        found.extend(zip(positions, distances, strict=True))
        if len(found) >= k:
            break
    return found[:k]


def _sources(
    index: ActorIndex, thematiques: Sequence[str] | None, publics: Sequence[str] | None
) -> list[Subset]:
    if thematiques:
        found = [index.subset("thematique", key) for key in dict.fromkeys(thematiques)]
    elif publics:
        found = [index.subset("public", key) for key in wanted_public_keys(publics)]
    else:
        found = [index.everything] if index.located else []
    return [s for s in found if s is not None]


def _ordered(
    index: ActorIndex, positions: Positions, point: tuple[float, float], limit: float, below: float
) -> Batch:
    """``positions`` within ``limit`` and nearer than ``below``, nearest first, ties by id."""
    delta = index.xy[positions] - point
    distances = np.hypot(delta[:, 0], delta[:, 1])
    order = np.lexsort((index.id_rank[positions], distances))
    ordered = distances[order]
    cut = min(np.nextafter(limit, np.inf), below * (1 - _TIE_MARGIN))  # within limit, short of below
    count = int(np.searchsorted(ordered, cut))
    return positions[order[:count]].tolist(), ordered[:count].tolist()


def _masks(actors: Sequence[Actor], keys_of: Callable[[Actor], Iterable[str]]) -> dict[str, Mask]:
    masks: dict[str, Mask] = {}
    for position, actor in enumerate(actors):
        for key in keys_of(actor):
            masks.setdefault(key, np.zeros(len(actors), dtype=bool))[position] = True
    return masks


def _any_at(masks: dict[str, Mask], keys: Iterable[str], positions: Positions) -> Mask:
    selected = np.zeros(len(positions), dtype=bool)
    for key in keys:
        if key in masks:
            selected |= masks[key][positions]
    return selected
