"""The name a resident will look for: the source's name, unless a national rule renamed the body.

The record keeps the source's name (``Actor.nom``, its history too); pages, fiches and the API's
``nom_actuel`` show ``shown_name``, with the rule cited where the actor is described.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.actors.model import Actor
from geo.text import fold


@dataclass(frozen=True)
class Renaming:
    old: str
    new: str
    rule: str
    kinds: tuple[str, ...]


RENAMINGS = (
    Renaming(
        "Pôle emploi",
        "France Travail",
        "Pôle emploi est devenu France Travail le 1er janvier 2024 (loi n° 2023-1196 du 18 décembre 2023 "
        "pour le plein emploi)",
        ("france_travail_agence",),
    ),
)


def renaming_of(actor: Actor) -> Renaming | None:
    """The rule that renamed the body ``actor``'s source names, if any."""
    return next(
        (r for r in RENAMINGS if actor.kind in r.kinds and fold(actor.nom).startswith(fold(r.old))), None
    )


def shown_name(actor: Actor) -> str:
    """« France Travail Clichy-sous-Bois (agence locale) » for the source's « Pôle emploi Clichy-sous-Bois
    (agence locale) »; the source's name otherwise."""
    renaming = renaming_of(actor)
    return renaming.new + actor.nom[len(renaming.old) :] if renaming else actor.nom
