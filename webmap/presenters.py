"""Actors and results as the pages, the maps, the API and the field pack show them: one view of each.

``actor_view`` and ``result_view`` hold every line a person reads about an actor or a result, in the
words shown; the list item (``_actor_item.html``), the map's popups (``carto-map.js``), the API and
the offline page (``hors-ligne.js``, from the pack's words and the same rules) only lay them out.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flask import current_app, url_for

from geo.actors.access import WITH_A_COUNSELLOR, ways_in
from geo.actors.address import readable_street
from geo.actors.kinds import FAMILIES, KINDS
from geo.actors.model import Actor
from geo.actors.names import shown_name
from geo.actors.verification import Freshness, freshness
from geo.transit.journey import Journey, arrival_words

if TYPE_CHECKING:
    from geo.search.nearest import NearestResult, Origin
    from webmap.services import Services


def phone_label(phone: str) -> str:
    """« 01 48 69 36 70 » for +33148693670; the raw value when it cannot be read."""
    if not phone:
        return ""
    import phonenumbers  # 20 ms to import: only where a number is shown

    try:
        number = phonenumbers.parse(phone, "FR")
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def address_line(actor: Actor) -> str:
    """« 31 rue Gaston Lauriau – 93100 Montreuil »: the street as a person writes it, whatever the
    source's capitals (``geo.actors.address``)."""
    street = ", ".join(part for part in (readable_street(actor.adresse), actor.complement_adresse) if part)
    town = " ".join(part for part in (actor.code_postal, actor.commune) if part)
    return " – ".join(part for part in (street, town) if part)


