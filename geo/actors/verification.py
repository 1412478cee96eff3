"""What managers should check next: actors never verified, verified too long ago, or not placed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.actors.model import Actor
from geo.actors.quality import Quality, quality

DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class ToVerify:
    actor: Actor
    reasons: tuple[str, ...]
    quality: Quality


def verification_queue(actors: Iterable[Actor], today: dt.date,
                       months: int = DEFAULT_MONTHS) -> list[ToVerify]:
    """Open actors needing a check, the weakest first by data·inclusion's quality score, then the
    never verified, then the longest unverified.

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
            queue.append(ToVerify(actor, tuple(reasons), quality(actor)))
    return sorted(queue, key=lambda item: (item.quality.score, item.actor.date_verification or dt.date.min,
                                           item.actor.id))
