"""Curation through the API: POST/PUT/PATCH/DELETE on /api/v1/actors, for managers only.

A client authenticates with a personal token (``Authorization: Bearer …``, ``carto users token``)
or with a manager's session plus the CSRF token in ``X-CSRFToken``. Every change of an existing actor
names the version it started from in ``If-Match`` (the ETag of GET /api/v1/actors/<id>): missing →
428, stale → 412 with the current version, so that no edit is ever lost.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask_wtf.csrf import CSRFError, validate_csrf

from geo.actors.duplicates import probable_duplicates
from geo.actors.model import Actor, actor_from_feature, actor_to_feature
from geo.actors.validation import is_actor_id, validate_feature
from geo.store import ActorNotFound, DuplicateActor, InvalidActor, StaleVersion
from webmap.auth.services import CURATORS, author, check_role
from webmap.errors import ApiError
from webmap.query import CreateQuery, parse, parse_int
from webmap.services import current_actors, current_store

blueprint = Blueprint("api_write", __name__, url_prefix="/api/v1")


@blueprint.before_request
def curators_with_csrf() -> None:
    check_role(CURATORS)
    check_csrf_header()


def check_csrf_header() -> None:
    """A session proves the page it writes from with ``X-CSRFToken``; a personal token needs none."""
    if not g.get("token_auth"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except CSRFError:
            raise ApiError(400, {"X-CSRFToken": "jeton CSRF absent ou invalide"}) from None
        except Exception:  # wtforms.ValidationError
            raise ApiError(400, {"X-CSRFToken": "jeton CSRF absent ou invalide"}) from None


@blueprint.post("/actors")
def create() -> Response:
    feature = _feature_from_body()
    actor = _valid(feature)
    duplicates = probable_duplicates(actor, current_actors())
    confirmed = parse(CreateQuery, request.args)[0].get("doublon") == "confirme"
    if duplicates and not confirmed:
        raise ApiError(
            409,
            {
                "id": "doublon probable : "
                + "; ".join(f"{other.id} ({reason})" for other, reason in duplicates)
                + " — ?doublon=confirme pour créer"
            },
        )
    try:
        stored = current_store().create(actor, author())
    except DuplicateActor:
        raise ApiError(409, {"id": f"l’identifiant {actor.id} existe déjà"}) from None
    return _stored_response(stored, 201)


@blueprint.put("/actors/<actor_id>")
def replace(actor_id: str) -> Response:
    feature = _feature_from_body()
    feature["id"] = actor_id
    actor = _valid(feature)  # a bad body is a 400 whatever the version it names
    return _update(actor_id, lambda current: actor)


@blueprint.patch("/actors/<actor_id>")
def patch(actor_id: str) -> Response:
    body = json_body()
    properties = body.get("properties", {}) if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise ApiError(400, {"properties": "un objet « properties » est attendu"})

    def merged(current):
        feature = actor_to_feature(current)
        feature["properties"].update(properties)
        if "geometry" in body:
            feature["geometry"] = body["geometry"]
        return _valid(feature)

    return _update(actor_id, merged)


@blueprint.delete("/actors/<actor_id>")
def retire(actor_id: str) -> Response:
    return _update(actor_id, lambda current: dataclasses.replace(current, statut="ferme"))


def _update(actor_id: str, change: Callable[[Actor], Actor]) -> Response:
    if not is_actor_id(actor_id):  # no actor has that id, whatever the version named
        raise ApiError(404, {"id": f"aucun acteur « {actor_id[:80]} »"})
    expected = _if_match()
    try:
        current = current_store().get(actor_id)
    except ActorNotFound:
        raise ApiError(404, {"id": f"aucun acteur « {actor_id[:80]} »"}) from None
    if current.version != expected:
        return _stale(current)
    try:
        stored = current_store().update(change(current.actor), expected, author())
    except StaleVersion as stale:
        return _stale(stale.current)
    except InvalidActor as invalid:
        raise ApiError(400, {p.field: f"{p.message}" for p in invalid.problems}) from None
    return _stored_response(stored, 200)


def _stale(current) -> Response:
    response = jsonify(
        {
            "status": 412,
            "message": "l’acteur a changé depuis votre lecture",
            "parametres": {"If-Match": f"version actuelle : v{current.version}"},
            "actuel": actor_to_feature(current.actor),
        }
    )
    response.status_code = 412
    response.set_etag(f"v{current.version}")
    return response


IF_MATCH_PATTERN = r'^(W/)?"v([0-9]{1,9})(:(br|gzip|zstd|deflate))?"$'
"""An actor's ETag as If-Match takes it: « "v3" »; a compressed answer's ETag names its coding too
(« "v3:br" », flask-compress), for the same version."""
_IF_MATCH = re.compile(IF_MATCH_PATTERN)


def _if_match() -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise ApiError(428, {"If-Match": "indiquez la version lue (ETag de GET /api/v1/actors/<id>)"})
    found = _IF_MATCH.match(header.strip())
    if found is None:
        raise ApiError(400, {"If-Match": f'ETag attendu (« "v3" »), pas : {header[:40]}'})
    version = parse_int(found.group(2), 1, 10**9 - 1)
    if version is None:
        raise ApiError(412, {"If-Match": f"version inconnue : {header[:40]}"})
    return version


def json_body() -> Any:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, {"corps": "JSON trop imbriqué"}) from None
    if body is None:
        raise ApiError(400, {"corps": "un corps JSON est attendu"})
    return body


def _feature_from_body() -> dict:
    body = json_body()
    if not isinstance(body, dict) or body.get("type") != "Feature":
        raise ApiError(400, {"corps": "une Feature GeoJSON est attendue"})
    return body


def _valid(feature: dict):
    problems = validate_feature(feature)
    if problems:
        raise ApiError(400, {p.field: p.message for p in problems})
    return actor_from_feature(feature)


def _stored_response(stored, status: int) -> Response:
    response = jsonify(actor_to_feature(stored.actor))
    response.status_code = status
    response.set_etag(f"v{stored.version}")
    return response
