"""The query parameters of the pages, the API and the embed, declared once as marshmallow schemas:
webargs reads requests with them, apispec writes them into the OpenAPI document (``webmap.api.openapi``).

``parse`` gives the values and the problems, one French message per parameter; the pages show each
next to its field, the API answers 400 with them all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from webargs.multidictproxy import MultiDictProxy

from geo.actors.vocabularies import CATEGORIES, PUBLICS, THEMATIQUES
from geo.communes import COMMUNES
from geo.search.hours import PARIS, paris_time
from geo.search.needs import NEEDS
from geo.search.profile import TRAITS
from geo.search.ranking import TRANSIT_POOL
from geo.search.request import AGE_RANGE, DEPART_AHEAD_DAYS, K_RANGE, NO_PLACE, RADIUS_RANGE, SearchRequest

Problems = dict[str, str]
"""Parameter → what is wrong with it, in French."""

IN_WORDS = {
    "age": "l’âge",
    "lat": "la latitude (lat)",
    "lon": "la longitude (lon)",
    "k": "le nombre d’acteurs (k)",
    "rayon": "le rayon",
    "zoom": "le zoom",
    "limit": "le nombre de suggestions (limit)",
    "besoin": "besoin",
    "thematique": "thématique",
    "public": "public",
    "profil": "situation",
}
"""How a message names a parameter, in the French a volunteer reads."""


def _named(name: str) -> str:
    words = IN_WORDS.get(name, name)
    return words[0].upper() + words[1:]


_INTEGER = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"-?[0-9]{1,9}(?:[.,][0-9]{1,15})?")
_CITYCODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
MAX_ADDRESS = 200
MAX_TEXT_QUERY = 100


def parse_int(raw: str | None, low: int, high: int) -> int | None:
    """``raw`` as an integer from ``low`` to ``high``, or None: plain ASCII digits only (``str.isdigit``
    also accepts « ² » and « ① », which ``int`` refuses)."""
    raw = (raw or "").strip()
    if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
        return None
    return int(raw)


# --- fields: what people type in a URL, read strictly, refused in French --------------------------


class Whole(fields.Integer):
    """An integer in ``[low, high]``, in ASCII digits."""

    def __init__(self, low: int, high: int, **kwargs: Any):
        super().__init__(strict=False, validate=validate.Range(low, high), **kwargs)
        self.low, self.high = low, high

    def _deserialize(self, value, attr, data, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        if isinstance(value, str) and value and parse_int(value, self.low, self.high) is not None:
            return int(value)
        raise ValidationError(
            f"{_named(self.data_key or attr)} doit être un nombre entier entre {self.low} et {self.high}"
        )


class Decimal(fields.Float):
    """A decimal number in ``[low, high]``; a comma is read as a decimal point (« 48,86 »)."""

    def __init__(self, low: float, high: float, **kwargs: Any):
        super().__init__(allow_nan=False, validate=validate.Range(low, high), **kwargs)
        self.low, self.high = low, high

    def _deserialize(self, value, attr, data, **kwargs):
        name = self.data_key or attr
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value.strip()):
            raise ValidationError(f"{_named(name)} doit être un nombre")
        number = float(value.strip().replace(",", "."))
        if not self.low <= number <= self.high:
            raise ValidationError(
                f"{_named(name)} doit être comprise entre {self.low:g} et {self.high:g}"
                if IN_WORDS.get(name, "").startswith("la ")
                else f"{_named(name)} doit être compris entre {self.low:g} et {self.high:g}"
            )
        return number


class LazyOneOf(validate.OneOf):
    """``OneOf`` whose choices are read when first needed: the vocabularies load the data·inclusion
    schema package, which the service should not pay for at start-up."""

    def __init__(self, choices: Callable[[], Iterable[str]], error: str | None = None):
        self._load, self.error = choices, error or self.default_message
        self.labels, self.labels_text = [], ""

    @cached_property
    def choices(self) -> list[str]:  # type: ignore[override]
        return sorted(self._load())

    @cached_property
    def choices_text(self) -> str:  # type: ignore[override]
        return ", ".join(self.choices)


class Choices(fields.List):
    """Values of a vocabulary, repeated (``besoin=a&besoin=b``) or comma-separated, once each."""

    def __init__(self, allowed: Callable[[], Iterable[str]], **kwargs: Any):
        self.one_of = LazyOneOf(allowed)
        super().__init__(fields.String(validate=self.one_of), **kwargs)

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.one_of.choices)

    # A tuple where marshmallow's List gives a list: the SearchRequest it fills is frozen.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[str, ...]:
        name = self.data_key or attr or ""
        chosen: list[str] = []
        for raw in value if isinstance(value, list) else [value]:
            for item in str(raw).split(","):
                item = item.strip()
                if not item:
                    continue
                if item not in self.allowed:
                    raise ValidationError(
                        f"{_named(name)} inconnu{'e' if name == 'thematique' else ''} : {item[:60]}"
                    )
                if item not in chosen:
                    chosen.append(item)
        return tuple(chosen)


class Flag(fields.Field):
    """« 1 », « true », « on » or « oui »: yes; anything else: no."""

    def _deserialize(self, value, attr, data, **kwargs):
        return str(value).strip().lower() in ("1", "true", "on", "oui")


class Departure(fields.String):
    """« 08:30 » (today) or « 2026-12-03T08:30 », Paris time, from now to ``DEPART_AHEAD_DAYS`` ahead."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        now = paris_time()
        found = _DEPART.fullmatch(text)
        if found is None:
            raise ValidationError(DEPART_FORMAT)
        day_text, hours, minutes = found[1], int(found[2]), int(found[3])
        try:
            day = dt.date.fromisoformat(day_text) if day_text else now.date()
        except ValueError:
            raise ValidationError(DEPART_FORMAT) from None
        moment = dt.datetime.combine(day, dt.time(hours, minutes), PARIS)
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if not start <= moment < start + dt.timedelta(days=DEPART_AHEAD_DAYS + 1):
            raise ValidationError(f"depart : aujourd’hui ou dans les {DEPART_AHEAD_DAYS} jours qui viennent")
        return moment


