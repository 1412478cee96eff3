"""Verifying an actor by phone: the facts a manager confirms on the call, what to ask for each, and
what the answers make of the actor.

Each fact is « confirmé », « changé » (the new value given) or « inconnu » (the person called could not
say: the value stays as its source states it, and the history says it was not confirmed). Whether the
actor still receives the public is asked first: only « oui » makes it ``actif`` and dates the
verification; « non » retires it (``ferme``); not knowing changes neither.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from geo.actors.model import Actor

CONFIRMED, CHANGED, UNKNOWN = "confirme", "change", "inconnu"
ANSWERS = {CONFIRMED: "confirmé", CHANGED: "changé", UNKNOWN: "inconnu"}
OPEN, CLOSED = "oui", "non"
STILL_OPEN = {OPEN: "oui", CLOSED: "non, fermé pour de bon", UNKNOWN: "ne sait pas"}
BY_PHONE = "vérifié par téléphone"
"""How the history names the change a call sheet saves."""
GREETING = (
    "Bonjour, j’appelle de la part de l’association : nos bénévoles orientent des habitants qui "
    "cherchent un emploi ou une formation vers vous. Puis-je vérifier avec vous quelques "
    "informations ? Cela prend deux minutes."
)


@dataclass(frozen=True)
class Fact:
    slug: str
    label: str
    question: str
    fields: tuple[str, ...]


FACTS = (
    Fact(
        "adresse",
        "Adresse",
        "Vous recevez toujours le public à cette adresse ?",
        ("adresse", "complement_adresse", "code_postal", "code_insee", "commune"),
    ),
    Fact(
        "telephone",
        "Téléphone",
        "Ce numéro est-il le bon pour un habitant qui vous appelle ?",
        ("telephone",),
    ),
    Fact(
        "horaires",
        "Horaires",
        "Quels jours et à quelles heures recevez-vous le public ?",
        ("horaires_accueil",),
    ),
    Fact(
        "acces",
        "Comment y aller",
        "Un habitant peut-il venir sans rendez-vous, doit-il appeler d’abord, ou passer par un conseiller ?",
        ("modes_mobilisation", "mobilisable_par", "lien_mobilisation"),
    ),
    Fact(
        "publics",
        "Qui est reçu",
        "Qui recevez-vous : tout le monde, ou certains publics (jeunes, bénéficiaires du RSA…) ? Un âge ?",
        ("publics", "age_min", "age_max"),
    ),
)
FACTS_BY_SLUG = {fact.slug: fact for fact in FACTS}


@dataclass(frozen=True)
class CallOutcome:
    actor: Actor
    note: str
    """What the history says of the call: « vérifié par téléphone ; non confirmé : horaires »."""


def after_the_call(
    actor: Actor, changed: Actor, answers: Mapping[str, str], still_open: str, today: dt.date
) -> CallOutcome:
    """The actor after the call: the fields of the facts answered « changé » from ``changed`` (the
    form's actor), the others as they were; statut and verification date by ``still_open``."""
    values = {
        name: getattr(changed, name)
        for fact in FACTS
        if answers.get(fact.slug) == CHANGED
        for name in fact.fields
    }
    if still_open == OPEN:
        values |= {"statut": "actif", "date_verification": today}
    elif still_open == CLOSED:
        values |= {"statut": "ferme", "date_verification": today}
    unconfirmed = [fact.label.lower() for fact in FACTS if answers.get(fact.slug, UNKNOWN) == UNKNOWN]
    note = BY_PHONE if still_open in (OPEN, CLOSED) else "appel : ouverture non confirmée"
    if unconfirmed:
        note += f" ; non confirmé : {', '.join(unconfirmed)}"
    return CallOutcome(dataclasses.replace(actor, **values), note)
