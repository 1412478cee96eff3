"""Validation of actor records: returns problems as data, for the CLI, the API and the forms alike.

Each check looks at one field and explains, in French, what a manager must fix. Nothing here raises on
bad input: a broken record yields problems, never an exception. Each field's type, limits, vocabulary
and form are read from its declaration (``geo.actors.model.FIELDS``); the rules between fields, and
those a library knows (a phone number, an e-mail, opening hours), are written here.
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

from geo.actors.fields import LIST_ITEM_LIMIT, LIST_LIMIT, Field
from geo.actors.model import FIELDS, FIELDS_BY_NAME
from geo.actors.vocabularies import LOCATION_SOURCES
from geo.communes import COMMUNES, find_commune
from geo.mailbox import is_email

MAX_DISTANCE_OUTSIDE_COMMUNE_M = 1_000
"""How far outside its commune's bounding box an actor may sit before we call it misplaced."""

MAX_ID_LENGTH = 80
"""Identifiers appear in URLs: short, lower-case slugs."""

TEXT_LIMITS: Mapping[str, int] = {f.name: f.max_length for f in FIELDS if f.max_length}
"""Longest text each field may hold, in characters (from the declarations; docs/data-model.md)."""
KNOWN_PROPERTIES = frozenset(FIELDS_BY_NAME)

OLDEST_DATE = "2000"
"""data·inclusion's schema takes no update date before the 21st century (``date_maj``)."""

ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""An actor's id: lower-case letters, digits and single hyphens (« mission-locale-montreuil »)."""
_SLUG = re.compile(ID_PATTERN)
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
        _declared_problems(props),
        _identity_problems(feature, props),
        _address_problems(props),
        _location_problems(feature.get("geometry"), props),
        _vocabulary_problems(props),
        _eligibility_problems(props),
        _contact_problems(props),
        _provenance_problems(props),
    )
    yield from ((name, message) for name, message in rules if name not in malformed)


def _shape_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """Each value of the type its declaration says, within its length."""
    for name, value in props.items():
        declared = FIELDS_BY_NAME.get(name) if isinstance(name, str) else None
        if declared is None:
            yield str(name)[:40], "champ inconnu du modèle (voir docs/data-model.md)"
        elif value is None:
            if declared.kind in ("text", "date") and not declared.nullable:
                yield name, "doit être un texte (vide plutôt que null)"
        elif declared.kind in ("text", "date"):
            if not isinstance(value, str):
                yield name, "doit être un texte"
            elif declared.max_length is not None and len(value) > declared.max_length:
                yield name, f"trop long : {len(value)} caractères ({declared.max_length} au plus)"
        elif declared.kind == "integer":
            if not _is_integer(value):
                yield name, f"doit être un nombre entier, pas {_shown(value)}"
        elif declared.kind == "number":
            if not _is_number(value):
                yield name, f"doit être un nombre, pas {_shown(value)}"
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            yield name, "doit être une liste de textes"
        elif len(value) > LIST_LIMIT or any(len(item) > LIST_ITEM_LIMIT for item in value):
            yield name, f"liste trop longue ({LIST_LIMIT} valeurs de {LIST_ITEM_LIMIT} caractères au plus)"


def _declared_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """What each well-shaped value must be, by its declaration: given when required, long enough,
    of its form, among its vocabulary's values, within its bounds."""
    for declared in FIELDS:
        value = props.get(declared.name)
        if declared.kind in ("text", "date"):
            yield from _text_problems(declared, value)
        elif declared.kind == "list":
            yield from _list_problems(declared, value or [])
        elif value is not None and declared.minimum is not None and declared.maximum is not None:
            if not declared.minimum <= value <= declared.maximum:
                yield declared.name, f"hors limites : {value!r} ({declared.minimum:g} à {declared.maximum:g})"


