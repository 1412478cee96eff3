"""Opening hours (OSM ``opening_hours`` syntax) read by the maintained ``opening-hours-py`` library.

All times are in Europe/Paris; French public holidays are known, so ``PH off`` closes on 11 November.
Answers are phrased for a volunteer at the door: « Ouvert jusqu’à 12:00 », « Fermé — ouvre demain à
09:00 », « Horaires inconnus ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours

PARIS = ZoneInfo("Europe/Paris")
DAY_PARTS = {
    "matin": (dt.time(8, 0), dt.time(12, 30)),
    "apres-midi": (dt.time(13, 30), dt.time(19, 0)),
    "journee": (dt.time(8, 0), dt.time(19, 0)),
}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
LOOKAHEAD_DAYS = 14
"""« Fermé — ouvre … » names an opening this far ahead at most."""
NO_CHANGE_DAYS = 364
"""A change further away than this is none (« 24/7 », closed for good)."""
_LOOKAHEAD = dt.timedelta(days=LOOKAHEAD_DAYS)


@dataclass(frozen=True)
class OpeningStatus:
    """Whether an actor is open at a moment, and when that changes. ``open`` is None when unknown."""

    open: bool | None
    next_change: dt.datetime | None
    label: str


def opening_status(hours: str, at: dt.datetime | None = None) -> OpeningStatus:
    """Open now? Next opening or closing? Never raises: unreadable hours are « Horaires inconnus ».

    Answers are to the minute, and cached as such: a result page asks the same few actors again.
    """
    return status_at_minute(hours, paris_minute(at))


def paris_minute(at: dt.datetime | None = None) -> dt.datetime:
    """``at`` in Paris time, to the minute: the moment ``status_at_minute`` expects."""
    return paris_time(at).replace(second=0, microsecond=0)


@lru_cache(maxsize=8192)
def status_at_minute(hours: str, moment: dt.datetime) -> OpeningStatus:
    """``opening_status`` for a moment already given by ``paris_minute`` (for loops over actors)."""
    parsed = parsed_hours(hours)
    if parsed is None:
        return OpeningStatus(None, None, "Horaires inconnus")
    state, _ = parsed.state(moment)
    change = parsed.next_change(moment)
    if change is not None and change - moment > dt.timedelta(days=NO_CHANGE_DAYS):
        change = None  # « 24/7 », or closed for good: no meaningful next change.
    if state == opening_hours.State.OPEN:
        label = "Ouvert" if change is None else f"Ouvert jusqu’{_when(change, moment)}"
        return OpeningStatus(True, change, label)
    opens = _next_opening(parsed, moment)
    if state == opening_hours.State.CLOSED:
        if opens is None:
            return OpeningStatus(False, None, "Fermé")
        return OpeningStatus(False, opens, f"Fermé — ouvre {_when(opens, moment)}")
    return OpeningStatus(None, opens, "Horaires inconnus")


def week_ahead(
    hours: str,
    at: dt.datetime | None = None,
) -> list[tuple[dt.date, list[tuple[dt.datetime, dt.datetime]]]]:
    """The next seven days from ``at`` with their opening spans in Paris time (none on a closed day,
    holidays included), for pages to phrase in their own language (the actor page and the fiche share
    ``webmap.volunteer.fiche.week``); empty when the hours are unknown."""
    parsed = parsed_hours(hours)
    if parsed is None:
        return []
    today = paris_time(at).date()
    week = []
    for offset in range(7):
        day = today + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time(0, 0), PARIS)
        spans = [
            (max(begin, start), end)
            for begin, end, state, _ in parsed.intervals(start, start + dt.timedelta(days=1))
            if state == opening_hours.State.OPEN
        ]
        week.append((day, spans))
    return week


def open_spans(
    hours: str, start: dt.datetime, days: int, state: opening_hours.State = opening_hours.State.OPEN
) -> list[list[int]] | None:
    """When the actor is open (or, with ``state``, in that state) over ``days`` days from ``start``,
    holidays included, as [[from, to], …] in minutes elapsed since ``start``: the field pack's form of
    the hours, one span per interval of the library (a change of comment starts a new one, as
    ``next_change`` says). None when the hours are unknown."""
    parsed = parsed_hours(hours)
    if parsed is None:
        return None
    end = later(start, dt.timedelta(days=days))
    return [
        [_minutes_after(begin, start), _minutes_after(min(finish, end), start)]
        for begin, finish, found, _ in parsed.intervals(start, end)
        if found == state
    ]


def _minutes_after(moment: dt.datetime, start: dt.datetime) -> int:
    """Minutes elapsed (not wall-clock: the clocks change twice a year) from ``start`` to ``moment``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    utc = dt.UTC
    return round((moment.astimezone(utc) - start.astimezone(utc)).total_seconds() / 60)


def is_open_during(
    hours: str, weekday: int, part: str = "journee", after: dt.datetime | None = None
) -> bool | None:
    """Open at some point on the next ``weekday`` (0 = Monday) during ``part`` of the day?

    None when the hours are unknown, so that a filter can keep the actor with a warning.
    """
    parsed = parsed_hours(hours)
    if parsed is None:
        return None
    start_time, end_time = DAY_PARTS[part]
    moment = paris_time(after)
    day = moment.date() + dt.timedelta(days=(weekday - moment.weekday()) % 7)
    start = dt.datetime.combine(day, start_time, PARIS)
    end = dt.datetime.combine(day, end_time, PARIS)
    return any(state == opening_hours.State.OPEN for _, _, state, _ in parsed.intervals(start, end))


def _next_opening(parsed: opening_hours.OpeningHours, moment: dt.datetime) -> dt.datetime | None:
    """Start of the next open interval within two weeks (a change may lead to « unknown »)."""
    for start, _, state, _ in parsed.intervals(moment, later(moment, _LOOKAHEAD)):
        if state == opening_hours.State.OPEN:
            return max(start, moment)
    return None


def later(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``delta`` of elapsed time after ``moment``, in Paris time. Adding to an aware time adds wall-clock
    time, which may land in the hour that does not exist when clocks go forward (« 2:30 » on the last
    Sunday of March); elapsed time never does."""
    return (moment.astimezone(dt.UTC) + delta).astimezone(PARIS)


def paris_time(at: dt.datetime | None = None) -> dt.datetime:
    """``at`` (now when None; naive means Paris wall-clock time) as an aware Europe/Paris time."""
    if at is None:
        return dt.datetime.now(PARIS)
    if at.tzinfo is None:
        return at.replace(tzinfo=PARIS)
    return at.astimezone(PARIS)


@lru_cache(maxsize=4096)
def parsed_hours(hours: str) -> opening_hours.OpeningHours | None:
    """The hours as the library reads them (Paris time, French holidays); None when unreadable."""
    if not hours or not isinstance(hours, str):
        return None
    try:
        return opening_hours.OpeningHours(hours, timezone=PARIS, country="FR")
    except (opening_hours.ParserError, SyntaxError, ValueError):  # type: ignore[attr-defined]  # not in its stubs
        return None


def _when(change: dt.datetime, moment: dt.datetime) -> str:
    change = change.astimezone(PARIS)
    clock = change.strftime("%H:%M")
    days = (change.date() - moment.date()).days
    if days == 0:
        return f"à {clock}"
    if days == 1:
        return f"demain à {clock}"
    if days < 7:
        return f"{WEEKDAYS[change.weekday()]} à {clock}"
    return f"le {change.day:02d}/{change.month:02d} à {clock}"