DEPART_FORMAT = "depart : une heure (08:30) ou une date et une heure (2026-12-03T08:30)"
_DEPART = re.compile(r"(?:(\d{4}-\d{2}-\d{2})T)?([01]\d|2[0-3]):([0-5]\d)")
"""A day (optional) and a time; the pattern the OpenAPI document gives too (ECMA-262 and Python alike)."""


def _text(longest: int, too_long: str, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(max=longest, error=f"{too_long} ({longest} caractères au plus)"), **kwargs
    )


def _commune(description: str) -> fields.String:
    return fields.String(validate=_known_commune, metadata={"description": description})


def _known_commune(code: str) -> None:
    """Any commune the service holds reference data for (those synced since it started included)."""
    if code not in COMMUNES:
        raise ValidationError(f"commune inconnue : {code} (code INSEE attendu)")


# --- the schemas -----------------------------------------------------------------------------------


class Filters(Schema):
    """What a list or a map of actors is narrowed to."""

    class Meta:
        unknown = EXCLUDE

    commune = _commune("Commune (code INSEE) : celle des acteurs, ou du résident pour une recherche.")
    besoin = Choices(lambda: NEEDS, metadata={"description": "Besoin en mots simples (répétable)."})
    thematique = Choices(
        lambda: [*THEMATIQUES, *CATEGORIES],
        metadata={"description": "Thématique data·inclusion ou sa catégorie (répétable)."},
    )
    public = Choices(
        lambda: PUBLICS,
        metadata={
            "description": (
                "Public data·inclusion du résident (répétable) : classe et explique les résultats, "
                "n’en retire aucun."
            )
        },
    )


class ActorsQuery(Filters):
    q = _text(
        MAX_TEXT_QUERY,
        "q trop long",
        metadata={"description": "Texte cherché dans le nom, la description et l’adresse."},
    )


