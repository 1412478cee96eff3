"""Maps for the association's website: a chrome-less map for iframes, and a page to build the snippet.

``/embed/carte?commune=&thematique=&public=&besoin=&lat=&lon=&zoom=&liste=0|1&recherche=0|1``
"""

from __future__ import annotations

import threading
from pathlib import Path

from cachetools import TTLCache
from flask import Blueprint, Response, current_app, make_response, render_template, request, url_for

from geo.communes import COMMUNES, TARGET_COMMUNES
from geo.needs import NEEDS
from geo.vocabularies import PUBLICS
from webmap import maps
from webmap.data import data_version
from webmap.presenters import actor_marker, result_marker
from webmap.requests import parse_search
from webmap.search import run_search
from webmap.selection import matching_actors

blueprint = Blueprint("embed", __name__, url_prefix="/embed")
_PAGES_LOCK = threading.Lock()
MAX_AGE = 300


@blueprint.get("/carte")
def embedded_map() -> Response:
    """Websites embed the same few maps over and over: a rendered page is kept five minutes."""
    pages = current_app.extensions.setdefault("carto.embed_pages", TTLCache(maxsize=256, ttl=MAX_AGE))
    key = (request.query_string, _data_version())
    with _PAGES_LOCK:
        cached = pages.get(key)
    if cached is None:
        cached = _render_embedded_map()
        with _PAGES_LOCK:
            pages[key] = cached
    page, status = cached
    response = make_response(page, status)
    if status == 200:
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        response.add_etag()
        response.make_conditional(request)
    return response


def _data_version() -> tuple:
    contours = Path(current_app.instance_path) / "contours" / "communes.geojson"
    return data_version(), contours.stat().st_mtime_ns if contours.exists() else 0


def _render_embedded_map() -> tuple[str, int]:
    search, problems = parse_search(request.args, need_origin=False)
    zoom = request.args.get("zoom", "")
    if zoom and (not zoom.isdigit() or not 5 <= int(zoom) <= 19):
        problems.add("zoom", "zoom doit être un entier entre 5 et 19")
    with_list = request.args.get("liste", "0") == "1"
    with_search = request.args.get("recherche", "0") == "1"
    commune = request.args.get("commune", "")
    center = maps.commune_center(commune) if commune else None
    outcome = None
    if not problems and search.has_origin:
        outcome = run_search(search, problems)
    if outcome and outcome.origin:
        center = (outcome.origin.lat, outcome.origin.lon)
    zoom_level = int(zoom) if zoom.isdigit() and "zoom" not in problems.by_parameter else None
    carto_map = maps.new_map(center, zoom=zoom_level or (15 if outcome else 13))
    if outcome and outcome.origin:
        located = [r for r in outcome.results if r.distance_m is not None]
        maps.add_actors(carto_map, [result_marker(r) for r in located])
        maps.add_origin(carto_map, outcome.origin.lat, outcome.origin.lon)
        listed = [(r.actor, r) for r in outcome.results]
    else:
        actors = [a for a in matching_actors(search, commune) if a.location]
        maps.add_actors(maps.clustered(carto_map), [actor_marker(a) for a in actors])
        listed = [(a, None) for a in sorted(actors, key=lambda a: a.nom)]
    maps.add_contours(carto_map, [commune] if commune in COMMUNES else None)
    page = render_template("embed_map.html", map=maps.rendered(carto_map), listed=listed,
                           with_list=with_list, with_search=with_search, search=search,
                           problems=problems, args=request.args)
    return page, 400 if problems else 200


@blueprint.get("")
def builder() -> str:
    """Pick the filters, see the preview, copy the iframe snippet."""
    source = url_for("embed.embedded_map", _external=True, **_multi(request.args))
    return render_template("embed_builder.html", source=source, needs=NEEDS,
                           publics=PUBLICS, communes=COMMUNES, target_communes=TARGET_COMMUNES,
                           args=request.args)


def _multi(args):
    return {key: args.getlist(key) for key in args if any(args.getlist(key))}
