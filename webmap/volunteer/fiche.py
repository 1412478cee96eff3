"""The fiche the resident keeps: chosen actors, a QR code of the fiche itself, an SMS text.

Nothing about the resident goes in: the fiche's URL, its QR code and its page name actors only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from flask_babel import gettext
from markupsafe import Markup

from geo.actors.model import Actor
from geo.projection import to_lambert93
from geo.search.hours import week_ahead
from geo.search.needs import needs_met
from geo.transit.journey import Journey, Ride
from webmap.i18n import clock, day_name
from webmap.presenters import address_line, freshness_of, phone_label

if TYPE_CHECKING:
    from geo.search.nearest import NearestResult
    from geo.search.travel import TravelTimes

MAX_ACTORS = 3
SMS_LIMIT = 300


QR_QUIET_ZONE = 4
"""Modules of white around the code: the 4 that ISO/IEC 18004 asks, which phone readers rely on."""


def qr_svg(url: str) -> Markup:
    """The fiche's own URL as an inline SVG QR code (segno), readable from a printed page: a ``viewBox``
    and no fixed size, so that the page's CSS scales the whole code (quiet zone included) rather than
    cropping it; black on white whatever the page's colours."""
    import segno

    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=4,
        border=QR_QUIET_ZONE,
        dark="#000",
        light="#fff",
        title=gettext("Adresse de cette fiche"),
        omitsize=True,
    )
    return Markup(svg)


def sms_text(actors: Sequence[Actor]) -> str:
    """A short text to send from the tablet: each actor's name, address and phone, under 300 characters.
    Addresses give way first when the text would be too long."""

    def lines(with_address: bool) -> str:
        parts = []
        for actor in actors:
            bits = [actor.nom]
            if with_address and address_line(actor):
                bits.append(address_line(actor))
            if actor.telephone:
                bits.append(phone_label(actor.telephone))
            parts.append(" – ".join(bits))
        return gettext("Qui peut vous accompagner :") + "\n" + "\n".join(parts)

    text = lines(with_address=True)
    if len(text) >= SMS_LIMIT:
        text = lines(with_address=False)
    return text if len(text) < SMS_LIMIT else text[: SMS_LIMIT - 2] + "…"


def directions(actor: Actor) -> dict[str, str] | None:
    """A ``geo:`` URI (the phone's own maps) and OpenStreetMap walking directions to the actor."""
    if actor.location is None:
        return None
    lat, lon = actor.location.lat, actor.location.lon
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
        "osm": f"https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=%3B{lat:.6f}"
        f"%2C{lon:.6f}",
    }


def helps_with(actor: Actor) -> list[str]:
    """What the actor helps with, in plain words (the volunteers' needs), in the fiche's language."""
    return [gettext(need.label) for need in needs_met(actor.thematiques)]


def week(actor: Actor) -> list[tuple[str, str]]:
    """The next seven days, day by day, in the fiche's language: [(day, « 9 h – 12 h, 14 h – 17 h »)…]."""
    return week_words(actor.horaires_accueil)


def week_words(hours: str) -> list[tuple[str, str]]:
    """``week`` for hours not yet an actor's (the back office's grid shows what the fiche will say)."""
    days = []
    for day, spans in week_ahead(hours):
        words = [f"{clock(begin)} – {_end(end, day)}" for begin, end in spans]
        days.append((day_name(day), ", ".join(words) or gettext("fermé")))
    return days


def _end(end: dt.datetime, day: dt.date) -> str:
    return gettext("minuit") if end.date() > day and end.hour == end.minute == 0 else clock(end)


def information_date(actor: Actor) -> str:
    """How fresh the fiche's information is, in its language, never more than the data says."""
    from flask_babel import format_date

    fresh = freshness_of(actor)
    if actor.date_verification is not None and not fresh.call_first:
        return gettext(
            "Vérifié par l’association le %(date)s", date=format_date(actor.date_verification, "d MMMM y")
        )
    if actor.date_verification is not None:
        return gettext(
            "Vérifié le %(date)s, à reconfirmer : appeler avant d’y aller",
            date=format_date(actor.date_verification, "d MMMM y"),
        )
    return gettext(
        "Informations de la source (%(date)s), jamais vérifiées : appeler avant d’y aller",
        date=_in_words(actor.date_source),
    )


def _in_words(date_source: str) -> str:
    """« 13 novembre 2019 », « novembre 2019 » or « 2019 » for the source's ISO date (as precise as it
    is), in the fiche's language; the text as it is when it is not a date."""
    from flask_babel import format_date

    parts = date_source.split("-")
    try:
        if len(parts) == 3:
            return format_date(dt.date.fromisoformat(date_source), "d MMMM y")
        if len(parts) == 2:
            return format_date(dt.date(int(parts[0]), int(parts[1]), 1), "MMMM y")
    except ValueError:
        return date_source
    return date_source


