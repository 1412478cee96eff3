"""Timetable routing behind one interface: the earliest door-to-door arrival, with its rides.

``TransitRouter`` is what the search asks; ``NigiriRouter`` answers it with nigiri (the RAPTOR
engine of MOTIS, through its pynigiri bindings), loaded from a feed kept by ``geo.transit.feed``.
Another engine (an OpenTripPlanner server's API, r5py where Java 21 exists) would be one more class.
The walks to and from the stops are given by the caller (``geo.transit.door_to_door``), in whole
minutes, rounded up: nigiri counts in minutes.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from geo.search.hours import PARIS
from geo.search.request import DEPART_AHEAD_DAYS
from geo.transit.feed import LINES, Feed
from geo.transit.journey import Journey, Ride, Walk, mode_of

Access = tuple[str, int]
"""A stop id and the whole minutes walked between it and the door."""
LOADED_DAYS = DEPART_AHEAD_DAYS + 1
"""Days of timetable a router holds from the day before it is built (``NigiriRouter.covers``): the
departures a search may ask for."""
MAX_TRAVEL_MIN = 120
"""No trip longer than this is looked for: past two hours, the volunteer would not offer it."""
_START, _END = 0, 1  # nigiri's special locations for the door


class TransitRouter(Protocol):
    feed: Feed

    def covers(self, moment: dt.datetime) -> bool:
        """Whether the timetable held goes as far as ``moment``."""
        ...

    def journey(
        self,
        access: Sequence[Access],
        egress: Sequence[Access],
        depart: dt.datetime,
        within: int = MAX_TRAVEL_MIN,
    ) -> Journey | None:
        """The trip arriving first (then with the fewest changes), leaving the door at ``depart``
        (Europe/Paris) by one of the ``access`` stops, ending by one of the ``egress`` stops, in
        ``within`` minutes at most (``MAX_TRAVEL_MIN`` at most)."""
        ...


class NigiriRouter:
    def __init__(self, feed: Feed, today: dt.date):
        import pynigiri

        self.feed, self._nigiri = feed, pynigiri
        self.first = max(feed.start, today - dt.timedelta(days=1))
        self.last = min(feed.end, self.first + dt.timedelta(days=LOADED_DAYS))
        source = pynigiri.TimetableSource()
        source.tag, source.path = "gtfs", str(feed.folder)
        with _quiet():  # nigiri logs every step of its loader on stderr
            self.timetable = pynigiri.load_timetable(
                [source], self.first.isoformat(), (self.last + dt.timedelta(days=1)).isoformat()
            )
        self._lines: tuple[int, sqlite3.Connection] | None = None
        self.stops: dict[int, tuple[str, str]] = {}
        self._locations: dict[str, Any] = {}
        for stop_id, name in self.lines.execute("SELECT stop_id, name FROM stops"):
            location = self.timetable.find_location(stop_id)
            if location is not None:
                self.stops[int(location)] = (stop_id, name)
                self._locations[stop_id] = location
        self.close()  # a router built before gunicorn forks carries no SQLite handle into the workers

    def close(self) -> None:
        """Close this process's handle on the lines (opened again on first use)."""
        if self._lines is not None:
            self._lines[1].close()
            self._lines = None

    @property
    def lines(self) -> sqlite3.Connection:
        """The feed's lines (``geo.transit.feed``), read-only, opened by each process for itself: a
        router built before gunicorn forks serves every worker."""
        if self._lines is None or self._lines[0] != os.getpid():
            uri = f"file:{self.feed.folder / LINES}?mode=ro"
            self._lines = (os.getpid(), sqlite3.connect(uri, uri=True, check_same_thread=False))
        return self._lines[1]

    def covers(self, moment: dt.datetime) -> bool:
        return self.first <= moment.astimezone(PARIS).date() <= self.last

    def journey(
        self,
        access: Sequence[Access],
        egress: Sequence[Access],
        depart: dt.datetime,
        within: int = MAX_TRAVEL_MIN,
    ) -> Journey | None:
        nigiri = self._nigiri
        query = nigiri.Query()
        query.start_match_mode = query.dest_match_mode = nigiri.LocationMatchMode.INTERMODAL
        query.start = [nigiri.Offset(self._locations[s], m, 0) for s, m in access if s in self._locations]
        query.destination = [
            nigiri.Offset(self._locations[s], m, 0) for s, m in egress if s in self._locations
        ]
        if not query.start or not query.destination:
            return None
        query.start_time = _unix_minutes(depart)
        query.max_travel_time = min(within, MAX_TRAVEL_MIN)
        if query.max_travel_time <= 0:
            return None
        found = nigiri.route(self.timetable, query)
        if not found:
            return None
        best = min(found, key=lambda j: (j.arrival_time(), j.transfers))
        legs = tuple(self._legs(best.legs))
        if not any(isinstance(leg, Ride) for leg in legs):
            return None  # on foot all the way: the walk says it
        return Journey(_moment(query.start_time), _moment(best.arrival_time()), legs)

    def _legs(self, legs: Sequence[Any]) -> Iterator[Walk | Ride]:
        for leg in legs:
            start, end = int(getattr(leg, "from")), int(leg.to)
            minutes = leg.arr_time - leg.dep_time
            if start == end:
                continue  # the time a change takes at one stop
            if start == _START or end == _END or start not in self.stops or end not in self.stops:
                if minutes > 0:
                    yield Walk(minutes, self.stops[end][1] if end in self.stops else "")
                continue
            ride = self._ride(start, end, _moment(leg.dep_time), _moment(leg.arr_time))
            yield ride if ride is not None else Walk(minutes, self.stops[end][1])  # a footpath

    def _ride(self, start: int, end: int, departure: dt.datetime, arrival: dt.datetime) -> Ride | None:
        """The line(s) leaving ``start`` at ``departure`` and reaching ``end`` at ``arrival``."""
        (board_id, board), (alight_id, alight) = self.stops[start], self.stops[end]
        found: dict[str, tuple[int, int]] = {}
        for days_before in (0, 1):  # a trip of yesterday's service runs past midnight (« 25:10:00 »)
            day = departure.date() - dt.timedelta(days=days_before)
            midnight = dt.datetime.combine(day, dt.time(), PARIS)
            leaves = int((departure - midnight).total_seconds() // 60)
            arrives = int((arrival - midnight).total_seconds() // 60)
            for line, route_type, stops in self.lines.execute(_RIDES, (board_id, leaves, alight_id, arrives)):
                found.setdefault(line, (route_type, stops))
        if not found:
            return None
        route_type, stops = next(iter(found.values()))
        line = " / ".join(sorted(found))
        return Ride(line, mode_of(route_type), board, alight, stops, departure, arrival, board_id)


_RIDES = """
    SELECT routes.line, routes.type,
        (SELECT COUNT(*) FROM stop_times AS between_
         WHERE between_.trip_id = a.trip_id AND between_.sequence > a.sequence
         AND between_.sequence <= b.sequence)
    FROM stop_times AS a
    JOIN stop_times AS b ON b.trip_id = a.trip_id AND b.sequence > a.sequence
    JOIN trips ON trips.trip_id = a.trip_id
    JOIN routes ON routes.route_id = trips.route_id
    WHERE a.stop_id = ? AND a.departure = ? AND b.stop_id = ? AND b.arrival = ?
"""


def _unix_minutes(moment: dt.datetime) -> int:
    return calendar.timegm(moment.astimezone(dt.UTC).timetuple()) // 60


def _moment(unix_minutes: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix_minutes * 60, PARIS)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Send what C++ code writes on stderr to a scratch file for the time of the block."""
    saved = os.dup(2)
    with tempfile.TemporaryFile() as scratch:
        os.dup2(scratch.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
