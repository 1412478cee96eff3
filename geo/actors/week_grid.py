"""Opening hours as a manager fills them in: a week grid, written to and read from OSM ``opening_hours``.

Each day is closed or open during one or two time ranges; the hours may be « sur rendez-vous »; the
actor may close on public holidays and for one period (« fermé du 24 décembre au 2 janvier »). The
grid writes the OSM value (``to_opening_hours``); it reads one back (``week_of``) by asking the
opening-hours library when the actor is open over the coming year, then keeps the grid only if
writing it again means exactly the same — otherwise the value is beyond the grid, and the back office
offers its expert field. Nothing here parses the syntax by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import opening_hours

from geo.search.hours import PARIS, parsed_hours

Span = tuple[dt.time, dt.time]
"""An opening within a day, from … to (the end after the start, both the same day)."""
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
SPANS_PER_DAY = 2
APPOINTMENT = "sur rendez-vous"
"""The comment the grid writes, and reads, for hours by appointment only."""
_Openings = tuple[tuple[dt.time, dt.time, str], ...]
"""A day's openings as the library gives them: (from, to, comment)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CHECKED_DAYS = 2 * 366 + 7
"""How far ahead a value read back must mean the same as the grid rewritten: two years and a week,
so that a yearly closure (« Aug off ») is not taken for one period."""


@dataclass(frozen=True)
class Week:
    """The week grid. No span on any day and no period: the hours are unknown (an empty value)."""

    days: tuple[tuple[Span, ...], ...] = ((),) * 7
    by_appointment: bool = False
    holidays_closed: bool = False
    closed_from: dt.date | None = None
    closed_until: dt.date | None = None

    @property
    def known(self) -> bool:
        return any(self.days)


def week_problems(week: Week) -> list[tuple[int | None, str]]:
    """What is wrong with a grid, in a manager's words: (day 0–6, or None for the whole week, message)."""
    problems: list[tuple[int | None, str]] = []
    for day, spans in enumerate(week.days):
        if len(spans) > SPANS_PER_DAY:
            problems.append((day, f"{SPANS_PER_DAY} plages au plus"))
        for start, end in spans:
            if end <= start:
                problems.append((day, f"{start:%H:%M}–{end:%H:%M} : la fin doit suivre le début"))
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end:
                problems.append((day, "les deux plages se chevauchent"))
    if (week.closed_from is None) != (week.closed_until is None):
        problems.append((None, "la fermeture exceptionnelle demande une date de début et une date de fin"))
    elif week.closed_from and week.closed_until and week.closed_until < week.closed_from:
        problems.append((None, "la fermeture exceptionnelle finit avant de commencer"))
    return problems


def to_opening_hours(week: Week) -> str:
    """The OSM value: days with the same ranges together (« Mo-Fr 09:00-12:00,14:00-17:00 »), then
    « PH off » and the period closed; "" when the hours are unknown."""
    if not week.known:
        return ""
    rules = []
    for spans in dict.fromkeys(spans for spans in week.days if spans):
        days = [day for day, same in enumerate(week.days) if same == spans]
        times = ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spans)
        comment = f' "{APPOINTMENT}"' if week.by_appointment else ""
        rules.append(f"{_day_selector(days)} {times}{comment}")
    if week.holidays_closed:
        rules.append("PH off")
    if week.closed_from and week.closed_until:
        rules.append(f"{_date(week.closed_from)}-{_date(week.closed_until)} off")
    return "; ".join(rules)


def week_of(hours: str, today: dt.date) -> Week | None:
    """The grid that writes ``hours`` (as far as it means anything from ``today`` on); None when no
    grid does — more than two ranges a day, a time past midnight, other comments, unknown spans,
    several closed periods — or when the library cannot read it."""
    if not hours.strip():
        return Week()
    parsed = parsed_hours(hours)
    if parsed is None:
        return None
    monday = today - dt.timedelta(days=today.weekday())
    days = _days(parsed, monday)
    if days is None:
        return None
    holidays = _holidays(monday)
    usual = tuple(
        _most_common([s for date, s in days.items() if date.weekday() == weekday and date not in holidays])
        for weekday in range(7)
    )
    comments = {comment for spans in days.values() for _, _, comment in spans}
    if not comments <= {"", APPOINTMENT} or len(comments) > 1:
        return None
    closed = sorted(
        date for date, spans in days.items() if date not in holidays and spans != usual[date.weekday()]
    )
    if any(days[date] for date in closed):
        return None  # opens otherwise than usual on some day: not a closure
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    if closed:
        period = (
            _reach(closed[0], -1, days, usual, holidays),
            _reach(closed[-1], 1, days, usual, holidays),
        )
    week = Week(
        days=tuple(tuple((start, end) for start, end, _ in spans) for spans in usual),
        by_appointment=comments == {APPOINTMENT},
        holidays_closed=any(
            usual[date.weekday()] and not days[date]
            for date in holidays
            if not (period[0] and period[1] and period[0] <= date <= period[1])
        ),
        closed_from=period[0],
        closed_until=period[1],
    )
    if week_problems(week) or _days(parsed_hours(to_opening_hours(week)), monday) != days:
        return None
    return week


def _days(parsed: opening_hours.OpeningHours | None, monday: dt.date) -> dict[dt.date, _Openings] | None:
    """Each day of the checked window with its openings (from, to, comment); None when a state is
    unknown or an opening runs past midnight."""
    if parsed is None:
        return None
    start = dt.datetime.combine(monday, dt.time(0, 0), PARIS)
    end = start + dt.timedelta(days=_CHECKED_DAYS)
    found: dict[dt.date, list[tuple[dt.time, dt.time, str]]] = {
        monday + dt.timedelta(days=n): [] for n in range(_CHECKED_DAYS)
    }
    for begin, finish, state, comments in parsed.intervals(start, end):
        if state == opening_hours.State.UNKNOWN:
            return None
        if state != opening_hours.State.OPEN:
            continue
        begin, finish = begin.astimezone(PARIS), min(finish, end).astimezone(PARIS)
        if finish.date() != begin.date():
            return None  # past midnight: a grid's day ends before
        comment = comments if isinstance(comments, str) else "; ".join(comments or ())
        found[begin.date()].append((begin.time(), finish.time(), comment))
    return {date: tuple(spans) for date, spans in found.items()}


def _reach(
    end: dt.date,
    step: int,
    days: dict[dt.date, _Openings],
    usual: tuple[_Openings, ...],
    holidays: set[dt.date],
) -> dt.date:
    """How far a closed period ending at ``end`` reaches in the ``step`` direction: to the farthest
    closed holiday beyond it through days closed anyway (« fermé du 5 au 25 décembre » closes
    Christmas too, whether or not the actor closes on holidays)."""
    reached, day = end, end + dt.timedelta(days=step)
    while day in days and not days[day] and (day in holidays or not usual[day.weekday()]):
        if day in holidays:
            reached = day
        day += dt.timedelta(days=step)
    return reached


def _holidays(monday: dt.date) -> set[dt.date]:
    """French public holidays in the checked window, as the library knows them."""
    days = _days(parsed_hours("PH 12:00-13:00"), monday) or {}
    return {date for date, spans in days.items() if spans}


def _most_common(patterns: Sequence[_Openings]) -> _Openings:
    return Counter(patterns).most_common(1)[0][0] if patterns else ()


def _day_selector(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        OSM_DAYS[run[0]] if len(run) == 1 else f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}" for run in runs
    )


def _date(day: dt.date) -> str:
    return f"{day.year} {_MONTHS[day.month - 1]} {day.day:02d}"
