"""Validation of actor records: returns problems as data, for the CLI, the API and the forms alike.

Each check looks at one field and explains, in French, what a manager must fix. Nothing here raises on
bad input: a broken record yields problems, never an exception.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import opening_hours
import phonenumbers

from geo.actors.kinds import KINDS
from geo.actors.model import LIST_FIELDS
from geo.actors.vocabularies import (
    FRAIS,
    LOCATION_SOURCES,
    MODES_ACCUEIL,
    MODES_MOBILISATION,
    PERSONNES_MOBILISATRICES,
    PUBLICS,
    RESEAUX_PORTEURS,
    STATUTS,
    THEMATIQUES,
)
from geo.communes import COMMUNES, find_commune
from geo.mailbox import is_email

MAX_DISTANCE_OUTSIDE_COMMUNE_M = 1_000
"""How far outside its commune's bounding box an actor may sit before we call it misplaced."""

MAX_ID_LENGTH = 80
"""Identifiers appear in URLs: short, lower-case slugs."""

TEXT_LIMITS: Mapping[str, int] = {
    "nom": 150,
    "kind": 64,
    "statut": 20,
    "description": 2_000,
    "adresse": 200,
    "complement_adresse": 200,
    "code_postal": 5,
    "code_insee": 5,
    "commune": 100,
    "horaires_accueil": 500,
    "siret": 14,
    "telephone": 30,
    "courriel": 200,
    "site_web": 500,
    "source": 500,
    "date_source": 10,
    "date_verification": 10,
    "frais": 20,
    "location_source": 20,
    "location_reference": 500,
    "location_geocoder": 100,
}
"""Longest text each field may hold, in characters (docs/data-model.md lists them)."""

OLDEST_DATE = "2000"
"""data·inclusion's schema takes no update date before the 21st century (``date_maj``)."""

MIN_DESCRIPTION = 5
"""Shortest description data·inclusion's schema takes (``Service`` and ``Structure``)."""

LIST_LIMIT, LIST_ITEM_LIMIT = 50, 100
"""Most values a list field may hold, and longest value."""

