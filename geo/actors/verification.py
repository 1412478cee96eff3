"""What managers should check next: actors never verified, verified too long ago, or not placed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.actors.model import Actor

DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class ToVerify:
    actor: Actor
    reasons: tuple[str, ...]


def verification_queue(actors: Iterable[Actor], today: dt.date,
                       months: int = DEFAULT_MONTHS) -> list[ToVerify]:
    """Open actors needing a check, the most urgent first (never verified, then oldest).

    An actor's own ``frequence_verification`` (months) overrides ``months``.
    """
    queue = []
    for actor in actors:
        if actor.statut == "ferme":
            continue
        every = actor.frequence_verification or months
        limit = today - dt.timedelta(days=round(every * 30.44))
        reasons = []
        if actor.date_verification is None:
            reasons.append("jamais vérifié")
        elif actor.date_verification < limit:
            reasons.append(f"vérifié le {actor.date_verification:%d/%m/%Y}, il y a plus de {every} mois")
        if actor.location is None:
            reasons.append("pas placé sur la carte")
        if reasons:
            queue.append(ToVerify(actor, tuple(reasons)))
    return sorted(queue, key=lambda item: (item.actor.date_verification or dt.date.min, item.actor.id))
