"""The hours grid of the back office: its inputs read into a ``Week``, the ``Week`` shown back, and the
words a volunteer will read — the same for the actor form and the call sheet.

Inputs, per day d (0 = Monday) and range r (0, 1): ``grille-d-r-de`` and ``grille-d-r-a`` (HH:MM);
``grille-rdv``, ``grille-feries``; ``grille-fermeture-du`` and ``-au`` (AAAA-MM-JJ); and
``horaires_saisie``: ``grille`` (the grid writes the value) or ``expert`` (the OSM field is typed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.actors.week_grid import SPANS_PER_DAY, Week, to_opening_hours, week_of, week_problems
from geo.search.hours import WEEKDAYS, opening_status

GRID, EXPERT = "grille", "expert"
BEYOND_THE_GRID = (
    "Ces horaires ne tiennent pas dans la grille (plus de deux plages par jour, passé minuit, "
    "plusieurs fermetures…) : ils se modifient dans le champ au format OpenStreetMap ci-dessous."
)


@dataclass(frozen=True)
class GridView:
    """What the grid shows: its mode, each day's ranges as « HH:MM » texts, the options."""

    mode: str
    days: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...]
    by_appointment: bool
    holidays_closed: bool
    closed_from: str
    closed_until: str
    beyond: bool
    """The value cannot be shown in the grid: the expert field holds it."""


def week_from_form(form: Mapping[str, Any]) -> tuple[Week | None, list[str]]:
    """The grid's inputs as a Week, or the problems that stop it (in a manager's words)."""
    problems: list[str] = []
    days = []
    for day, name in enumerate(WEEKDAYS):
        spans = []
        for span in range(SPANS_PER_DAY):
            start, end = (_time(form.get(f"grille-{day}-{span}-{side}")) for side in ("de", "a"))
            if start is _UNREADABLE or end is _UNREADABLE:
                problems.append(f"{name} : heure illisible (HH:MM)")
            elif isinstance(start, dt.time) and isinstance(end, dt.time):
                spans.append((start, end))
            elif start is not None or end is not None:
                problems.append(f"{name} : donnez le début et la fin de la plage")
        days.append(tuple(spans))
    read = [_date(form.get(f"grille-fermeture-{side}")) for side in ("du", "au")]
    if _UNREADABLE in read:
        problems.append("fermeture exceptionnelle : date illisible (AAAA-MM-JJ)")
    period = [day if isinstance(day, dt.date) else None for day in read]
    week = Week(
        tuple(days),
        by_appointment=bool(form.get("grille-rdv")),
        holidays_closed=bool(form.get("grille-feries")),
        closed_from=period[0],
        closed_until=period[1],
    )
    for where, said in week_problems(week):
        problems.append(said if where is None else f"{WEEKDAYS[where]} : {said}")
    return (None if problems else week), problems


def written_hours(form: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The OSM value the form gives: the grid's when it is in grid mode (None: the typed field's)."""
    if form.get("horaires_saisie") != GRID:
        return None, []
    week, problems = week_from_form(form)
    return (to_opening_hours(week) if week else None), problems


def grid_view(hours: str, today: dt.date, form: Mapping[str, Any] | None = None) -> GridView:
    """The grid for ``hours``; after a refused post, the manager's own inputs again."""
    if form is not None and form.get("horaires_saisie") in (GRID, EXPERT):
        days = tuple(
            (
                day,
                name,
                tuple(
                    (str(form.get(f"grille-{day}-{s}-de") or ""), str(form.get(f"grille-{day}-{s}-a") or ""))
                    for s in range(SPANS_PER_DAY)
                ),
            )
            for day, name in enumerate(WEEKDAYS)
        )
        return GridView(
            str(form.get("horaires_saisie")),
            days,
            bool(form.get("grille-rdv")),
            bool(form.get("grille-feries")),
            str(form.get("grille-fermeture-du") or ""),
            str(form.get("grille-fermeture-au") or ""),
            week_of(hours, today) is None,
        )
    week = week_of(hours, today)
    shown = week or Week()
    days = tuple(
        (
            day,
            name,
            tuple(
                (f"{spans[s][0]:%H:%M}", f"{spans[s][1]:%H:%M}") if s < len(spans) else ("", "")
                for s in range(SPANS_PER_DAY)
            ),
        )
        for (day, name), spans in zip(enumerate(WEEKDAYS), shown.days, strict=True)
    )
    return GridView(
        GRID if week is not None else EXPERT,
        days,
        shown.by_appointment,
        shown.holidays_closed,
        shown.closed_from.isoformat() if shown.closed_from else "",
        shown.closed_until.isoformat() if shown.closed_until else "",
        week is None,
    )


def grid_context(hours: str, form: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a page holding the grid needs: the grid, the words, why a value is beyond it."""
    return {
        "grid": grid_view(hours, dt.date.today(), form),
        "hours_said": words(hours),
        "beyond": BEYOND_THE_GRID,
    }


def words(hours: str) -> dict[str, Any]:
    """The hours as a volunteer will read them: today's status (the card's), the next seven days
    (the actor page's and the fiche's), and « sur rendez-vous »."""
    from webmap.volunteer.fiche import week_words

    week = week_of(hours, dt.date.today())
    return {
        "valeur": hours,
        "statut": opening_status(hours).label,
        "jours": week_words(hours),
        "rendez_vous": bool(week and week.by_appointment),
        "grille": week is not None,
    }


_UNREADABLE = "illisible"


def _time(text: Any) -> dt.time | str | None:
    """A « HH:MM » input: the time, None when empty, ``_UNREADABLE``."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text[:5])
    except ValueError:
        return _UNREADABLE


def _date(text: Any) -> dt.date | str | None:
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return _UNREADABLE