_NULLABLE_TEXT = frozenset(
    {"frais", "date_verification", "location_source", "location_reference", "location_geocoder"}
)
_INTEGERS = frozenset({"age_min", "age_max", "frequence_verification"})
_NUMBERS = frozenset({"location_score"})
KNOWN_PROPERTIES = frozenset(TEXT_LIMITS) | _INTEGERS | _NUMBERS | LIST_FIELDS

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_POSTCODE = re.compile(r"[0-9]{5}")
_SIRET = re.compile(r"[0-9]{14}")
_INSEE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
_PARTIAL_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
ZONE_CODE_PATTERN = r"france|99100|[0-9]{2}|2[AB]|97[0-9]|[0-9]{5}|2[AB][0-9]{3}|[0-9]{9}"
"""A code of ``zone_eligibilite``: France, a département, a commune or an EPCI (COG codes)."""
_ZONE_CODE = re.compile(ZONE_CODE_PATTERN)
_GENERIC_MAILBOX_WORDS = frozenset(
    {
        "accueil",
        "admin",
        "administration",
        "agence",
        "asso",
        "association",
        "bonjour",
        "ccas",
        "centre",
        "communication",
        "contact",
        "contacts",
        "direction",
        "emploi",
        "entreprise",
        "equipe",
        "formation",
        "franceservices",
        "hello",
        "info",
        "infos",
        "information",
        "insertion",
        "jeunesse",
        "mairie",
        "mediation",
        "ml",
        "mission",
        "missionlocale",
        "numerique",
        "permanence",
        "recrutement",
        "rh",
        "secretariat",
        "service",
        "services",
        "social",
        "standard",
    }
)
LIST_VOCABULARIES = {
    "thematiques": THEMATIQUES,
    "publics": PUBLICS,
    "reseaux_porteurs": RESEAUX_PORTEURS,
    "modes_accueil": MODES_ACCUEIL,
    "modes_mobilisation": MODES_MOBILISATION,
    "mobilisable_par": PERSONNES_MOBILISATRICES,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one actor."""

    actor_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.actor_id}: {self.field}: {self.message}"


def validate_collection(data: Any) -> list[Problem]:
    """Problems of a whole GeoJSON FeatureCollection of actors, duplicate ids included."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        return [Problem("-", "type", "le fichier doit être une FeatureCollection GeoJSON")]
    if "crs" in data:
        return [Problem("-", "crs", "RFC 7946 interdit le membre « crs » : coordonnées en WGS84")]
    features = data.get("features")
    if not isinstance(features, list):
        return [Problem("-", "features", "la liste « features » manque")]
    problems: list[Problem] = []
    for position, feature in enumerate(features, start=1):
        problems.extend(validate_feature(feature, position))
    ids = Counter(_feature_id(f) for f in features if isinstance(f, Mapping))
    for actor_id, count in sorted(ids.items()):
        if actor_id and count > 1:
            problems.append(Problem(actor_id, "id", f"identifiant utilisé par {count} acteurs"))
    return problems


def validate_feature(feature: Any, position: int = 0) -> list[Problem]:
    """Problems of one actor Feature; ``position`` names it when it has no usable id."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return [Problem(f"#{position}", "type", "chaque élément doit être une Feature GeoJSON")]
    props = feature.get("properties")
    if not isinstance(props, Mapping):
        return [
            Problem(
                _feature_id(feature)[:MAX_ID_LENGTH] or f"#{position}", "properties", "propriétés absentes"
            )
        ]
    actor_id = _feature_id(feature)
    label = actor_id[:MAX_ID_LENGTH] + ("…" if len(actor_id) > MAX_ID_LENGTH else "") or f"#{position}"
    return [Problem(label, name, message) for name, message in _field_problems(feature, props)]


def validate_properties(
    actor_id: str, props: Mapping[str, Any], geometry: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Problems of a record given as properties (the form and API shape)."""
    feature = {"type": "Feature", "id": actor_id, "geometry": geometry, "properties": props}
    return validate_feature(feature)


def _is_one_of(value: Any, vocabulary: Mapping[str, Any]) -> bool:
    return isinstance(value, str) and value in vocabulary


def _feature_id(feature: Mapping[str, Any]) -> str:
    value = feature.get("id")
    return value if isinstance(value, str) else ""


def _field_problems(feature: Mapping[str, Any], props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """Shape first (types, lengths, unknown fields); the rules then read only well-shaped fields,
    and say nothing more of a malformed one."""
    shape = list(_shape_problems(props))
    yield from shape
    malformed = {name for name, _ in shape}
    props = {name: value for name, value in props.items() if name not in malformed}
    rules = itertools.chain(
        _identity_problems(feature, props),
        _address_problems(props),
        _location_problems(feature.get("geometry"), props),
        _vocabulary_problems(props),
        _eligibility_problems(props),
        _siret_problems(props),
        _contact_problems(props),
        _provenance_problems(props),
    )
    yield from ((name, message) for name, message in rules if name not in malformed)


def _shape_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, value in props.items():
        if not isinstance(name, str) or name not in KNOWN_PROPERTIES:
            yield str(name)[:40], "champ inconnu du modèle (voir docs/data-model.md)"
        elif value is None:
            if name in TEXT_LIMITS and name not in _NULLABLE_TEXT:
                yield name, "doit être un texte (vide plutôt que null)"
        elif name in TEXT_LIMITS:
            if not isinstance(value, str):
                yield name, "doit être un texte"
            elif len(value) > TEXT_LIMITS[name]:
                yield name, f"trop long : {len(value)} caractères ({TEXT_LIMITS[name]} au plus)"
        elif name in _INTEGERS:
            if not _is_integer(value):
                yield name, f"doit être un nombre entier, pas {_shown(value)}"
        elif name in _NUMBERS:
            if not _is_number(value):
                yield name, f"doit être un nombre, pas {_shown(value)}"
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            yield name, "doit être une liste de textes"
        elif len(value) > LIST_LIMIT or any(len(item) > LIST_ITEM_LIMIT for item in value):
            yield name, f"liste trop longue ({LIST_LIMIT} valeurs de {LIST_ITEM_LIMIT} caractères au plus)"


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: Any) -> str:
    """A short, safe rendering of a refused value for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _identity_problems(feature: Mapping[str, Any], props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    actor_id = feature.get("id")
    if not isinstance(actor_id, str) or not _SLUG.fullmatch(actor_id):
        yield (
            "id",
            (
                "identifiant manquant ou invalide (minuscules, chiffres et tirets : "
                "« mission-locale-montreuil »)"
            ),
        )
    elif len(actor_id) > MAX_ID_LENGTH:
        yield "id", f"identifiant trop long ({MAX_ID_LENGTH} caractères au plus)"
    nom = props.get("nom")
    if not isinstance(nom, str) or len(nom.strip()) < 3:
        yield "nom", "nom manquant (3 caractères au moins)"
    if not _is_one_of(props.get("kind"), KINDS):
        yield "kind", f"type d’acteur inconnu : {props.get('kind')!r}"
    if not _is_one_of(props.get("statut"), STATUTS):
        yield "statut", f"statut inconnu : {props.get('statut')!r} (attendu : {', '.join(STATUTS)})"
    elif props.get("statut") == "actif" and not props.get("date_verification"):
        yield (
            "statut",
            (
                "« actif » une fois l’acteur vérifié par un gestionnaire (date_verification) ; "
                "avant, « a_verifier »"
            ),
        )
    description = props.get("description", "")
    if not isinstance(description, str):
        yield "description", "la description doit être un texte"
    elif description and len(description) < MIN_DESCRIPTION:
        yield (
            "description",
            (
                f"description trop courte : {MIN_DESCRIPTION} caractères au moins "
                "(le minimum de data·inclusion), ou vide"
            ),
        )


def _address_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name in ("adresse", "complement_adresse", "commune"):
        if not isinstance(props.get(name, ""), str):
            yield name, "doit être un texte"
    postcode, insee = props.get("code_postal") or "", props.get("code_insee") or ""
    if postcode and not (isinstance(postcode, str) and _POSTCODE.fullmatch(postcode)):
        yield "code_postal", f"code postal invalide : {postcode!r} (5 chiffres)"
        postcode = ""
    if insee and not (isinstance(insee, str) and _INSEE.fullmatch(insee)):
        yield "code_insee", f"code INSEE invalide : {insee!r} (5 caractères, ex. 93048)"
        insee = ""
    commune = COMMUNES.get(insee)  # None for a commune we hold no reference for: formats only.
    named = props.get("commune") or ""
    if commune is not None:
        if named and isinstance(named, str) and find_commune(named) != commune:
            yield "commune", f"« {named} » ne correspond pas au code INSEE {insee} ({commune.nom})"
        if postcode and postcode not in commune.codes_postaux:
            expected = ", ".join(commune.codes_postaux)
            yield "code_postal", f"le code postal {postcode} n’est pas celui de {commune.nom} ({expected})"
    elif postcode and isinstance(named, str) and (known := find_commune(named)):
        if postcode not in known.codes_postaux:
            expected = ", ".join(known.codes_postaux)
            yield "code_postal", f"le code postal {postcode} n’est pas celui de {known.nom} ({expected})"


def _location_problems(geometry: Any, props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    method = props.get("location_source")
    if geometry is None:
        if method is not None:
            yield "location_source", "pas de coordonnées : location_source doit être vide"
        return
    coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
    if (
        not isinstance(geometry, Mapping)
        or geometry.get("type") != "Point"
        or not isinstance(coords, list)
        or len(coords) != 2
        or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords)
    ):
        yield "geometry", "la géométrie doit être un Point [longitude, latitude]"
        return
    lon, lat = coords
    if not (-5.5 <= lon <= 10.0 and 41.0 <= lat <= 51.5):
        yield (
            "geometry",
            (f"coordonnées hors de France métropolitaine ({lon}, {lat}) : longitude et latitude inversées ?"),
        )
        return
    if not _is_one_of(method, LOCATION_SOURCES):
        yield (
            "location_source",
            (f"origine des coordonnées inconnue : {method!r} (source, geocoded ou manager)"),
        )
    elif method == "source" and not props.get("location_reference"):
        yield "location_reference", "coordonnées « source » : indiquer la source qui les donne"
    elif method == "geocoded":
        score = props.get("location_score")
        if not isinstance(score, (int, float)) or not 0 <= score <= 1:
            yield "location_score", "adresse géocodée : le score (entre 0 et 1) doit être conservé"
        if not props.get("location_geocoder"):
            yield "location_geocoder", "adresse géocodée : indiquer le géocodeur utilisé"
    insee = props.get("code_insee")
    commune = COMMUNES.get(insee) if isinstance(insee, str) else None
    if commune is not None:
        distance = _distance_outside_m(lon, lat, commune.bbox)
        if distance > MAX_DISTANCE_OUTSIDE_COMMUNE_M:
            yield "geometry", f"le point est à {distance / 1000:.1f} km de {commune.nom}, sa commune déclarée"


def _distance_outside_m(lon: float, lat: float, bbox: tuple[float, float, float, float]) -> float:
    from shapely.geometry import Point, box

    from geo.projection import to_lambert93

    lon_min, lat_min, lon_max, lat_max = bbox
    corners = [
        to_lambert93(x, y)
        for x, y in ((lon_min, lat_min), (lon_max, lat_max), (lon_min, lat_max), (lon_max, lat_min))
    ]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    area = box(min(xs), min(ys), max(xs), max(ys))
    return area.distance(Point(to_lambert93(lon, lat)))


def _vocabulary_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, vocabulary in LIST_VOCABULARIES.items():
        values = props.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            yield name, "doit être une liste de valeurs"
            continue
        for value in values:
            if value not in vocabulary:
                yield name, f"valeur inconnue du référentiel data·inclusion : {value!r}"
    publics = props.get("publics", [])
    if isinstance(publics, list) and "tous-publics" in publics and len(publics) > 1:
        yield "publics", "« tous-publics » va seul (règle du schéma data·inclusion)"
    frais = props.get("frais")
    if frais is not None and not _is_one_of(frais, FRAIS):
        yield "frais", f"valeur inconnue : {frais!r} (gratuit ou payant)"
    hours = props.get("horaires_accueil") or ""
    if not isinstance(hours, str) or (hours and not _readable_hours(hours)):
        yield "horaires_accueil", f"horaires illisibles au format OpenStreetMap : {hours!r}"


def _readable_hours(hours: str) -> bool:
    try:
        return opening_hours.validate(hours)
    except Exception:  # the parser's own failure is an unreadable value, not our crash
        return False


def _eligibility_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    zone = props.get("zone_eligibilite", [])
    if not isinstance(zone, list) or not all(isinstance(code, str) for code in zone):
        yield "zone_eligibilite", "doit être une liste de codes"
    else:
        for code in zone:
            if not _ZONE_CODE.fullmatch(code):
                yield (
                    "zone_eligibilite",
                    (f"code invalide : {code!r} (commune, département, EPCI ou « france »)"),
                )
    ages = {}
    for name in ("age_min", "age_max"):
        value = props.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120
        ):
            yield name, f"âge invalide : {value!r} (entier de 0 à 120)"
        else:
            ages[name] = value
    low, high = ages.get("age_min"), ages.get("age_max")
    if low is not None and high is not None:
        if low > high:
            yield "age_max", "l’âge maximal est inférieur à l’âge minimal"


def _siret_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    siret = props.get("siret") or ""
    if siret and not _SIRET.fullmatch(siret):
        yield "siret", f"SIRET invalide : {siret!r} (14 chiffres)"


def _contact_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    phone = props.get("telephone") or ""
    if phone:
        try:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(phone, "FR"))
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            yield "telephone", f"numéro de téléphone invalide : {phone!r}"
    email = props.get("courriel") or ""
    if email:
        if not isinstance(email, str) or not is_email(email):
            yield "courriel", f"adresse e-mail invalide : {email!r}"
        elif not _is_generic_mailbox(email):
            yield (
                "courriel",
                (
                    f"adresse nominative probable : {email!r} ; n’enregistrer qu’une adresse "
                    "générique (contact@, accueil@…)"
                ),
            )
    website = props.get("site_web") or ""
    if website:
        try:
            parts = urlsplit(website)
        except ValueError:  # e.g. « http://[ »: an unclosed IPv6 address
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            yield "site_web", f"adresse de site invalide : {website!r} (http:// ou https://)"


def _is_generic_mailbox(email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    words = [w for w in re.split(r"[.\-_+\d]+", local) if w]
    return any(word in _GENERIC_MAILBOX_WORDS for word in words) or any(
        local.startswith(word) for word in _GENERIC_MAILBOX_WORDS if len(word) >= 5
    )


def _provenance_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    source = props.get("source")
    if not isinstance(source, str) or not source.strip():
        yield "source", "source manquante : d’où vient cette information ?"
    date_source = props.get("date_source")
    if not isinstance(date_source, str) or not _PARTIAL_DATE.fullmatch(date_source):
        yield "date_source", "date de la source manquante ou invalide (AAAA, AAAA-MM ou AAAA-MM-JJ)"
    elif not _is_real_partial_date(date_source):
        yield "date_source", f"date impossible : {date_source!r}"
    elif date_source < OLDEST_DATE:
        yield "date_source", f"date antérieure à {OLDEST_DATE} : data·inclusion ne prend que le 21e siècle"
    frequency = props.get("frequence_verification")
    if frequency is not None and (
        not isinstance(frequency, int) or isinstance(frequency, bool) or not 1 <= frequency <= 60
    ):
        yield "frequence_verification", f"fréquence invalide : {frequency!r} (1 à 60 mois)"
    verified = props.get("date_verification")
    if verified is not None:
        try:
            day = dt.date.fromisoformat(verified)
        except (TypeError, ValueError):
            yield "date_verification", f"date invalide : {verified!r} (AAAA-MM-JJ)"
        else:
            if day > dt.date.today():
                yield "date_verification", "date de vérification dans le futur"
            elif verified < OLDEST_DATE:
                yield "date_verification", f"date antérieure à {OLDEST_DATE}"


def _is_real_partial_date(value: str) -> bool:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        day = dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return day <= dt.date.today()
