"""The OpenAPI 3 description of ``/api/v1``; a test checks it against the routes."""

from __future__ import annotations

from typing import Any

from geo.needs import NEEDS
from geo.vocabularies import PUBLICS

_ERROR = {"description": "Paramètre invalide : `parametres` nomme chacun avec son problème.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _param(name: str, description: str, schema: dict[str, Any], required: bool = False,
           explode: bool | None = None) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "description": description, "required": required,
                 "schema": schema}
    if explode is not None:
        parameter["explode"] = explode
    return parameter


_FILTERS = [
    _param("thematique", "Thématique data·inclusion ou sa catégorie (répétable).",
           {"type": "array", "items": {"type": "string"}}, explode=True),
    _param("besoin", "Besoin en mots simples (répétable).",
           {"type": "array", "items": {"type": "string", "enum": sorted(NEEDS)}}, explode=True),
    _param("public", "Public data·inclusion (répétable).",
           {"type": "array", "items": {"type": "string", "enum": sorted(PUBLICS)}}, explode=True),
]


def openapi_document(server: str) -> dict[str, Any]:
    geojson = {"application/geo+json": {"schema": {"type": "object"}},
               "application/json": {"schema": {"type": "object"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "carto-insertion", "version": "1.0.0",
                 "description": "Acteurs de l’emploi, de la formation et de l’insertion à Montreuil, "
                                "Bagnolet, Clichy-sous-Bois, Épinay-sur-Seine et Villetaneuse."},
        "servers": [{"url": server}],
        "paths": {
            "/actors": {"get": {
                "summary": ("Acteurs ouverts ou à vérifier (GeoJSON FeatureCollection, champs "
                            "data·inclusion ; les acteurs fermés n’y sont pas)"),
                "operationId": "listActors",
                "parameters": [
                    _param("commune", "Code INSEE de la commune.", {"type": "string"}),
                    *_FILTERS,
                    _param("q", "Texte cherché dans le nom, la description et l’adresse.",
                           {"type": "string", "maxLength": 100}),
                ],
                "responses": {"200": {"description": "FeatureCollection", "content": geojson},
                              "400": _ERROR}}},
            "/actors/{actor_id}": {"get": {
                "summary": "Un acteur (Feature GeoJSON)", "operationId": "getActor",
                "parameters": [{"name": "actor_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Feature", "content": geojson},
                              "404": _ERROR}}},
            "/nearest": {"get": {
                "summary": "Acteurs pertinents les plus proches d’une adresse ou d’un point",
                "operationId": "nearest",
                "parameters": [
                    _param("adresse", "Adresse du résident.", {"type": "string", "maxLength": 200}),
                    _param("lat", "Latitude WGS84 (avec lon).", {"type": "number"}),
                    _param("lon", "Longitude WGS84 (avec lat).", {"type": "number"}),
                    *_FILTERS,
                    _param("age", "Âge du résident.", {"type": "integer", "minimum": 0, "maximum": 120}),
                    _param("commune", "Commune de résidence (INSEE).", {"type": "string"}),
                    _param("k", "Nombre d’acteurs.", {"type": "integer", "minimum": 1, "maximum": 50}),
                    _param("rayon", "Rayon en mètres.", {"type": "number", "minimum": 1}),
                    _param("tous", "1 : montrer aussi les acteurs non éligibles.",
                           {"type": "string", "enum": ["0", "1"]}),
                ],
                "responses": {"200": {"description": "Origine et résultats",
                                      "content": {"application/json": {"schema": {
                                          "$ref": "#/components/schemas/Nearest"}}}},
                              "400": _ERROR, "404": _ERROR, "503": _ERROR}}},
            "/geocode": {"get": {
                "summary": "Autocomplétion d’adresses (GeocodeJSON)", "operationId": "geocode",
                "parameters": [
                    _param("q", "Début d’adresse.", {"type": "string", "maxLength": 200}, required=True),
                    _param("limit", "Nombre de suggestions.", {"type": "integer", "minimum": 1,
                                                               "maximum": 20}),
                    _param("citycode", "Limiter à une commune (INSEE).", {"type": "string"}),
                ],
                "responses": {"200": {"description": "GeocodeJSON", "content": geojson},
                              "400": _ERROR, "503": _ERROR}}},
            "/communes": {"get": {
                "summary": "Les communes servies", "operationId": "communes",
                "responses": {"200": {"description": "Communes", "content": {"application/json": {
                    "schema": {"type": "array", "items": {"type": "object"}}}}}}}},
            "/openapi.json": {"get": {
                "summary": "Ce document", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["status", "message", "parametres"], "properties": {
                "status": {"type": "integer"}, "message": {"type": "string"},
                "parametres": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "Nearest": {"type": "object", "required": ["origin", "results"], "properties": {
                "origin": {"type": "object"},
                "results": {"type": "array", "items": {"type": "object"}}}},
        }},
    }
