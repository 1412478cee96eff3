"""The public JSON API, ``/api/v1``: actors, nearest, geocoding, communes, and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from geo.actors.model import actor_to_feature
from geo.communes import COMMUNES
from geo.geocoding import to_geocodejson
from geo.store import ActorNotFound
from webmap.api.openapi import openapi_document
from webmap.errors import ApiError
from webmap.presenters import origin_json, result_json, transit_json
from webmap.query import ActorsQuery, GeocodeQuery, NearestQuery, parse, search_request
from webmap.security import private_response
from webmap.selection import matching_actors
from webmap.services import current_geocoder, current_store, run_search, served_communes, services

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
READ_MAX_AGE = 300


@blueprint.after_request
def public_reads(response: Response) -> Response:
    """Anyone may read: CORS on GET; ETag and Cache-Control on successful public reads (not on those
    that carry a resident's address or position)."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200 and not response.cache_control.no_store:
            response.cache_control.public = True
            response.cache_control.max_age = READ_MAX_AGE
            response.add_etag()
            response.make_conditional(request)
    return response


@blueprint.get("/actors")
def actors() -> Response:
    values = _query(ActorsQuery)
    selected = matching_actors(search_request(values), values.get("commune"), values.get("q", ""))
    features = [actor_to_feature(a) for a in sorted(selected, key=lambda a: a.id)]
    return jsonify({"type": "FeatureCollection", "features": features})


@blueprint.get("/actors/<actor_id>")
def actor(actor_id: str) -> Response:
    """One actor; its ETag (``"v3"``) is the version a change must name in If-Match."""
    try:
        stored = current_store().get(actor_id)
    except ActorNotFound:
        raise ApiError(404, {"id": f"aucun acteur « {actor_id[:80]} »"}) from None
    response = jsonify(actor_to_feature(stored.actor))
    response.set_etag(f"v{stored.version}")
    return response


@blueprint.get("/nearest")
def nearest() -> Response:
    values = _query(NearestQuery)
    outcome = run_search(search_request(values))
    return private_response(
        jsonify(
            {
                "origin": origin_json(outcome.origin),
                "profil": list(outcome.traits),
                "results": [result_json(r) for r in outcome.results],
                "transports": transit_json(services()),
            }
        )
    )


@blueprint.get("/geocode")
def geocode() -> Response:
    values = _query(GeocodeQuery)
    citycode = values.get("citycode")
    if citycode and not current_geocoder().covers(citycode=citycode):
        raise ApiError(400, {"citycode": f"aucun géocodeur configuré ne couvre la commune {citycode}"})
    results = current_geocoder().search(
        values["q"], limit=values.get("limit", 5), autocomplete=True, citycode=values.get("citycode")
    )
    return private_response(jsonify(to_geocodejson(results, values["q"])))


@blueprint.get("/communes")
def communes() -> Response:
    return jsonify(
        [
            {
                "code_insee": code,
                "nom": COMMUNES[code].nom,
                "codes_postaux": list(COMMUNES[code].codes_postaux),
                "ept": COMMUNES[code].ept,
                "bbox": list(COMMUNES[code].bbox),
            }
            for code in served_communes()
        ]
    )


@blueprint.get("/pack")
def pack() -> Response:
    """The field pack (docs/offline.md): what the tablet needs to search with no network. Public data;
    ETag, compressed, kept 5 minutes."""
    from webmap.services import current_pack

    version, body = current_pack()
    response = Response(body, mimetype="application/json")
    response.headers["X-Pack-Version"] = version
    return response


@blueprint.get("/pack/adresses")
def address_pack() -> Response:
    """One served commune's addresses for searching with no network (docs/offline.md)."""
    from webmap.services import current_address_pack

    commune = request.args.get("commune", "")
    if commune not in served_communes():
        raise ApiError(400, {"commune": "code INSEE d’une commune servie attendu"})
    body = current_address_pack(commune)
    if body is None:
        raise ApiError(404, {"commune": "pas d’adresses pour cette commune : lancez « carto data sync »"})
    return Response(body, mimetype="application/json")


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(
        openapi_document(url_for("api.actors", _external=True).rsplit("/actors", 1)[0], served_communes())
    )


def _query(schema) -> dict[str, Any]:
    """The query string's values as ``schema`` declares them; a 400 naming each faulty parameter."""
    values, problems = parse(schema, request.args)
    if problems:
        raise ApiError(400, problems)
    return values
