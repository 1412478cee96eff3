"""The OpenAPI 3 description of ``/api/v1``, built with apispec; a test checks it against the routes.

Query parameters come from the schemas that read them (``webmap.query``), so the document and the
parsing cannot drift apart; the actor's schema comes from the validator's types and limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geo.actors.fields import LIST_ITEM_LIMIT, LIST_LIMIT, Field
from geo.actors.model import FIELDS
from geo.actors.validation import ID_PATTERN, MAX_ID_LENGTH
from geo.campaigns.encounters import MAX_BATCH
from geo.communes import COMMUNES
from webmap.api.write import IF_MATCH_PATTERN

_ERROR = {
    "description": "Paramètre invalide : `parametres` nomme chacun avec son problème.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _error(description: str) -> dict[str, Any]:
    return {**_ERROR, "description": description}


_TOO_LONG = {"description": "URL de plus de 4 094 caractères : refusée par le serveur web (gunicorn)."}
_ID_PATTERN = f"^({ID_PATTERN})$"
_ACTOR_ID = {
    "name": "actor_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": _ID_PATTERN, "maxLength": MAX_ID_LENGTH},
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": 'La version lue : l’ETag de GET /actors/{actor_id} (« "v3" »).',
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
}
_FEATURE = {
    "content": {
        "application/geo+json": {"schema": {"$ref": "#/components/schemas/Actor"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/Actor"}},
    }
}

_ACTOR_LINKS = {
    verb + "Actor": {
        "operationId": verb + "Actor",
        "parameters": {
            "path.actor_id": "$response.body#/id",
            **({"header.If-Match": "$response.header.ETag"} if verb != "get" else {}),
        },
    }
    for verb in ("get", "replace", "patch", "retire")
}
"""What a client may do next with the actor it just wrote: its id and its version (ETag)."""
_WRITE_ERRORS = {
    "400": _error("Acteur invalide : `parametres` nomme chaque champ fautif."),
    "401": _error("Authentification requise (jeton personnel ou session de gestionnaire)."),
    "403": _error("Réservé aux gestionnaires."),
    "414": _TOO_LONG,
    "413": _error("Corps trop volumineux."),
}
_VERSIONED = {
    "404": _error("Aucun acteur de cet identifiant."),
    "412": _error("L’acteur a changé depuis votre lecture : `actuel` donne sa version en place."),
    "428": _error("En-tête If-Match absent."),
}


def _feature_body() -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Actor"}, "example": EXAMPLE_ACTOR}
        },
    }


def actor_schema() -> dict[str, Any]:
    """An actor Feature as the API takes and gives it: each property from its declaration."""
    properties = {declared.name: property_schema(declared) for declared in FIELDS}
    return {
        "type": "object",
        "required": ["type", "id", "properties"],
        "description": "Un acteur (Feature GeoJSON, champs data·inclusion v1 ; docs/data-model.md).",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string", "pattern": _ID_PATTERN, "maxLength": MAX_ID_LENGTH},
            "geometry": {
                "type": "object",
                "nullable": True,
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 2,
                        "items": {"type": "number"},
                    },
                },
            },
            "properties": {
                "type": "object",
                "additionalProperties": False,
                "required": [declared.name for declared in FIELDS if declared.required],
                "properties": properties,
            },
        },
    }


def property_schema(declared: Field) -> dict[str, Any]:
    """One property's JSON schema: its type, limits, form and vocabulary, as declared."""
    schema: dict[str, Any]
    if declared.kind == "list":
        item: dict[str, Any] = {"type": "string", "maxLength": LIST_ITEM_LIMIT}
        if declared.vocabulary is not None:
            item = {"type": "string", "enum": sorted(declared.vocabulary)}
        elif declared.item_pattern:
            item["pattern"] = f"^({declared.item_pattern})$"
        schema = {"type": "array", "maxItems": LIST_LIMIT, "items": item}
    elif declared.kind in ("integer", "number"):
        schema = {"type": declared.kind, "minimum": declared.minimum, "maximum": declared.maximum}
    elif declared.vocabulary is not None:
        schema = {"type": "string", "enum": sorted(declared.vocabulary)}
    else:
        schema = {"type": "string", "maxLength": declared.max_length}
        if declared.required:
            schema["minLength"] = declared.min_length or 1
        if declared.pattern:
            schema["pattern"] = f"^({declared.pattern})$" if declared.required else f"^({declared.pattern})?$"
        if declared.kind == "date":
            schema.update(format="date", pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    return {**schema, "nullable": True} if declared.nullable else schema


_WRITERS: list[dict[str, list[str]]] = [{"jeton": []}, {"session": []}]
EXAMPLE_ACTOR = {
    "type": "Feature",
    "id": "exemple-fictif",
    "geometry": {"type": "Point", "coordinates": [2.4402, 48.8602]},
    "properties": {
        "nom": "Exemple fictif (documentation)",
        "kind": "association_accompagnement_emploi",
        "source": "exemple fictif de la documentation de l’API",
        "date_source": "2026-01-15",
        "statut": "a_verifier",
        "adresse": "1 rue Fictive",
        "code_postal": "93100",
        "code_insee": "93048",
        "commune": "Montreuil",
        "location_source": "manager",
    },
}
"""A made-up actor (its name says so), the example of the write endpoints."""


def encounter_schema() -> dict[str, Any]:
    """One encounter as the tablet sends it: every field known and bounded, nothing else accepted."""
    from geo.campaigns.model import ACCOMPANIERS, AGE_BANDS, ANSWERS, YES_NO
    from geo.search.needs import NEEDS

    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "campagne", "date", "en_recherche"],
        "anyOf": [{"required": ["commune"]}, {"required": ["lat", "lon"]}],
        "description": (
            "`commune` (INSEE) ou `lat`/`lon` : une position est réduite à sa commune et son "
            "IRIS, puis oubliée. Aucun champ pour un nom, une adresse, un téléphone ou un "
            "texte libre."
        ),
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "UUID fait par la tablette."},
            "campagne": {"type": "integer", "minimum": 1},
            "date": {"type": "string", "format": "date"},
            "commune": {"type": "string", "pattern": "^[0-9][0-9AB][0-9]{3}$"},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "en_recherche": {"type": "string", "enum": list(ANSWERS)},
            "accompagne": {"type": "string", "enum": list(YES_NO)},
            "accompagne_par": {"type": "string", "enum": list(ACCOMPANIERS)},
            "mise_en_lien": {"type": "boolean"},
            "acteurs": {"type": "array", "maxItems": 10, "items": {"type": "string", "pattern": _ID_PATTERN}},
            "demo_mes_offres": {"type": "boolean"},
            "tranche_age": {"type": "string", "enum": list(AGE_BANDS)},
            "besoins": {"type": "array", "items": {"type": "string", "enum": list(NEEDS)}},
        },
        "example": {
            "id": "6f1c8a52-3c1e-4a57-9a43-0b7d2f9e6c11",
            "campagne": 1,
            "date": "2026-11-20",
            "commune": "93048",
            "en_recherche": "oui",
            "accompagne": "non",
            "mise_en_lien": False,
            "demo_mes_offres": True,
        },
    }


