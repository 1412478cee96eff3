"""Actors and results as the pages, the maps and the API show them: one shape for all."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import phonenumbers
from flask import current_app, url_for

from geo.actors.kinds import FAMILIES, KINDS
from geo.actors.model import Actor
from geo.actors.verification import Freshness, freshness
from geo.actors.vocabularies import MODES_MOBILISATION
from geo.text import translatable

if TYPE_CHECKING:
    from geo.search.nearest import NearestResult, Origin


def phone_label(phone: str) -> str:
    """« 01 48 69 36 70 » for +33148693670; the raw value when it cannot be read."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, "FR")
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def address_line(actor: Actor) -> str:
    street = ", ".join(part for part in (actor.adresse, actor.complement_adresse) if part)
    town = " ".join(part for part in (actor.code_postal, actor.commune) if part)
    return " – ".join(part for part in (street, town) if part)


def distance_label(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km".replace(".", ",")


WHO_LABELS = {
    "usagers": translatable("le résident lui-même"),
    "professionnels": translatable("un professionnel"),
}
ACCESS_WAYS = {
    "se-presenter": translatable("se présenter"),
    "telephoner": translatable("téléphoner"),
    "envoyer-un-courriel": translatable("envoyer un courriel"),
    "utiliser-lien-mobilisation": translatable("utiliser le lien de mobilisation"),
}
"""data·inclusion's ``modes_mobilisation`` in our words, to translate on the fiche."""


def access_label(actor: Actor) -> str:
    """« Comment y aller : se présenter — le résident lui-même », from data·inclusion's
    ``modes_mobilisation`` and ``mobilisable_par``; « non renseigné » when no source says."""
    from flask_babel import gettext

    if not actor.modes_mobilisation and not actor.mobilisable_par:
        return gettext("Comment y aller : non renseigné")
    how = ", ".join(
        gettext(ACCESS_WAYS[m]) if m in ACCESS_WAYS else MODES_MOBILISATION.get(m, m).lower()
        for m in actor.modes_mobilisation
    )
    who = gettext(" ou ").join(gettext(WHO_LABELS.get(p, p)) for p in actor.mobilisable_par)
    return gettext("Comment y aller : %(how)s", how=" — ".join(part for part in (how, who) if part))


def freshness_of(actor: Actor) -> Freshness:
    """How fresh the actor's data is today, with the service's verification period."""
    return freshness(actor, dt.date.today(), current_app.config["VERIFY_EVERY_MONTHS"])


def actor_marker(actor: Actor) -> dict[str, Any]:
    """What a map popup shows about an actor (all plain text: the map script inserts it as text)."""
    kind = KINDS.get(actor.kind)
    fresh = freshness_of(actor)
    location = actor.location
    assert location is not None, "only actors with a place have a marker"
    return {
        "id": actor.id,
        "nom": actor.nom,
        "lon": location.lon,
        "lat": location.lat,
        "url": url_for("volunteer.actor", actor_id=actor.id),
        "kind_label": kind.label if kind else actor.kind,
        "family": kind.family if kind else "",
        "address": address_line(actor),
        "telephone": actor.telephone,
        "telephone_label": phone_label(actor.telephone),
        "freshness_label": fresh.label,
        "call_first": fresh.call_first,
        "access_label": access_label(actor),
    }


def result_marker(result: NearestResult, number: int | None = None) -> dict[str, Any]:
    """A result's popup; ``number`` is its place in the numbered list, shown on its pin."""
    marker = actor_marker(result.actor)
    if number is not None:
        marker["number"] = number
    travel = f" · {result.travel.label}" if result.travel else ""
    marker.update(
        {
            "distance_label": distance_label(result.distance_m) + travel,
            "eligible": result.eligibility.eligible,
            "eligibility_state": eligibility_state(result),
            "eligibility_label": eligibility_label(result),
            "fits_label": fits_label(result),
            "opening_label": result.opening.label,
        }
    )
    return marker


def fits_label(result: NearestResult) -> str:
    """« Pourquoi : 16–25 ans : le résident a 22 ans ; reçoit les habitants de Montreuil »."""
    return "Pourquoi : " + " ; ".join(result.eligibility.fits) if result.eligibility.fits else ""


def eligibility_state(result: NearestResult) -> str:
    """``eligible``, ``to-check`` or ``ineligible``: the style of the eligibility line."""
    if not result.eligibility.eligible:
        return "ineligible"
    return "to-check" if result.eligibility.to_check else "eligible"


def eligibility_label(result: NearestResult) -> str:
    if not result.eligibility.eligible:
        return "Non éligible : " + " ; ".join(result.eligibility.reasons)
    if result.eligibility.to_check:
        return "À vérifier : " + " ; ".join(result.eligibility.to_check)
    return "Éligible"


def family_label(actor: Actor) -> str:
    kind = KINDS.get(actor.kind)
    return FAMILIES.get(kind.family, "") if kind else ""


def origin_json(origin: Origin) -> dict[str, Any]:
    """Where a search started, as the API and ``carto nearest --json`` give it."""
    iris = {"code": origin.iris.code, "nom": origin.iris.nom} if origin.iris else None
    return {
        "label": origin.label,
        "lon": origin.lon,
        "lat": origin.lat,
        "citycode": origin.citycode,
        "iris": iris,
        "score": origin.score,
    }


def result_json(result: NearestResult) -> dict[str, Any]:
    """One nearest result for the API and the CLI, every field a client needs."""
    actor = result.actor
    fresh = freshness_of(actor)
    return {
        "id": actor.id,
        "nom": actor.nom,
        "kind": actor.kind,
        "adresse": actor.adresse,
        "code_postal": actor.code_postal,
        "commune": actor.commune,
        "telephone": actor.telephone,
        "lon": actor.location.lon if actor.location else None,
        "lat": actor.location.lat if actor.location else None,
        "distance_m": None if result.distance_m is None else round(result.distance_m, 1),
        "placement": result.placement,
        "placement_label": result.placement_label or None,
        "trajet": None
        if result.travel is None
        else {
            "minutes": round(result.travel.minutes, 1),
            "metres": round(result.travel.metres),
            "methode": result.travel.method,
            "label": result.travel.label,
        },
        "eligible": result.eligibility.eligible,
        "raisons": list(result.eligibility.reasons),
        "a_verifier": list(result.eligibility.to_check),
        "pourquoi": list(result.eligibility.fits),
        "ouvert": result.opening.open,
        "horaires": actor.horaires_accueil,
        "horaires_label": result.opening.label,
        "prochain_changement": result.opening.next_change.isoformat() if result.opening.next_change else None,
        "date_source": actor.date_source,
        "date_verification": actor.date_verification.isoformat() if actor.date_verification else None,
        "fraicheur": fresh.label,
        "appeler_avant": fresh.call_first,
        "modes_mobilisation": list(actor.modes_mobilisation),
        "mobilisable_par": list(actor.mobilisable_par),
        "comment_y_aller": access_label(actor),
    }
