"""Maps for the association's website: a chrome-less map for iframes, and a page to build the snippet.

``/embed/carte?commune=&thematique=&public=&besoin=&lat=&lon=&zoom=&liste=0|1&recherche=0|1``
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cachetools import TTLCache
from flask import Blueprint, Response, current_app, make_response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from geo.actors.vocabularies import PUBLICS
from geo.communes import COMMUNES
from geo.search.needs import NEEDS
from geo.search.request import SearchRequest
from webmap import maps
from webmap.errors import SEARCH_ERRORS, search_problem
from webmap.presenters import actor_view, result_view
from webmap.query import EmbedQuery, Problems, parse, search_request
from webmap.security import private_response
from webmap.selection import matching_actors
from webmap.services import data_version, run_search, served_communes

if TYPE_CHECKING:
    from geo.actors.model import Actor
    from geo.search.nearest import NearestResult

blueprint = Blueprint("embed", __name__, url_prefix="/embed", template_folder="templates")
_PAGES_LOCK = threading.Lock()
MAX_AGE = 300


@dataclass(frozen=True)
class EmbedView:
    """What an embed URL asks for, normalised: the page cache's key (unknown parameters play no part)."""

    search: SearchRequest
    zoom: int | None
    with_list: bool
    with_search: bool
    commune: str


@blueprint.get("/carte")
def embedded_map() -> Response:
    """Websites embed the same few maps over and over: a rendered page is kept five minutes.

    A map searched from a resident's address or position is neither kept nor cacheable."""
    view, problems = _parse(request.args)
    resident = view.search.has_origin or view.search.age is not None
    if problems or resident:
        page = _render(view, problems)  # may add the address's problems
        response = make_response(page, 400 if problems else 200)
        return private_response(response) if resident else response
    pages = current_app.extensions.setdefault("carto.embed_pages", TTLCache(maxsize=256, ttl=MAX_AGE))
    key = (view, request.host, _data_version())  # the page names its own address (oEmbed discovery)
    with _PAGES_LOCK:
        page = pages.get(key)
    if page is None:
        page = _render(view, {})
        with _PAGES_LOCK:
            pages[key] = page
    response = make_response(page, 200)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.add_etag()
    response.make_conditional(request)
    return response


def _data_version() -> tuple:
    contours = Path(current_app.instance_path) / "contours" / "communes.geojson"
    return data_version(), contours.stat().st_mtime_ns if contours.exists() else 0


def _parse(args: MultiDict) -> tuple[EmbedView, Problems]:
    values, problems = parse(EmbedQuery, args)
    view = EmbedView(
        search_request(values),
        values.get("zoom"),
        values.get("liste", False),
        values.get("recherche", False),
        values.get("commune", ""),
    )
    return view, problems


def _render(view: EmbedView, problems: Problems) -> str:
    search = view.search
    center = maps.commune_center(view.commune) if view.commune else None
    outcome = None
    if not problems and search.has_origin:
        try:
            outcome = run_search(search)
        except SEARCH_ERRORS as error:
            _, parameter, message = search_problem(error)
            problems.setdefault(parameter, message)
    if outcome and outcome.origin:
        center = (outcome.origin.lat, outcome.origin.lon)
    carto_map = maps.new_map(center, zoom=view.zoom or (15 if outcome else 13))
    if outcome and outcome.origin:
        maps.add_actors(
            carto_map,
            [
                result_view(r, number)
                for number, r in enumerate(outcome.results, 1)
                if r.distance_m is not None
            ],
        )
        maps.add_origin(carto_map, outcome.origin.lat, outcome.origin.lon)
        listed: list[tuple[Actor, NearestResult | None]] = [(r.actor, r) for r in outcome.results]
    else:
        actors = [a for a in matching_actors(search, view.commune) if a.location]
        maps.add_actors(maps.clustered(carto_map), [actor_view(a) for a in actors])
        listed = [(a, None) for a in sorted(actors, key=lambda a: a.nom)]
    maps.add_contours(carto_map, [view.commune] if view.commune else None)
    from webmap.embed.oembed import discovery_url, embed_title

    values, _ = parse(EmbedQuery, request.args)
    return render_template(
        "embed/map.html",
        title=embed_title(values),
        oembed_url=discovery_url(values),
        map=maps.rendered(carto_map),
        listed=listed,
        with_list=view.with_list,
        with_search=view.with_search,
        search=search,
        problems=problems,
        args=request.args,
    )


@blueprint.get("")
def builder() -> str:
    """Pick the filters, see the preview, copy the iframe snippet."""
    source = url_for("embed.embedded_map", _external=True, **_multi(request.args))
    return render_template(
        "embed/builder.html",
        source=source,
        needs=NEEDS,
        publics=PUBLICS,
        communes=COMMUNES,
        target_communes=served_communes(),
        args=request.args,
    )


def _multi(args):
    return {key: args.getlist(key) for key in args if any(args.getlist(key))}
