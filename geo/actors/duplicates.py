"""Probable duplicates: the same place under two records, caught before it is saved."""

from __future__ import annotations

import math
from collections.abc import Iterable
from urllib.parse import urlsplit

from geo.actors.model import Actor
from geo.projection import metres_between
from geo.text import fold

NEAR_M = 150.0


def probable_duplicates(candidate: Actor, actors: Iterable[Actor]) -> list[tuple[Actor, str]]:
    """Other actors that look like ``candidate``, each with the reason, in French."""
    found = []
    for other in actors:
        if other.id == candidate.id:
            continue
        if candidate.telephone and other.telephone == candidate.telephone:
            found.append((other, "même téléphone"))
        elif candidate.site_web and _site(other.site_web) == _site(candidate.site_web):
            found.append((other, "même site web"))
        elif fold(other.nom) == fold(candidate.nom) and _metres(candidate, other) <= NEAR_M:
            found.append((other, f"même nom à moins de {NEAR_M:.0f} m"))
    return found


def _site(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    return (parts.netloc.removeprefix("www.") + parts.path.rstrip("/")) if url else ""


def _metres(a: Actor, b: Actor) -> float:
    if a.location is None or b.location is None:
        return 0.0 if a.commune and fold(a.commune) == fold(b.commune) else math.inf
    return metres_between((a.location.lon, a.location.lat), (b.location.lon, b.location.lat))
