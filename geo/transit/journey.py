"""A door-to-door trip by public transport, as the volunteer says it: lines, changes, stops, times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo.text import translatable

MODES = {
    0: translatable("tram"),
    1: translatable("métro"),
    2: translatable("train"),
    3: translatable("bus"),
    4: translatable("bateau"),
    5: translatable("tramway à câble"),
    6: translatable("téléphérique"),
    7: translatable("funiculaire"),
    11: translatable("trolleybus"),
    12: translatable("monorail"),
}
"""GTFS ``route_type`` (GTFS Schedule reference, routes.txt) → how the line is said. The extended
types (Google's « Extended GTFS Route Types ») are read by their hundreds in ``mode_of``."""
EXTENDED_MODES = {
    1: translatable("train"),
    2: translatable("train"),
    3: translatable("car"),
    4: translatable("métro"),
    7: translatable("bus"),
    8: translatable("bus"),
    9: translatable("tram"),
    10: translatable("bus"),
}
"""Extended route types by hundreds: 100–199 railway, 200 coach, 400 urban railway, 700 bus, 800
trolleybus, 900 tram, 1000 water… (only those met in French feeds)."""


def mode_of(route_type: int) -> str:
    if route_type in MODES:
        return MODES[route_type]
    return EXTENDED_MODES.get(route_type // 100, translatable("ligne"))


@dataclass(frozen=True)
class Walk:
    """On foot: from the door to a stop, between two stops, or from a stop to the door."""

    minutes: int
    to: str
    """Where the walk ends: a stop's name, or « » for the destination."""


@dataclass(frozen=True)
class Ride:
    line: str
    """The line's short name as the feed gives it (« 122 », « T1 »), else its long name."""
    mode: str
    board: str
    alight: str
    stops: int
    """Stops travelled (the stop where one gets off counts, the one where one gets on does not)."""
    departure: dt.datetime
    arrival: dt.datetime
    board_stop: str = ""
    """The feed's ``stop_id`` where one gets on: what the fiche carries to word the trip again, never
    the door."""


@dataclass(frozen=True)
class Journey:
    """From the door at ``departure`` to the door at ``arrival`` (Europe/Paris)."""

    departure: dt.datetime
    arrival: dt.datetime
    legs: tuple[Walk | Ride, ...]

    @property
    def minutes(self) -> int:
        return round((self.arrival - self.departure).total_seconds() / 60)

    @property
    def rides(self) -> list[Ride]:
        return [leg for leg in self.legs if isinstance(leg, Ride)]

    @property
    def changes(self) -> int:
        return max(0, len(self.rides) - 1)

    @property
    def label(self) -> str:
        """« 14 min en bus (ligne F1) », « 26 min en bus F1 puis tram FT, 1 changement »."""
        rides = self.rides
        if len(rides) == 1:
            return f"{self.minutes} min en {rides[0].mode} (ligne {rides[0].line})"
        lines = " puis ".join(f"{ride.mode} {ride.line}" for ride in rides)
        changes = f"{self.changes} changement{'s' if self.changes > 1 else ''}"
        return f"{self.minutes} min en {lines}, {changes}"

    @property
    def words(self) -> str:
        """The trip step by step, as the resident follows it on the fiche."""
        steps = []
        for leg in self.legs:
            if isinstance(leg, Walk):
                where = f"jusqu’à l’arrêt {leg.to}" if leg.to else "jusqu’à la destination"
                steps.append(f"{leg.minutes} min à pied {where}")
            else:
                stops = f"{leg.stops} arrêt{'s' if leg.stops > 1 else ''}"
                steps.append(
                    f"{leg.mode.capitalize()} {leg.line} à {leg.departure:%H:%M} à l’arrêt {leg.board}, "
                    f"{stops}, descendre à {leg.alight} ({leg.arrival:%H:%M})"
                )
        return " ; ".join(steps) + f". Arrivée à {self.arrival:%H:%M}."


def arrival_words(journey: Journey, hours: str) -> str:
    """« arrivée à 08:24, avant la fermeture (12:00) », « …, avant l’ouverture (09:00) » the same day,
    from the actor's opening hours at the arrival."""
    from geo.search.hours import status_at_minute

    status = status_at_minute(hours, journey.arrival.replace(second=0, microsecond=0))
    arrival = f"arrivée à {journey.arrival:%H:%M}"
    if status.open is True:
        closes = status.next_change
        return (
            f"{arrival}, avant la fermeture ({closes:%H:%M})" if closes else f"{arrival}, pendant l’ouverture"
        )
    if status.open is False:
        opens = status.next_change
        if opens is not None and opens.date() == journey.arrival.date():
            return f"{arrival}, avant l’ouverture ({opens:%H:%M})"
        return f"{arrival} : fermé à cette heure-là"
    return arrival
