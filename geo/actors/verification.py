"""How fresh an actor's data is, said to a volunteer; and what managers should check next (actors never
verified, verified too long ago, or not placed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from geo.actors.model import Actor
from geo.actors.quality import Quality, quality
from geo.dates import months_before

DEFAULT_MONTHS = 6
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True)
class Freshness:
    """Whether a volunteer can trust an actor's data as it is, in words read at a glance."""

    label: str
    call_first: bool
    """True unless a manager verified the actor within its verification period."""


def freshness(actor: Actor, today: dt.date, months: int = DEFAULT_MONTHS) -> Freshness:
    """« Vérifié le 12/03/2026 », or « Infos de juillet 2019, jamais vérifiées : appeler avant d’y
    aller » — the source's date and the verification, never more than they say."""
    if actor.date_verification is not None:
        every = actor.frequence_verification or months
        if actor.date_verification >= _due_before(today, every):
            return Freshness(f"Vérifié le {actor.date_verification:%d/%m/%Y}", False)
        return Freshness(
            f"Vérifié en {_month(actor.date_verification)}, il y a plus de {every} mois : "
            "appeler avant d’y aller",
            True,
        )
    return Freshness(
        f"Infos {_of_source(actor.date_source)}, jamais vérifiées : appeler avant d’y aller", True
    )


def _due_before(today: dt.date, months: int) -> dt.date:
    """A verification older than this is due again."""
    return months_before(today, months)


def _of_source(date_source: str) -> str:
    parts = date_source.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = MONTHS[int(parts[1]) - 1]
        return f"{'d’' if month[0] in 'aeiouo' else 'de '}{month} {parts[0]}"
    return f"de {parts[0]}" if parts[0] else "sans date"


def _month(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class ToVerify:
    actor: Actor
    reasons: tuple[str, ...]
    quality: Quality
    shown: int = 0
    """Times the actor was shown in volunteers' results."""


def verification_queue(
    actors: Iterable[Actor],
    today: dt.date,
    months: int = DEFAULT_MONTHS,
    shown: Mapping[str, int] | None = None,
) -> list[ToVerify]:
    """Open actors needing a check: first those volunteers meet most (``shown``: times in results),
    then the oldest data (the last verification, else the source's date), then the weakest by
    data·inclusion's quality score.

    An actor's own ``frequence_verification`` (months) overrides ``months``.
    """
    shown = shown or {}
    queue = []
    for actor in actors:
        if actor.statut == "ferme":
            continue
        every = actor.frequence_verification or months
        limit = _due_before(today, every)
        reasons = []
        if actor.date_verification is None:
            reasons.append("jamais vérifié")
        elif actor.date_verification < limit:
            reasons.append(f"vérifié le {actor.date_verification:%d/%m/%Y}, il y a plus de {every} mois")
        if actor.location is None:
            reasons.append("pas placé sur la carte")
        if reasons:
            queue.append(ToVerify(actor, tuple(reasons), quality(actor), shown.get(actor.id, 0)))
    return sorted(
        queue, key=lambda item: (-item.shown, _data_date(item.actor), item.quality.score, item.actor.id)
    )


def _data_date(actor: Actor) -> str:
    """How old the data is, as a sortable text: the last verification, else the source's (partial) date."""
    return actor.date_verification.isoformat() if actor.date_verification else actor.date_source