def distance_label(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km".replace(".", ",")


def access_label(actor: Actor) -> str:
    """How to get in, in plain words and in the page's language (« Candidater en ligne, seul ou avec un
    conseiller »); empty when no source says (``geo.actors.access``)."""
    from flask_babel import gettext

    phrases = ways_in(actor)
    modes = [gettext(phrase) for phrase in phrases if phrase != WITH_A_COUNSELLOR]
    said = gettext(" ou ").join(modes[:1] + [mode[:1].lower() + mode[1:] for mode in modes[1:]])
    return f"{said}, {gettext(WITH_A_COUNSELLOR)}" if WITH_A_COUNSELLOR in phrases else said


def freshness_of(actor: Actor) -> Freshness:
    """How fresh the actor's data is today, with the service's verification period."""
    return freshness(actor, dt.date.today(), current_app.config["VERIFY_EVERY_MONTHS"])


WORDS: dict[str, str] = {
    "eligible": "Éligible",
    "ineligible": "Non éligible : ",
    "to_check": "À vérifier : ",
    "fits": "Pourquoi : ",
    "between": " ; ",
    "trip": " · ",
    "transit": "En transports : ",
}
"""The words a result's lines are made of, the offline page's too (the field pack carries them)."""


def actor_view(actor: Actor) -> dict[str, Any]:
    """Every line shown about an actor, whatever the search (all plain text: scripts insert it as
    text), with its page's address. Its place is null when it has none."""
    location = actor.location
    return {
        "id": actor.id,
        "nom": shown_name(actor),
        "lon": location.lon if location else None,
        "lat": location.lat if location else None,
        "url": url_for("volunteer.actor", actor_id=actor.id),
        **actor_words(actor),
    }


def actor_words(actor: Actor) -> dict[str, Any]:
    """The words of ``actor_view``: its kind, address, phone as read aloud, how fresh, how to get in."""
    kind = KINDS.get(actor.kind)
    fresh = freshness_of(actor)
    return {
        "kind_label": kind.label if kind else actor.kind,
        "family": kind.family if kind else "",
        "address": address_line(actor),
        "telephone": actor.telephone,
        "telephone_label": phone_label(actor.telephone),
        "freshness_label": fresh.label,
        "call_first": fresh.call_first,
        "access_label": access_label(actor),
    }


def result_view(result: NearestResult, number: int | None = None) -> dict[str, Any]:
    """Every line shown about a result: the actor's, then how far (or « intervient sur votre
    commune »), whether the resident may go and why, whether it is open. ``number`` is its place in
    the numbered list, shown on its pin."""
    view = actor_view(result.actor)
    if number is not None:
        view["number"] = number
    verdict = result.eligibility
    view.update(
        {
            "distance_label": trip_label(result),
            "placement_label": result.placement_label,
            "eligible": verdict.eligible,
            "eligibility_state": eligibility_state(result),
            "eligibility_label": eligibility_label(result),
            "fits_label": WORDS["fits"] + WORDS["between"].join(verdict.fits) if verdict.fits else "",
            "opening_label": result.opening.label,
            "transit_label": transit_label(result),
        }
    )
    return view


def transit_label(result: NearestResult) -> str:
    """« En transports : 23 min en bus (ligne F1), arrivée à 08:24, avant la fermeture (12:00) »;
    empty when no ride beats the walk."""
    journey = result.transit
    if journey is None:
        return ""
    return f"{WORDS['transit']}{journey.label}, {arrival_words(journey, result.actor.horaires_accueil)}"


def transit_json(made: Services) -> dict[str, Any] | None:
    """The timetable behind the results' trips (None when none is imported): whose, its dates, and
    whether it is in date — past them, no trip is offered and ``message`` says so."""
    feed = made.transit_feed()
    if feed is None:
        return None
    return {
        "editeur": feed.publisher,
        "valable_du": feed.start.isoformat(),
        "valable_au": feed.end.isoformat(),
        "a_jour": made.transit_ready(),
        "message": made.transit_notice(),
    }


def journey_json(journey: Journey, hours: str) -> dict[str, Any]:
    """A trip by public transport as the API gives it: times in Europe/Paris (ISO 8601), each ride."""
    return {
        "minutes": journey.minutes,
        "depart": journey.departure.isoformat(),
        "arrivee": journey.arrival.isoformat(),
        "changements": journey.changes,
        "label": journey.label,
        "arrivee_label": arrival_words(journey, hours),
        "etapes": journey.words,
        "trajets": [
            {
                "ligne": ride.line,
                "mode": ride.mode,
                "montee": ride.board,
                "descente": ride.alight,
                "arrets": ride.stops,
                "depart": ride.departure.isoformat(),
                "arrivee": ride.arrival.isoformat(),
            }
            for ride in journey.rides
        ],
    }


def trip_label(result: NearestResult) -> str:
    """« 850 m · ≈ 11 min à pied »; empty for an actor with no place."""
    if result.distance_m is None:
        return ""
    travel = WORDS["trip"] + result.travel.label if result.travel else ""
    return distance_label(result.distance_m) + travel


def eligibility_state(result: NearestResult) -> str:
    """``eligible``, ``to-check`` or ``ineligible``: the style of the eligibility line."""
    if not result.eligibility.eligible:
        return "ineligible"
    return "to-check" if result.eligibility.to_check else "eligible"


def eligibility_label(result: NearestResult) -> str:
    verdict = result.eligibility
    if not verdict.eligible:
        return WORDS["ineligible"] + WORDS["between"].join(verdict.reasons)
    if verdict.to_check:
        return WORDS["to_check"] + WORDS["between"].join(verdict.to_check)
    return WORDS["eligible"]


def family_label(actor: Actor) -> str:
    kind = KINDS.get(actor.kind)
    return FAMILIES.get(kind.family, "") if kind else ""


def origin_json(origin: Origin) -> dict[str, Any]:
    """Where a search started, as the API and ``carto nearest --json`` give it."""
    iris = {"code": origin.iris.code, "nom": origin.iris.nom} if origin.iris else None
    qpv = {"code": origin.qpv.code, "nom": origin.qpv.nom} if origin.qpv else None
    return {
        "label": origin.label,
        "lon": origin.lon,
        "lat": origin.lat,
        "citycode": origin.citycode,
        "iris": iris,
        "qpv": qpv,
        "score": origin.score,
    }


def result_json(result: NearestResult) -> dict[str, Any]:
    """One nearest result for the API and the CLI, every field a client needs; its words are those
    of ``result_view`` (``actor_words``)."""
    actor = result.actor
    words = actor_words(actor)
    return {
        "id": actor.id,
        "nom": actor.nom,
        "nom_actuel": shown_name(actor),
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
        "transport": None if result.transit is None else journey_json(result.transit, actor.horaires_accueil),
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
        "fraicheur": words["freshness_label"],
        "appeler_avant": words["call_first"],
        "modes_mobilisation": list(actor.modes_mobilisation),
        "mobilisable_par": list(actor.mobilisable_par),
        "comment_y_aller": words["access_label"],
    }
