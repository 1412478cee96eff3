"""Pages for the volunteers at the door: search, actor page, map of all actors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for

from geo.actors.kinds import KINDS
from geo.actors.names import renaming_of, shown_name
from geo.actors.vocabularies import (
    FRAIS,
    LOCATION_SOURCES,
    MODES_ACCUEIL,
    PUBLICS,
    RESEAUX_PORTEURS,
    STATUTS,
    THEMATIQUES,
)
from geo.campaigns.model import band_of
from geo.communes import COMMUNES
from geo.search.needs import NEEDS
from geo.search.profile import QPV_TRAIT, TRAITS
from geo.search.ranking import RULE as RANKING_RULE
from geo.search.ranking import RULE_BY_TRANSIT, transit_pool
from geo.search.request import K_RANGE, MORE, SearchRequest
from webmap import maps
from webmap.errors import ADDRESS_SERVICE_DOWN, SEARCH_ERRORS, search_problem
from webmap.presenters import (
    access_label,
    actor_view,
    address_line,
    freshness_of,
    phone_label,
    result_view,
)
from webmap.query import Filters, NearestQuery, parse, search_request
from webmap.security import private_response
from webmap.selection import matching_actors
from webmap.services import actors_named, data_summary, run_search, served_communes, services
from webmap.shown import shown_tally
from webmap.volunteer.encounter import prefill_of
from webmap.volunteer.fiche import MAX_ACTORS, fiche_trip

if TYPE_CHECKING:
    from geo.search.service import SearchOutcome

blueprint = Blueprint(
    "volunteer",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/volunteer",
)


FIELD_IDS = {
    "adresse": "adresse",
    "lat": "adresse",
    "lon": "adresse",
    "age": "age",
    "commune": "commune",
    "besoin": "besoins",
    "public": "publics",
    "depart": "depart",
    "transports": "transports",
}
"""Where each search parameter is asked on the page: an error's link leads there."""


@blueprint.app_context_processor
def helpers() -> dict:
    return {
        "kinds": KINDS,
        "traits": TRAITS,
        "ranking_rule": RANKING_RULE,
        "result_view": result_view,
        "actor_view": actor_view,
        "phone_label": phone_label,
        "address_line": address_line,
        "freshness_of": freshness_of,
        "access_label": access_label,
        "week_of": _week_of,
        "data_summary": data_summary,
        "shown_name": shown_name,
        "renaming_of": renaming_of,
        "fiche_trip": fiche_trip,
    }


def _week_of(actor):
    """The next seven days' hours, as the fiche words them (one phrasing for both pages)."""
    from webmap.volunteer.fiche import week

    return week(actor)


@blueprint.get("/")
def index() -> Response:
    outcome, status = None, 200
    if not request.args:
        search, problems = SearchRequest(), dict[str, str]()
    else:
        values, problems = parse(NearestQuery, request.args)
        search = search_request(values)
        status = 400 if problems else 200
        if not problems:
            try:
                outcome = run_search(search)
                shown_tally().note(r.actor.id for r in outcome.results)
            except SEARCH_ERRORS as error:
                status, parameter, message = search_problem(error)
                problems.setdefault(parameter, message)
    carto_map = maps.new_map(zoom=12)
    if outcome and outcome.origin:
        origin = outcome.origin
        carto_map = maps.new_map((origin.lat, origin.lon), zoom=15)
        located = [r.actor for r in outcome.results if r.distance_m is not None]
        maps.add_actors(
            carto_map,
            [
                result_view(r, number)
                for number, r in enumerate(outcome.results, 1)
                if r.distance_m is not None
            ],
        )
        maps.add_origin(carto_map, origin.lat, origin.lon)
        maps.fit(
            carto_map,
            [(origin.lat, origin.lon)] + [(a.location.lat, a.location.lon) for a in located if a.location],
        )
    maps.add_contours(carto_map)
    rendered = maps.rendered(carto_map)
    ticked = request.args.getlist("acteurs")
    page = render_template(
        "volunteer/index.html",
        search=search,
        problems=problems,
        outcome=outcome,
        map=rendered,
        map_name=carto_map.get_name(),
        needs=NEEDS,
        publics=PUBLICS,
        communes=COMMUNES,
        target_communes=served_communes(),
        field_ids=FIELD_IDS,
        more_url=_more_url(search, outcome) if outcome else None,
        all_found=_all_found(search, outcome) if outcome else True,
        ticked=ticked,
        max_actors=MAX_ACTORS,
        age_band=band_of(search.age, search.resident.ages),
        qpv_trait=QPV_TRAIT,
        address_down=ADDRESS_SERVICE_DOWN[:1].upper() + ADDRESS_SERVICE_DOWN[1:] + ".",
        transit_notice=services().transit_notice() if outcome else None,
        transit_ready=services().transit_ready(),
        ranking_rule=ranking_rule(search),
    )
    response = make_response(page, status)
    return private_response(response) if request.args else response


def ranking_rule(search: SearchRequest) -> str:
    """The order's rule said under the results: by the shorter of walk and ride when the volunteer
    asked for it and trips are offered, on foot otherwise."""
    if search.by_transit and services().transit_ready():
        return RULE_BY_TRANSIT.format(pool=transit_pool(search.k))
    return RANKING_RULE


