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
WITHOUT_A_LINK = translatable("Candidater auprès de la structure")
"""« utiliser-lien-mobilisation » when no source gives the link: what the IAE rules leave the resident
— applying to the structure itself, which may check the eligibility, or through a counsellor
(``geo.actors.kinds.IAE_ELIGIBILITY``) — never a link that does not exist."""
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
    phrases = tuple(
        WITHOUT_A_LINK if mode == "utiliser-lien-mobilisation" and not actor.lien_mobilisation else WAYS[mode]
        for mode in actor.modes_mobilisation
        if mode in WAYS
    )
    if phrases and who == {"usagers", "professionnels"}:
        return (*phrases, WITH_A_COUNSELLOR)
    return phrases
