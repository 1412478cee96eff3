"""How long it takes to get there: an honest walking estimate by default, a street network when
imported, and public transport door to door when a timetable is imported.

Every travel time says which method gave it. The default multiplies the straight-line distance by a
detour factor (1.3) and walks it at 4.5 km/h; it is always said « environ ». With an OSM street
network (``carto network import``), the walk follows the streets (``geo.search.network``); with a GTFS
feed too (``carto transit import``), ``ride`` gives the trip by bus, tram, métro or train
(``geo.transit.door_to_door``); on foot only, it gives none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt

    from geo.transit.journey import Journey

ESTIMATE = "estimation"
NETWORK = "reseau"
WALK_LABEL = "{minutes} min à pied"
ESTIMATED = "environ {label}"
"""How a walking time reads (« environ 11 min à pied » for an estimate), the offline page's too."""


@dataclass(frozen=True)
class TravelTime:
    minutes: float
    metres: float
    method: str

    @property
    def label(self) -> str:
        text = WALK_LABEL.format(minutes=max(1, round(self.minutes)))
        return ESTIMATED.format(label=text) if self.method == ESTIMATE else text


BEYOND = TravelTime(math.inf, math.inf, NETWORK)
"""A place farther along the streets than a walk asked ``within_m`` reaches."""


class TravelTimes(Protocol):
    """Walking times from one origin to several destinations, all in Lambert-93 metres."""

    @property
    def method(self) -> str: ...

    def walk(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        within_m: float | None = None,
    ) -> list[TravelTime]:
        """The walk to each destination; with ``within_m``, one longer than that may be ``BEYOND``
        (a walk to the stops needs no more: ``geo.transit.door_to_door``)."""
        ...

    def fastest(self, metres: float) -> float:
        """The fewest minutes a walk to a place ``metres`` away in a straight line can take: the
        search stops looking farther once it cannot find better (``geo.search.ranking``)."""
        ...

    def ride(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        depart: dt.datetime,
        within: Sequence[float],
    ) -> list[Journey | None]:
        """The trip by public transport to each destination, leaving at ``depart`` and taking at most
        its ``within`` minutes (the walk there: a slower trip is not worth it); None where none."""
        ...


class OnFoot:
    """Walking times alone: no trip by public transport."""

    def ride(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        depart: dt.datetime,
        within: Sequence[float],
    ) -> list[Journey | None]:
        return [None] * len(destinations)


@dataclass(frozen=True)
class WalkingEstimate(OnFoot):
    """Straight line × detour factor, at a walking speed."""

    detour_factor: float = 1.3
    speed_kmh: float = 4.5
    method: str = ESTIMATE

    def walk(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        within_m: float | None = None,
    ) -> list[TravelTime]:
        x0, y0 = origin
        return [self.from_straight_line(math.hypot(x - x0, y - y0)) for x, y in destinations]

    def fastest(self, metres: float) -> float:
        return metres * self.detour_factor / (self.speed_kmh * 1000 / 60)

    def from_straight_line(self, metres: float) -> TravelTime:
        return TravelTime(self.fastest(metres), metres * self.detour_factor, self.method)