def _text_problems(declared: Field, value: str | None) -> Iterable[tuple[str, str]]:
    name, text = declared.name, (value or "").strip()
    if not text:
        if declared.required:
            yield name, f"à renseigner : {declared.label[:1].lower()}{declared.label[1:]}"
        return
    if len(text) < declared.min_length:
        yield (
            name,
            f"trop court : {declared.min_length} caractères au moins"
            + ("" if declared.required else ", ou vide"),
        )
    elif declared.pattern and not re.fullmatch(declared.pattern, value or ""):
        yield name, f"valeur invalide : {_shown(value)} ({declared.pattern_hint})"
    elif declared.vocabulary is not None and value not in declared.vocabulary:
        yield (
            name,
            f"valeur inconnue : {_shown(value)}"
            + (f" (attendu : {', '.join(declared.vocabulary)})" if len(declared.vocabulary) <= 6 else ""),
        )


def _list_problems(declared: Field, values: list[str]) -> Iterable[tuple[str, str]]:
    for value in values:
        if declared.vocabulary is not None and value not in declared.vocabulary:
            yield declared.name, f"valeur inconnue du référentiel data·inclusion : {_shown(value)}"
        elif declared.item_pattern and not re.fullmatch(declared.item_pattern, value):
            yield declared.name, f"code invalide : {_shown(value)} ({declared.pattern_hint})"


def is_actor_id(value: object) -> bool:
    """Whether ``value`` can be an actor's id (``ID_PATTERN``, ``MAX_ID_LENGTH`` at most)."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and bool(_SLUG.fullmatch(value))


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
    if props.get("statut") == "actif" and not props.get("date_verification"):
        yield (
            "statut",
            (
                "« actif » une fois l’acteur vérifié par un gestionnaire (date_verification) ; "
                "avant, « a_verifier »"
            ),
        )


def _address_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """The postcode and the commune's name agree with the INSEE code (a malformed one is said by
    its declaration, and compared with nothing)."""
    postcode, insee = _well_formed(props, "code_postal"), _well_formed(props, "code_insee")
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


def _well_formed(props: Mapping[str, Any], name: str) -> str:
    """The field's text if it matches its declared form, else ""."""
    value, pattern = props.get(name) or "", FIELDS_BY_NAME[name].pattern or ""
    return value if isinstance(value, str) and re.fullmatch(pattern, value) else ""


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
    if method not in LOCATION_SOURCES:
        if method is None:
            yield "location_source", f"origine des coordonnées à indiquer ({', '.join(LOCATION_SOURCES)})"
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
    publics = props.get("publics", [])
    if isinstance(publics, list) and "tous-publics" in publics and len(publics) > 1:
        yield "publics", "« tous-publics » va seul (règle du schéma data·inclusion)"
    hours = props.get("horaires_accueil") or ""
    if not isinstance(hours, str) or (hours and not _readable_hours(hours)):
        yield "horaires_accueil", f"horaires illisibles au format OpenStreetMap : {hours!r}"


def _readable_hours(hours: str) -> bool:
    try:
        return opening_hours.validate(hours)
    except Exception:  # the parser's own failure is an unreadable value, not our crash
        return False


def _eligibility_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    low, high = props.get("age_min"), props.get("age_max")
    if low is not None and high is not None and low > high:
        yield "age_max", "l’âge maximal est inférieur à l’âge minimal"


def _contact_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    phone = props.get("telephone") or ""
    if phone:
        import phonenumbers  # 18 ms: only when there is a number to check

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
    for name in ("site_web", "lien_mobilisation"):
        url = props.get(name) or ""
        if url and not _is_web_address(url):
            yield name, f"adresse de site invalide : {url!r} (http:// ou https://)"


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. « http://[ »: an unclosed IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_generic_mailbox(email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    words = [w for w in re.split(r"[.\-_+\d]+", local) if w]
    return any(word in _GENERIC_MAILBOX_WORDS for word in words) or any(
        local.startswith(word) for word in _GENERIC_MAILBOX_WORDS if len(word) >= 5
    )


def _provenance_problems(props: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    date_source = _well_formed(props, "date_source")
    if date_source and not _is_real_partial_date(date_source):
        yield "date_source", f"date impossible : {date_source!r}"
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