class SearchQuery(Filters):
    """A resident's search; the place may be missing (a map without a search)."""

    adresse = _text(MAX_ADDRESS, "adresse trop longue", metadata={"description": "Adresse du résident."})
    lat = Decimal(-90, 90, metadata={"description": "Latitude WGS84 (avec lon)."})
    lon = Decimal(-180, 180, metadata={"description": "Longitude WGS84 (avec lat)."})
    citycode = fields.String(
        validate=validate.Regexp(_CITYCODE, error="citycode doit être un code INSEE (5 caractères)"),
        metadata={
            "description": "Commune (INSEE) du point, quand une suggestion choisie l’a nommée : "
            "le point n’est pas géocodé de nouveau."
        },
    )
    age = Whole(*AGE_RANGE, metadata={"description": "Âge du résident."})
    profil = Choices(
        lambda: TRAITS,
        metadata={
            "description": (
                "Situation du résident en mots simples (répétable : moins-de-26-ans, rsa, rqth, qpv) : "
                "classe et explique les résultats, n’en retire aucun."
            )
        },
    )
    qpv_vu = Flag(
        metadata={
            "description": (
                "1 : la situation « qpv » est celle donnée par `profil`. Sinon, une adresse dans un "
                "quartier prioritaire (contours synchronisés) compte comme « qpv »."
            ),
            "enum": ["0", "1"],
        }
    )
    k = Whole(*K_RANGE, metadata={"description": "Nombre d’acteurs (5 par défaut)."})
    rayon = Decimal(*RADIUS_RANGE, metadata={"description": "Rayon en mètres."})
    tous = Flag(
        metadata={
            "description": "1 : montrer aussi les acteurs auxquels le résident n’a pas droit.",
            "enum": ["0", "1"],
        }
    )
    transports = Flag(
        metadata={
            "description": (
                "1 : « il peut prendre le bus » — classer par le plus court du trajet à pied et en "
                "transports en commun (quand des horaires sont importés), parmi les "
                f"{TRANSIT_POOL} × k acteurs les mieux placés à pied ({K_RANGE[1]} au plus)."
            ),
            "enum": ["0", "1"],
        }
    )
    depart = Departure(
        metadata={
            "description": (
                "Heure de départ (heure de Paris) : « 08:30 » aujourd’hui, ou « 2026-12-03T08:30 », "
                f"jusqu’à {DEPART_AHEAD_DAYS} jours à l’avance ; maintenant sinon. Les trajets en "
                "transports en commun et les horaires d’ouverture sont pour ce moment-là."
            ),
            "pattern": f"^{_DEPART.pattern}$",
        }
    )

    @validates_schema
    def _point_whole(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("lat" in data) != ("lon" in data):
            raise ValidationError("lat et lon vont ensemble", "lon" if "lat" in data else "lat")


class NearestQuery(SearchQuery):
    """A resident's search, whose place is required."""

    @validates_schema
    def _place_given(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("adresse", "").strip() and "lat" not in data and "lon" not in data:
            raise ValidationError(NO_PLACE, "adresse")


class EmbedQuery(SearchQuery):
    zoom = Whole(5, 19, metadata={"description": "Zoom de la carte."})
    liste = Flag(metadata={"description": "1 : la liste des acteurs à côté de la carte.", "enum": ["0", "1"]})
    recherche = Flag(metadata={"description": "1 : un champ de recherche d’adresse.", "enum": ["0", "1"]})


class GeocodeQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    q = _text(
        MAX_ADDRESS,
        "q trop long",
        required=True,
        error_messages={"required": "q est requis"},
        metadata={"description": "Début d’adresse.", "minLength": 1, "pattern": r"\S"},
    )
    limit = Whole(1, 20, metadata={"description": "Nombre de suggestions (5 par défaut)."})
    citycode = _commune("Chercher dans cette commune (INSEE), celle du résident.")


class CreateQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    doublon = fields.String(
        validate=validate.OneOf(["confirme"]),
        metadata={"description": "« confirme » : créer malgré un doublon probable."},
    )


# --- reading ---------------------------------------------------------------------------------------


def parse(schema: type[Schema], args) -> tuple[dict[str, Any], Problems]:
    """The values of ``args`` (a query string's MultiDict) that ``schema`` declares, and the problems
    of the others; blank values count as absent."""
    instance = schema()
    present = type(args)((key, value) for key, value in args.items(multi=True) if value.strip())
    try:
        return instance.load(MultiDictProxy(present, instance)), {}
    except ValidationError as error:
        return dict(error.valid_data or {}), _first_messages(error.normalized_messages())


def search_request(values: Mapping[str, Any]) -> SearchRequest:
    """The core's request from parsed search values (``SearchQuery`` and its kin)."""
    address = (values.get("adresse") or "").strip()
    point = "lat" in values and "lon" in values
    named = point and address and values.get("citycode")
    return SearchRequest(
        address=address,
        lat=values["lat"] if point else None,
        lon=values["lon"] if point else None,
        place_label=address if named else None,
        place_citycode=values["citycode"] if named else None,
        needs=values.get("besoin", ()),
        thematiques=values.get("thematique", ()),
        publics=values.get("public", ()),
        traits=values.get("profil", ()),
        age=values.get("age"),
        commune=values.get("commune"),
        k=values.get("k", 5),
        radius=values.get("rayon"),
        include_ineligible=values.get("tous", False),
        qpv_seen=values.get("qpv_vu", False),
        depart=values.get("depart"),
        by_transit=values.get("transports", False),
    )


def _first_messages(messages: Mapping[str, Any]) -> Problems:
    problems: Problems = {}
    for name, found in messages.items():
        while isinstance(found, (list, dict)) and found:
            found = found[0] if isinstance(found, list) else next(iter(found.values()))
        problems[name] = str(found)
    return problems
