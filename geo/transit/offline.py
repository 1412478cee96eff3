"""Trips by public transport for the offline page: minutes from each IRIS's centre to each actor, for
a few departures, computed ahead (the tablet holds no timetable) and said as approximate.

The offline page looks up the IRIS of the resident's point and the departure nearest to now on the
same kind of day. The figure is that of the IRIS's centre, not of the door: ``BOUND_MARGIN_MIN`` and
the walk between the door and the centre say how far the door's own trip may be from it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.projection import to_lambert93
from geo.search.hours import PARIS
from geo.transit.door_to_door import DoorToDoor
from geo.transit.engine import MAX_TRAVEL_MIN
from geo.transit.journey import Journey, Walk

OFFLINE_FILE = "hors-ligne.json"
"""Kept beside the feed in the instance folder (``carto transit offline`` writes it)."""
BOUND_MARGIN_MIN = 20
"""The offline minutes are the IRIS centre's. From a door of that IRIS, leaving at the same time, the
engine's trip takes them ± (the walk between the door and the centre + this margin): a door that
misses the centre's vehicle waits for the next. So a trip is carried only where the next one arrives
at most this much later (tested on the made-up world: tests/test_transit_offline.py); a line less
frequent is not promised from an approximate place."""


OFFLINE_LABEL = "environ {minutes} min depuis le centre du quartier ({departure})"
"""How the offline card says the trip, after « En transports : »."""


@dataclass(frozen=True)
class Departure:
    label: str
    """How the offline card says it: « en semaine vers 8 h 30 »."""
    weekend: bool
    at: dt.time


DEPARTURES = (
    Departure("en semaine vers 8 h 30", False, dt.time(8, 30)),
    Departure("en semaine vers 14 h", False, dt.time(14, 0)),
    Departure("le week-end vers 10 h", True, dt.time(10, 0)),
)
"""The departures the offline page knows: a weekday morning and afternoon (a Tuesday's timetable), a
Saturday morning."""


def departure_moments(today: dt.date) -> list[dt.datetime]:
    """Each of ``DEPARTURES`` on the next Tuesday or Saturday after ``today``."""
    moments = []
    for departure in DEPARTURES:
        weekday = 5 if departure.weekend else 1
        day = today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
        moments.append(dt.datetime.combine(day, departure.at, PARIS))
    return moments


def offline_minutes(
    door_to_door: DoorToDoor,
    centres: dict[str, tuple[float, float]],
    actors: dict[str, tuple[float, float]],
    today: dt.date,
) -> dict[str, Any]:
    """For each IRIS centre and each actor (lon, lat by code and by id): the minutes of the quickest
    trip at each departure when it arrives before the walk would, else None. Actors no ride serves
    from a centre are left out of its entry. Each actor's place is kept with them, so that an actor
    moved since is left out rather than given another place's minutes (``for_pack``)."""
    moments = departure_moments(today)
    ids = list(actors)
    places = [_lambert93(actors[actor_id]) for actor_id in ids]
    minutes: dict[str, dict[str, list[int | None]]] = {}
    for code, centre in centres.items():
        origin = _lambert93(centre)
        walks = door_to_door.walk(origin, places)
        within = [min(walk.minutes, MAX_TRAVEL_MIN) for walk in walks]
        rows: list[list[int | None]] = [[] for _ in ids]
        for moment in moments:
            trips = door_to_door.ride(origin, places, moment, within)
            for row, trip, walk, place in zip(rows, trips, walks, places, strict=True):
                row.append(_kept(door_to_door, origin, place, trip, walk.minutes))
        served = {actor_id: row for actor_id, row in zip(ids, rows, strict=True) if any(row)}
        if served:
            minutes[code] = served
    return {
        "calcule_le": today.isoformat(),
        "departs": [
            {"label": d.label, "week_end": d.weekend, "heure": f"{d.at:%H:%M}", "jour": f"{m:%Y-%m-%d}"}
            for d, m in zip(DEPARTURES, moments, strict=True)
        ],
        "marge_minutes": BOUND_MARGIN_MIN,
        "minutes": minutes,
        "lieux": {actor_id: _rounded(place) for actor_id, place in actors.items()},
    }


def _kept(
    door_to_door: DoorToDoor,
    origin: tuple[float, float],
    place: tuple[float, float],
    trip: Journey | None,
    walk_minutes: float,
) -> int | None:
    """The trip's minutes, when it beats the walk and the next vehicle follows within the bound."""
    if trip is None or trip.minutes >= walk_minutes or not _frequent(door_to_door, origin, place, trip):
        return None
    return trip.minutes


def _frequent(
    door_to_door: DoorToDoor, origin: tuple[float, float], place: tuple[float, float], trip: Journey
) -> bool:
    """Whether the trip leaving just too late for ``trip``'s first vehicle arrives at most
    ``BOUND_MARGIN_MIN`` after it."""
    first = trip.rides[0]
    walked = trip.legs[0].minutes if isinstance(trip.legs[0], Walk) else 0
    missed = first.departure - dt.timedelta(minutes=walked - 1)
    [after] = door_to_door.ride(origin, [place], missed, [MAX_TRAVEL_MIN])
    return after is not None and after.arrival - trip.arrival <= dt.timedelta(minutes=BOUND_MARGIN_MIN)


def write_offline(folder: Path, computed: dict[str, Any]) -> Path:
    path = folder / OFFLINE_FILE
    staged = path.with_suffix(".tmp")
    staged.write_text(json.dumps(computed, ensure_ascii=False), encoding="utf-8")
    staged.replace(path)
    return path


def read_offline(folder: Path) -> dict[str, Any] | None:
    path = folder / OFFLINE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def for_pack(kept: dict[str, Any], actors: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """What the pack carries of ``kept``: the actors still where they were (WGS84, 6 decimals)."""
    still = {
        actor_id
        for actor_id, place in kept["lieux"].items()
        if actor_id in actors and _rounded(actors[actor_id]) == place
    }
    return {
        "libelle": OFFLINE_LABEL,
        "departs": kept["departs"],
        "marge_minutes": kept["marge_minutes"],
        "calcule_le": kept["calcule_le"],
        "minutes": {
            code: {a: row for a, row in rows.items() if a in still}
            for code, rows in kept["minutes"].items()
            if any(a in still for a in rows)
        },
    }


def _lambert93(lonlat: tuple[float, float]) -> tuple[float, float]:
    x, y = to_lambert93(*lonlat)
    return float(x), float(y)


def _rounded(lonlat: tuple[float, float]) -> list[float]:
    return [round(lonlat[0], 6), round(lonlat[1], 6)]
