"""The nearest relevant actors, asking a spatial database for candidates instead of holding every actor.

At national scale (data·inclusion's 140,000 services) a worker's in-memory index costs hundreds of
megabytes and seconds to rebuild at each change (docs/scale.md). Here the store's own nearest-first
index (PostGIS) gives the nearest candidates; ``nearest`` — the same function, the same rules —
runs on them; and the question is asked again on four times as many while the answer could still
change with actors farther away. So the answers are ``nearest``'s over every actor, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Unpack, runtime_checkable

from geo.actors.model import Actor
from geo.search.actor_index import ActorIndex
from geo.search.eligibility import NATIONWIDE, Resident, resident_areas
from geo.search.nearest import (
    NearestOptions,
    NearestResult,
    Origin,
    check_measurable,
    nearest,
)
from geo.search.ranking import ranked_minutes, transit_pool
from geo.search.travel import TravelTimes, WalkingEstimate
from geo.store import ActorNotFound, StoredActor

_FIRST_BATCH = 32
_MARGIN_M = 0.01
"""The database projects with PostGIS, the core with pyproj: distances may differ by micrometres."""


@runtime_checkable
class NearestFirst(Protocol):
    """A store with a nearest-first spatial index (``PostgresStore``)."""

    def nearest_actors(
        self, point: tuple[float, float], k: int, thematiques: Sequence[str] | None = None
    ) -> list[tuple[Actor, float]]:
        """The ``k`` located actors still open nearest to ``point``, nearest first, ties by id."""
        ...

    def unlocated_actors(self) -> list[Actor]:
        """The actors still open that have no place."""
        ...

    def zoned_actors(self, areas: Sequence[str]) -> list[Actor]:
        """The located actors still open whose eligibility zone names one of ``areas``."""
        ...

    def get(self, actor_id: str) -> StoredActor: ...


@dataclass(frozen=True)
class StoreNearest:
    """The actors of a store with a nearest-first index, and those without a place (few: kept)."""

    store: NearestFirst
    unlocated: Sequence[Actor]
    zoned_by_commune: dict[str, list[Actor]] = field(default_factory=dict, compare=False, repr=False)

    def nearest(
        self, origin: Origin | tuple[float, float], **options: Unpack[NearestOptions]
    ) -> list[NearestResult]:
        """``nearest(origin, every actor, **options)``, from as few candidates as it takes."""
        if options.get("by_transit"):
            return self._by_transit(origin, options)
        point = (origin.lon, origin.lat) if isinstance(origin, Origin) else origin
        check_measurable(*point)  # before the store is asked
        k, radius = options.get("k", 5), options.get("radius_m")
        travel = options.get("travel") or WalkingEstimate()
        commune = (options.get("resident") or Resident()).commune or getattr(origin, "citycode", None)
        zoned = self._zoned(commune) if commune else []
        wanted = max(_FIRST_BATCH, 4 * k)
        while True:
            found = self.store.nearest_actors(point, wanted, options.get("thematiques"))
            every = {a.id: a for a in (*(actor for actor, _ in found), *zoned, *self.unlocated)}
            results = nearest(origin, ActorIndex(every.values()), **options)
            if len(found) < wanted or _settled(results, k, found[-1][1], radius, travel):
                return results
            wanted *= 4

    def _by_transit(
        self, origin: Origin | tuple[float, float], options: NearestOptions
    ) -> list[NearestResult]:
        """« Il peut prendre le bus »: the ``transit_pool(k)`` best on foot, found as above (with the
        ineligible ones nearer than the farthest of them, when asked), then ranked by the shorter of
        walk and ride as ``nearest`` does over every actor."""
        pool = transit_pool(options.get("k", 5))
        widened: NearestOptions = {**options, "k": pool, "by_transit": False}
        on_foot = self.nearest(origin, **widened)
        every = {r.actor.id: r.actor for r in on_foot} | {a.id: a for a in self.unlocated}
        return nearest(origin, ActorIndex(every.values()), **options)

    def _zoned(self, commune: str) -> list[Actor]:
        """The located actors whose zone names the commune's areas, asked of the store once per commune:
        like ``unlocated``, held for this version of the actors (``build_index`` makes one per version)."""
        if commune not in self.zoned_by_commune:
            areas = sorted(resident_areas(commune) - NATIONWIDE)
            self.zoned_by_commune[commune] = self.store.zoned_actors(areas)
        return self.zoned_by_commune[commune]

    def named(self, ids: Iterable[str]) -> dict[str, Actor]:
        """Those of ``ids`` that name an actor (retired ones included), read from the store."""
        found = {}
        for actor_id in set(ids):
            try:
                found[actor_id] = self.store.get(actor_id).actor
            except ActorNotFound:
                pass
        return found


def _settled(
    results: list[NearestResult], k: int, boundary: float, radius: float | None, travel: TravelTimes
) -> bool:
    """Whether actors at ``boundary`` or farther can no longer change the answer: the radius is nearer,
    or even the quickest walk that far ranks after the k-th best result (``geo.search.ranking``)."""
    if radius is not None and radius < boundary - _MARGIN_M:
        return True
    ranked = sorted(
        ranked_minutes(r.eligibility, r.travel.minutes)
        for r in results
        if r.travel is not None and r.eligibility.eligible
    )
    return len(ranked) >= k and travel.fastest(boundary - _MARGIN_M) > ranked[k - 1]
