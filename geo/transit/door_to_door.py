"""Door to door by public transport: walk to a stop, ride, walk from a stop — beside the walk itself.

``DoorToDoor`` is a ``geo.search.travel.TravelTimes``: it walks as the walking times it is given
(along the streets when a network is imported) and rides with a ``TransitRouter``, the walks to and
from the stops timed by the same walking times, so one street network serves both.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import sqlite3
from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from geo.projection import to_lambert93
from geo.search.travel import TravelTime, TravelTimes
from geo.transit.engine import Access, TransitRouter
from geo.transit.feed import LINES, Feed
from geo.transit.journey import Journey

ACCESS_MAX_MIN = 15
EGRESS_KEPT = 4096
"""Actors' places whose walks from the stops a ``DoorToDoor`` keeps (a territory's actors, and more)."""
"""The longest walk to or from a stop that a trip may use."""
SPARED_MIN = 0.1
"""Walks are counted in whole minutes, rounded up, but for the few seconds a walk's metres may err by
(the street network's projection): 8.01 minutes count as 8."""


def whole_minutes(minutes: float) -> int:
    return max(0, math.ceil(minutes - SPARED_MIN))


class Stops:
    """The feed's stops in Lambert-93 metres, to find those within a walk of a place."""

    def __init__(self, ids: Sequence[str], lons: Sequence[float], lats: Sequence[float]):
        self.ids = list(ids)
        self.xy = np.column_stack(to_lambert93(np.asarray(lons, float), np.asarray(lats, float))).reshape(
            -1, 2
        )
        self.tree = cKDTree(self.xy) if len(self.ids) else None

    @classmethod
    def of_feed(cls, feed: Feed) -> Stops:
        db = sqlite3.connect(f"file:{feed.folder / LINES}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT stop_id, lon, lat FROM stops").fetchall()
        finally:
            db.close()
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    def near(self, point: tuple[float, float], metres: float) -> list[int]:
        return [] if self.tree is None else sorted(self.tree.query_ball_point(point, metres))


class DoorToDoor:
    """Walking times, and trips by public transport when ``ride`` is asked."""

    def __init__(self, walking: TravelTimes, router: TransitRouter, stops: Stops, speed_kmh: float = 4.5):
        self.walking, self.router, self.stops = walking, router, stops
        self.reach_m = ACCESS_MAX_MIN * speed_kmh * 1000 / 60  # no walk is shorter than the straight line
        self._kept_egress = functools.lru_cache(maxsize=EGRESS_KEPT)(self._walks)

    @property
    def method(self) -> str:
        return self.walking.method

    def walk(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        within_m: float | None = None,
    ) -> list[TravelTime]:
        return self.walking.walk(origin, destinations, within_m)

    def fastest(self, metres: float) -> float:
        return self.walking.fastest(metres)

    def ride(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        depart: dt.datetime,
        within: Sequence[float],
    ) -> list[Journey | None]:
        """The quickest trip to each destination leaving ``origin`` at ``depart`` and arriving within
        its ``within`` minutes; None where there is none, or where the timetable held does not reach
        that day."""
        access = self._walks(origin) if self.router.covers(depart) else []
        if not access:
            return [None] * len(destinations)
        return [
            self.router.journey(access, self._egress(place), depart, math.floor(minutes))
            for place, minutes in zip(destinations, within, strict=True)
        ]

    def from_stop(
        self, stop_id: str, destination: tuple[float, float], depart: dt.datetime
    ) -> Journey | None:
        """The quickest trip from the stop ``stop_id`` at ``depart`` to ``destination``: a trip worded
        again from where one boards, without the door it was searched from (the fiche's)."""
        if not self.router.covers(depart):
            return None
        return self.router.journey([(stop_id, 0)], self._egress(destination), depart)

    def _egress(self, place: Sequence[float]) -> tuple[Access, ...]:
        """The walks from the stops to an actor's place, walked once: every search, the fiche and the
        offline trips ask them again. The door's own walks (``_walks``) are never kept."""
        return self._kept_egress((float(place[0]), float(place[1])))

    def _walks(self, place: tuple[float, float]) -> tuple[Access, ...]:
        near = self.stops.near(place, self.reach_m)
        times = self.walking.walk(place, [tuple(self.stops.xy[i]) for i in near], self.reach_m)
        return tuple(
            (self.stops.ids[i], whole_minutes(time.minutes))
            for i, time in zip(near, times, strict=True)
            if time.minutes <= ACCESS_MAX_MIN
        )
