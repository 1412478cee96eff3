"""A plain time-expanded Dijkstra over a GTFS feed: the reference the engine's answers are checked by.

Small and slow on purpose. Every departure and arrival of every trip running that day is a node; a
vehicle goes from one stop's departure to the next stop's arrival and stays put at a stop; getting
off takes ``CHANGE_MIN`` before boarding another vehicle at the same stop (nigiri's default where a
feed gives no transfers.txt); boarding counts one ride. Labels are (minutes, rides), compared in that
order, so the answer is the earliest arrival and, for it, the fewest rides. Walking from the door to
a stop and on to the other door is a way too, as it is for the engine: when it is the best, no ride
is worth taking, and the answer is None.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import itertools
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CHANGE_MIN = 2
MAX_TRAVEL_MIN = 120


@dataclass
class Day:
    """The trips running on one service day: for each, its (stop, arrival, departure) in minutes."""

    trips: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)


def service_day(feed: Path, day: dt.date, *, shift: tuple[str, int] | None = None) -> Day:
    """The trips of ``day``. ``shift`` = (trip id, minutes) moves one trip: a mutation for the tests."""
    with zipfile.ZipFile(feed) as archive:

        def rows(name: str) -> list[dict[str, str]]:
            if name not in archive.namelist():
                return []
            return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8-sig")))

        weekday = "monday tuesday wednesday thursday friday saturday sunday".split()[day.weekday()]
        stamp = day.strftime("%Y%m%d")
        running = {
            r["service_id"]
            for r in rows("calendar.txt")
            if r[weekday] == "1" and r["start_date"] <= stamp <= r["end_date"]
        }
        for r in rows("calendar_dates.txt"):
            if r["date"] == stamp:
                (running.add if r["exception_type"] == "1" else running.discard)(r["service_id"])
        trips = {r["trip_id"] for r in rows("trips.txt") if r["service_id"] in running}
        found = Day()
        for r in sorted(rows("stop_times.txt"), key=lambda r: (r["trip_id"], int(r["stop_sequence"]))):
            if r["trip_id"] in trips:
                moved = shift[1] if shift and shift[0] == r["trip_id"] else 0
                arrival, departure = (
                    _minutes(r["arrival_time"]) + moved,
                    _minutes(r["departure_time"]) + moved,
                )
                found.trips.setdefault(r["trip_id"], []).append((r["stop_id"], arrival, departure))
    return found


def earliest(
    day: Day,
    access: dict[str, int],
    egress: dict[str, int],
    leave: int,
    *,
    change_min: int = CHANGE_MIN,
) -> tuple[int, int] | None:
    """(arrival minute, rides) of the best trip leaving the door at ``leave`` (minutes after the day's
    midnight); None if it takes no ride, or arrives later than ``MAX_TRAVEL_MIN``."""
    boarding: dict[str, list[tuple[int, str, int]]] = defaultdict(list)  # stop → (time, trip, index)
    for trip, calls in day.trips.items():
        for index, (stop, _, departure) in enumerate(calls[:-1]):
            boarding[stop].append((departure, trip, index))
    for departures in boarding.values():
        departures.sort()
    counter = itertools.count()
    queue: list[tuple[int, int, int, tuple]] = []
    for stop, minutes in access.items():
        heapq.heappush(queue, (leave + minutes, 0, next(counter), ("wait", stop)))
    settled: set[tuple] = set()
    while queue:
        time, rides, _, node = heapq.heappop(queue)
        if node[0] == "door":
            return (time, rides) if rides and time - leave <= MAX_TRAVEL_MIN else None
        key = (node, time) if node[0] == "wait" else node
        if key in settled:
            continue
        settled.add(key)
        if node[0] == "wait":  # at a stop from ``time``: board any vehicle leaving it from then on
            if node[1] in egress:  # or walk on: through a stop near both doors, no ride needed
                heapq.heappush(queue, (time + egress[node[1]], rides, next(counter), ("door",)))
            for departure, trip, index in boarding.get(node[1], ()):
                if time <= departure <= leave + MAX_TRAVEL_MIN:
                    heapq.heappush(queue, (departure, rides + 1, next(counter), ("on", trip, index)))
        else:  # on a vehicle, leaving call ``index``: ride to the next call
            trip, index = node[1], node[2]
            stop, arrival, departure = day.trips[trip][index + 1]
            if stop in egress:
                heapq.heappush(queue, (arrival + egress[stop], rides, next(counter), ("door",)))
            heapq.heappush(queue, (arrival + change_min, rides, next(counter), ("wait", stop)))
            if index + 2 < len(day.trips[trip]):
                heapq.heappush(queue, (departure, rides, next(counter), ("on", trip, index + 1)))
    return None


def _minutes(clock: str) -> int:
    hours, minutes, _ = (int(part) for part in clock.split(":"))
    return hours * 60 + minutes
