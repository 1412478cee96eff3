"""How a resident gets in to an actor, in the words a volunteer says at the door.

From data·inclusion's ``modes_mobilisation`` (how) and ``mobilisable_par`` (who makes the first move),
as a source or a national rule states them (``geo.actors.kinds``); nothing when none does — a card says
nothing rather than « non renseigné ». The phrases are French, marked for the fiche's translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from geo.actors.model import Actor
from geo.text import translatable

WAYS: Mapping[str, str] = MappingProxyType(
    {
        "se-presenter": translatable("Y aller sans rendez-vous"),
        "telephoner": translatable("Appeler d’abord"),
        "envoyer-un-courriel": translatable("Écrire d’abord un courriel"),
        "utiliser-lien-mobilisation": translatable("Candidater en ligne"),
    }
)
"""Each ``modes_mobilisation`` value as something to do."""
THROUGH_A_COUNSELLOR = translatable("Passer par un conseiller (France Travail, Mission locale…)")
"""When only professionals can make the first move (``mobilisable_par`` = professionnels)."""
WITH_A_COUNSELLOR = translatable("seul ou avec un conseiller")
"""Added when the resident or a professional may make the first move."""


def ways_in(actor: Actor) -> tuple[str, ...]:
    """The phrases, in order, to say how to get in: « Y aller sans rendez-vous »; « Candidater en
    ligne », « seul ou avec un conseiller »; « Passer par un conseiller (…) »; () when no source says.
    The page joins them (and translates each)."""
    who = set(actor.mobilisable_par)
    if who == {"professionnels"}:
        return (THROUGH_A_COUNSELLOR,)
    phrases = tuple(WAYS[mode] for mode in actor.modes_mobilisation if mode in WAYS)
    if phrases and who == {"usagers", "professionnels"}:
        return (*phrases, WITH_A_COUNSELLOR)
    return phrases