def openapi_document(server: str, served: Sequence[str] = ()) -> dict[str, Any]:
    """The document for a service at ``server`` serving the communes ``served``: a commune parameter
    lists the communes the service knows (``served`` for the address pack)."""
    document = _document(server)
    for item in document["paths"].values():
        for operation in item.values():
            named = _COMMUNE_PARAMETERS.get(operation["operationId"])
            codes = served if operation["operationId"] in _SERVED_ONLY else sorted(COMMUNES)
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                if parameter["name"] == named:
                    parameter["schema"] = {"type": "string", "enum": list(codes)}
                if not parameter.get("required"):
                    parameter["allowEmptyValue"] = True  # a blank field of a form: no filter
    return document


_COMMUNE_PARAMETERS = {
    "listActors": "commune",
    "nearest": "commune",
    "geocode": "citycode",
    "addressPack": "commune",
}
"""The query parameter of each operation that names a commune the service knows (a served one for the
geocoder and the address pack); /nearest's ``citycode`` names the point's commune, any INSEE code, and
keeps its pattern."""
_SERVED_ONLY = ("geocode", "addressPack")


def _document(server: str) -> dict[str, Any]:
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    from webmap.query import (
        ActorsQuery,
        CreateQuery,
        Flag,
        GeocodeQuery,
        NearestQuery,
        Whole,
    )

    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="carto-insertion",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[marshmallow],
        info={
            "description": "Acteurs de l’emploi, de la formation et de l’insertion à Montreuil, "
            "Bagnolet, Clichy-sous-Bois, Épinay-sur-Seine et Villetaneuse."
        },
        servers=[{"url": server}],
    )
    marshmallow.map_to_openapi_type(Flag, "string", None)
    marshmallow.map_to_openapi_type(Whole, "integer", None)
    spec.components.security_scheme(
        "jeton",
        {"type": "http", "scheme": "bearer", "description": "Jeton personnel (`carto users token EMAIL`)."},
    )
    spec.components.security_scheme(
        "session",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-CSRFToken",
            "description": "Session de gestionnaire, avec son jeton CSRF.",
        },
    )
    spec.components.schema("Actor", actor_schema())
    spec.components.schema(
        "Error",
        {
            "type": "object",
            "required": ["status", "message", "parametres"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "parametres": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    )
    spec.components.schema(
        "Nearest",
        {
            "type": "object",
            "required": ["origin", "profil", "results", "transports"],
            "properties": {
                "origin": {
                    "type": "object",
                    "description": "Où commence la recherche : label, lon, lat, citycode, iris {code, nom}, "
                    "qpv {code, nom} (le quartier prioritaire du point, une fois leurs contours "
                    "synchronisés ; null sinon), score.",
                },
                "profil": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "La situation prise en compte : celle demandée, et « qpv » quand "
                    "l’adresse est dans un quartier prioritaire (sauf qpv_vu=1).",
                },
                "results": {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "Les acteurs, dans l’ordre du résident ; `trajet` : à pied ; "
                    "`transport` : en transports en commun au départ de maintenant (minutes, départ, "
                    "arrivée, changements, `trajets` ligne par ligne, `etapes` en mots), quand des "
                    "horaires sont importés et qu’un trajet arrive avant la marche ; null sinon.",
                },
                "transports": {
                    "type": "object",
                    "nullable": True,
                    "description": "Les horaires derrière `transport` (editeur, valable_du, valable_au, "
                    "a_jour, message) ; null sans horaires importés. Hors de leurs dates, aucun "
                    "trajet n’est proposé et `message` le dit.",
                },
            },
        },
    )

    def query(schema) -> dict[str, Any]:
        return {"in": "query", "schema": schema}

    geojson = {
        "application/geo+json": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object"}},
    }
    spec.path(
        path="/actors",
        operations={
            "get": {
                "summary": (
                    "Acteurs ouverts ou à vérifier (GeoJSON FeatureCollection, champs "
                    "data·inclusion ; les acteurs fermés n’y sont pas)"
                ),
                "operationId": "listActors",
                "parameters": [query(ActorsQuery)],
                "responses": {
                    "200": {"description": "FeatureCollection", "content": geojson},
                    "400": _ERROR,
                    "414": _TOO_LONG,
                },
            },
            "post": {
                "summary": "Créer un acteur (gestionnaires)",
                "operationId": "createActor",
                "security": _WRITERS,
                "parameters": [query(CreateQuery)],
                "requestBody": _feature_body(),
                "responses": {
                    "201": {"description": "Créé ; ETag : sa version", **_FEATURE, "links": _ACTOR_LINKS},
                    **_WRITE_ERRORS,
                    "409": _error("Identifiant pris, ou doublon probable non confirmé."),
                },
            },
        },
    )
    spec.path(
        path="/actors/{actor_id}",
        operations={
            "get": {
                "summary": "Un acteur (Feature GeoJSON) ; ETag : sa version",
                "operationId": "getActor",
                "parameters": [_ACTOR_ID],
                "responses": {"200": {"description": "Feature", "content": geojson}, "404": _ERROR},
            },
            "put": {
                "summary": "Remplacer un acteur (gestionnaires)",
                "operationId": "replaceActor",
                "security": _WRITERS,
                "parameters": [_ACTOR_ID, _IF_MATCH],
                "requestBody": _feature_body(),
                "responses": {
                    "200": {"description": "Nouvelle version", **_FEATURE, "links": _ACTOR_LINKS},
                    **_WRITE_ERRORS,
                    **_VERSIONED,
                },
            },
            "patch": {
                "summary": "Modifier quelques champs (gestionnaires)",
                "operationId": "patchActor",
                "security": _WRITERS,
                "parameters": [_ACTOR_ID, _IF_MATCH],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["properties"],
                                "properties": {
                                    "properties": {
                                        "type": "object",
                                        "description": "Les champs changés (voir Actor).",
                                    },
                                    "geometry": {"type": "object", "nullable": True},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "Nouvelle version", **_FEATURE},
                    **_WRITE_ERRORS,
                    **_VERSIONED,
                },
            },
            "delete": {
                "summary": "Retirer un acteur (statut « ferme » ; l’historique reste)",
                "operationId": "retireActor",
                "security": _WRITERS,
                "parameters": [_ACTOR_ID, _IF_MATCH],
                "responses": {
                    "200": {"description": "Version retirée", **_FEATURE},
                    **_WRITE_ERRORS,
                    **_VERSIONED,
                },
            },
        },
    )
    spec.path(
        path="/nearest",
        operations={
            "get": {
                "summary": "Acteurs pertinents les plus proches d’une adresse ou d’un point",
                "operationId": "nearest",
                "parameters": [query(NearestQuery)],
                "responses": {
                    "200": {
                        "description": "Origine et résultats",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nearest"}}},
                    },
                    "400": _ERROR,
                    "404": _ERROR,
                    "414": _TOO_LONG,
                    "503": _ERROR,
                },
            }
        },
    )
    spec.path(
        path="/geocode",
        operations={
            "get": {
                "summary": "Autocomplétion d’adresses (GeocodeJSON)",
                "operationId": "geocode",
                "parameters": [query(GeocodeQuery)],
                "responses": {
                    "200": {"description": "GeocodeJSON", "content": geojson},
                    "400": _ERROR,
                    "414": _TOO_LONG,
                    "503": _ERROR,
                },
            }
        },
    )
    spec.path(
        path="/communes",
        operations={
            "get": {
                "summary": "Les communes servies",
                "operationId": "communes",
                "responses": {
                    "200": {
                        "description": "Communes",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
                        },
                    }
                },
            }
        },
    )
    spec.components.schema("Encounter", encounter_schema())
    spec.path(
        path="/rencontres",
        operations={
            "post": {
                "summary": (
                    "Noter des rencontres de campagne (bénévoles de la campagne et gestionnaires) : une, "
                    "ou une liste de 1 à 500, toutes ou aucune ; un `id` déjà reçu avec les mêmes réponses "
                    "ne change rien"
                ),
                "operationId": "postEncounters",
                "security": _WRITERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Encounter"},
                                    {
                                        "type": "array",
                                        "minItems": 1,
                                        "maxItems": MAX_BATCH,
                                        "items": {"$ref": "#/components/schemas/Encounter"},
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Reçues",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["recues", "nouvelles", "deja_recues"],
                                    "properties": {
                                        name: {"type": "integer"}
                                        for name in ("recues", "nouvelles", "deja_recues")
                                    },
                                }
                            }
                        },
                    },
                    "400": _error(
                        "Rencontre refusée : `parametres` nomme « [index].champ » ; un champ qui "
                        "identifierait le résident (nom, adresse, téléphone…) refuse le lot."
                    ),
                    "401": _error("Authentification requise (jeton personnel ou session)."),
                    "403": _error("Réservé aux bénévoles et gestionnaires."),
                    "409": _error(
                        "Un `id` déjà reçu avec d’autres réponses ou pour une autre campagne : "
                        "`parametres` nomme « [index].id » ; rien du lot n’est enregistré."
                    ),
                    "413": _error("Corps trop volumineux."),
                    "414": _TOO_LONG,
                },
            }
        },
    )
    spec.path(
        path="/campagnes/{campaign_id}/bilan",
        operations={
            "get": {
                "summary": (
                    "Bilan d’une campagne (gestionnaires) : chiffres exacts de la campagne, répartitions "
                    "(« < 5 » sous 5, « masqué » pour qu’aucune case ne se retrouve par différence), "
                    "acteurs, historique agrégé"
                ),
                "operationId": "campaignBilan",
                "security": _WRITERS,
                "parameters": [
                    {
                        "name": "campaign_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Bilan",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["campagne", "rencontres", "repartitions"],
                                }
                            }
                        },
                    },
                    "401": _error("Authentification requise."),
                    "403": _error("Réservé aux gestionnaires."),
                    "404": _error("Aucune campagne de ce numéro."),
                    "414": _TOO_LONG,
                },
            }
        },
    )
    spec.path(
        path="/pack",
        operations={
            "get": {
                "summary": (
                    "Le paquet de terrain : acteurs servis, besoins, règles d’éligibilité et de classement "
                    "en données, horaires ouverts des 12 prochains mois, contours des communes et IRIS"
                ),
                "operationId": "fieldPack",
                "responses": {
                    "200": {
                        "description": "Paquet (ETag ; compressé)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["format", "version", "acteurs", "regles"],
                                }
                            }
                        },
                    }
                },
            }
        },
    )
    spec.path(
        path="/pack/adresses",
        operations={
            "get": {
                "summary": (
                    "Les adresses d’une commune servie (index BAN local), pour chercher une adresse sans "
                    "réseau : voies, numéros et tables de normalisation"
                ),
                "operationId": "addressPack",
                "parameters": [
                    {
                        "name": "commune",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9][0-9AB][0-9]{3}$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Adresses (ETag ; compressé)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["commune", "voies", "normalisation"],
                                }
                            }
                        },
                    },
                    "400": _ERROR,
                    "404": _error("Pas d’index d’adresses pour cette commune."),
                    "414": _TOO_LONG,
                },
            }
        },
    )
    spec.path(
        path="/openapi.json",
        operations={
            "get": {
                "summary": "Ce document",
                "operationId": "openapi",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    )
    return spec.to_dict()