_TRIP = re.compile(r"(?P<actor>[^~]+)~(?P<stop>[^~]+)~(?P<moment>\d{4}-\d\d-\d\dT\d\d:\d\d)")
"""A trip the fiche words again, ``trajet=ACTOR~STOP~YYYY-MM-DDTHH:MM``: the actor, the stop where the
resident gets on and when. The door it was searched from is never carried (the QR code is read by
anyone holding the paper)."""


def fiche_trip(result: NearestResult) -> str:
    """The ``trajet`` a result's card hands the fiche; empty when no ride beats the walk."""
    if result.transit is None or not result.transit.rides:
        return ""
    first = result.transit.rides[0]
    return f"{result.actor.id}~{first.board_stop}~{first.departure:%Y-%m-%dT%H:%M}"


class FicheTrip(NamedTuple):
    value: str
    """Its ``trajet``, for the fiche's own URL (its QR code, its other languages)."""
    journey: Journey


def trips(values: Sequence[str], actors: Sequence[Actor], travel: TravelTimes) -> dict[str, FicheTrip]:
    """The trips the ``trajet`` values name, for the chosen actors only, by actor id. A stop gone from
    a feed imported since, a day the timetable no longer holds or a value mangled in a copy give none,
    and the fiche goes without the trip rather than fail on the resident."""
    from geo.search.hours import PARIS
    from geo.transit.door_to_door import DoorToDoor

    if not isinstance(travel, DoorToDoor):
        return {}
    located = {actor.id: actor.location for actor in actors if actor.location is not None}
    kept: dict[str, FicheTrip] = {}
    for value in values:
        found = _TRIP.fullmatch(value)
        if found is None or found["actor"] not in located or found["actor"] in kept:
            continue
        try:
            moment = dt.datetime.fromisoformat(found["moment"]).replace(tzinfo=PARIS)
        except ValueError:
            continue
        where = located[found["actor"]]
        x, y = to_lambert93(where.lon, where.lat)
        journey = travel.from_stop(found["stop"], (float(x), float(y)), moment)
        if journey is not None:
            kept[found["actor"]] = FicheTrip(value, journey)
    return kept


def trip_steps(journey: Journey) -> list[Markup]:
    """The trip as the resident follows it, in the fiche's language: « Bus F1 à 8 h 12 à l’arrêt
    Mairie, 6 arrêts, descendre à Croix de Chavaux (8 h 20) », then the walk to the door. Names of
    lines and stops are isolated (``<bdi>``), so that an Arabic fiche keeps them whole."""
    steps = []
    for leg in journey.legs:
        if isinstance(leg, Ride):
            mode = gettext(leg.mode)
            steps.append(
                _filled(
                    gettext(
                        "%(mode)s %(line)s à %(time)s à l’arrêt %(board)s, %(stops)s, descendre à %(alight)s "
                        "(%(arrival)s)"
                    ),
                    mode=mode[:1].upper() + mode[1:],
                    line=_isolated(leg.line),
                    time=clock(leg.departure),
                    board=_isolated(leg.board),
                    stops=_stops(leg.stops),
                    alight=_isolated(leg.alight),
                    arrival=clock(leg.arrival),
                )
            )
        elif leg.to:
            steps.append(
                _filled(
                    gettext("%(minutes)s min à pied jusqu’à l’arrêt %(stop)s"),
                    minutes=leg.minutes,
                    stop=_isolated(leg.to),
                )
            )
        else:
            steps.append(_filled(gettext("%(minutes)s min à pied jusqu’à l’adresse"), minutes=leg.minutes))
    return steps


def trip_heading(journey: Journey) -> Markup:
    """« En transports, le jeudi 3 décembre, depuis l’arrêt Mairie : »."""
    return _filled(
        gettext("En transports, le %(day)s, depuis l’arrêt %(stop)s :"),
        day=day_name(journey.departure.date()),
        stop=_isolated(journey.rides[0].board),
    )


def trip_arrival(journey: Journey) -> str:
    return gettext(
        "Arrivée à %(time)s, %(minutes)s min après le départ de l’arrêt.",
        time=clock(journey.arrival),
        minutes=journey.minutes,
    )


def _filled(template: str, **values: object) -> Markup:
    """Our translated phrase with its values: theirs escaped, ours (``_isolated``) kept."""
    return Markup(template) % values


def _isolated(name: str) -> Markup:
    return Markup("<bdi>%s</bdi>") % name


def _stops(count: int) -> str:
    return gettext("1 arrêt") if count == 1 else gettext("%(count)s arrêts", count=count)