def _all_found(search: SearchRequest, outcome: SearchOutcome) -> bool:
    """Whether the search found fewer actors on its way than it asked: there are no more."""
    found = sum(1 for r in outcome.results if r.eligibility.eligible and r.distance_m is not None)
    return found < search.k


def _more_url(search: SearchRequest, outcome: SearchOutcome) -> str | None:
    """The same search with ``MORE`` more actors, scrolled to the first new one; None when there are
    no more, or when it asks the most it may."""
    if _all_found(search, outcome) or search.k >= K_RANGE[1]:
        return None
    args = request.args.to_dict(flat=False)
    args.pop("acteurs", None)  # the page adds the ticked ones when « Voir plus » is touched
    args["k"] = [str(min(search.k + MORE, K_RANGE[1]))]
    return f"{url_for('volunteer.index')}?{urlencode(args, doseq=True)}#rang-{search.k + 1}"


@blueprint.get("/acteurs/<actor_id>")
def actor(actor_id: str) -> str:
    found = actors_named([actor_id]).get(actor_id)
    if found is None:
        abort(404)
    rendered = None
    if found.location:
        carto_map = maps.new_map((found.location.lat, found.location.lon), zoom=16)
        maps.add_actors(carto_map, [actor_view(found)])
        rendered = maps.rendered(carto_map)
    return render_template(
        "volunteer/actor.html",
        actor=found,
        map=rendered,
        thematiques=THEMATIQUES,
        publics=PUBLICS,
        reseaux=RESEAUX_PORTEURS,
        statuts=STATUTS,
        modes=MODES_ACCUEIL,
        frais=FRAIS,
        location_sources=LOCATION_SOURCES,
        communes=COMMUNES,
    )


@blueprint.get("/carte")
def all_actors_map() -> tuple[str, int] | str:
    values, problems = parse(Filters, request.args)
    search = search_request(values)
    carto_map = maps.new_map(zoom=12)
    actors = matching_actors(search, request.args.get("commune"))
    maps.add_family_layers(carto_map, actors)
    maps.add_contours(carto_map)
    maps.add_layer_control(carto_map)
    page = render_template(
        "volunteer/carte.html",
        map=maps.rendered(carto_map),
        search=search,
        problems=problems,
        count=len(actors),
        needs=NEEDS,
        publics=PUBLICS,
        communes=COMMUNES,
        target_communes=served_communes(),
        commune=request.args.get("commune", ""),
    )
    return page, 400 if problems else 200


@blueprint.get("/fiche")
def fiche() -> Response:
    """What the resident keeps: 1 to 3 actors, directions, hours day by day, a QR code, an SMS text;
    in French, English or Arabic (``langue``). No actor ticked: how to tick them; more than three: the
    first three, saying so — never an error page on the volunteer's way."""
    from webmap.i18n import FICHE_LANGUAGES, page_language
    from webmap.volunteer import fiche as kit

    ticked = list(dict.fromkeys(request.args.getlist("acteurs")))
    if not ticked:
        return make_response(render_template("volunteer/fiche_choix.html", max_actors=kit.MAX_ACTORS))
    wanted = ticked[: kit.MAX_ACTORS]  # more ticked: the first three, and the page says so
    by_id = {i: a for i, a in actors_named(wanted).items() if a.statut != "ferme"}
    if any(actor_id not in by_id for actor_id in wanted):
        abort(404)
    chosen = [by_id[actor_id] for actor_id in wanted]
    trips = kit.trips(request.args.getlist("trajet"), chosen, services().travel())
    kept = [trips[actor.id].value for actor in chosen if actor.id in trips]  # in the actors' order
    language = page_language()
    card = request.args.get("format") == "carte"
    # what « Noter la rencontre » is pre-filled with: the fiche's actors, the search's needs and age band
    encounter: dict[str, Any] = {"acteurs": wanted, **prefill_of(request.args)}
    own_language = None if language == "fr" else language
    own_url = url_for("volunteer.fiche", acteurs=wanted, trajet=kept, langue=own_language, _external=True)
    versions = {
        code: url_for(
            "volunteer.fiche",
            **encounter,
            trajet=kept,
            langue=None if code == "fr" else code,
            format="carte" if card else None,
        )
        for code in FICHE_LANGUAGES
    }
    page = render_template(
        "volunteer/fiche.html",
        actors=chosen,
        qr=kit.qr_svg(own_url),
        own_url=own_url,
        sms=kit.sms_text(chosen),
        directions=kit.directions,
        helps_with=kit.helps_with,
        week=kit.week,
        information_date=kit.information_date,
        trips={actor_id: trip.journey for actor_id, trip in trips.items()},
        trip_heading=kit.trip_heading,
        trip_steps=kit.trip_steps,
        trip_arrival=kit.trip_arrival,
        card=card,
        left_out=len(ticked) - len(wanted),
        max_actors=kit.MAX_ACTORS,
        languages=FICHE_LANGUAGES,
        versions=versions,
        encounter_url=url_for("rencontre.page", **encounter),
        other_format_url=url_for(
            "volunteer.fiche", **encounter, trajet=kept, langue=own_language, format=None if card else "carte"
        ),
    )
    return make_response(page)
