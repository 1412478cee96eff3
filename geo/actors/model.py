"""The actor record: a structure that can accompany a resident, following data·inclusion v1.

An actor is immutable; edits make a new record. Its GeoJSON form (RFC 7946, one Feature) is the
exchange format of ``data/actors.geojson`` and of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where an actor receives people, and who says so.

    ``source`` is ``"source"`` (coordinates stated by the data source named in ``reference``),
    ``"geocoded"`` (our geocoding of the address: ``score`` and ``geocoder`` kept) or ``"manager"``
    (placed on the map by a manager).
    """

    lon: float
    lat: float
    source: str
    reference: str | None = None
    score: float | None = None
    geocoder: str | None = None


@dataclass(frozen=True)
class Actor:
    """One actor of the cartography. Field names are those of data·inclusion v1 where it has them."""

    id: str
    nom: str
    kind: str
    source: str
    date_source: str
    statut: str = "a_verifier"
    description: str = ""
    siret: str = ""
    """The establishment's SIRET when a source gives it: how national records are recognised."""
    reseaux_porteurs: tuple[str, ...] = ()
    adresse: str = ""
    complement_adresse: str = ""
    code_postal: str = ""
    code_insee: str = ""
    commune: str = ""
    location: Location | None = None
    thematiques: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    zone_eligibilite: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    modes_accueil: tuple[str, ...] = ()
    modes_mobilisation: tuple[str, ...] = ()
    """How a resident gets in (data·inclusion: se présenter, téléphoner, lien de mobilisation…)."""
    mobilisable_par: tuple[str, ...] = ()
    """Who may make that first move: the resident (« usagers »), a professional, or both."""
    frais: str | None = None
    horaires_accueil: str = ""
    telephone: str = ""
    courriel: str = ""
    site_web: str = ""
    date_verification: dt.date | None = field(default=None)
    frequence_verification: int | None = None
    """Months between two checks of this actor; None: the service's default (6 months)."""

    @property
    def is_located(self) -> bool:
        return self.location is not None


PROPERTY_ORDER: tuple[str, ...] = tuple(f.name for f in fields(Actor) if f.name not in ("id", "location")) + (
    "location_source",
    "location_reference",
    "location_score",
    "location_geocoder",
)
"""Order of the properties in a written Feature, so that a git diff of the dataset stays readable."""

LIST_FIELDS = frozenset(
    {
        "reseaux_porteurs",
        "thematiques",
        "publics",
        "zone_eligibilite",
        "modes_accueil",
        "modes_mobilisation",
        "mobilisable_par",
    }
)


def actor_to_feature(actor: Actor) -> dict[str, Any]:
    """The actor as a GeoJSON Feature with a fixed property order."""
    properties: dict[str, Any] = {}
    for name in PROPERTY_ORDER:
        if name.startswith("location_"):
            attribute = name.removeprefix("location_")
            value = getattr(actor.location, attribute) if actor.location else None
        else:
            value = getattr(actor, name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        properties[name] = value
    geometry = None
    if actor.location is not None:
        geometry = {"type": "Point", "coordinates": [actor.location.lon, actor.location.lat]}
    return {"type": "Feature", "id": actor.id, "geometry": geometry, "properties": properties}


def actor_from_feature(feature: Mapping[str, Any]) -> Actor:
    """Build an actor from a Feature that the validator has accepted."""
    props = dict(feature.get("properties") or {})
    location = None
    geometry = feature.get("geometry")
    if geometry:
        lon, lat = geometry["coordinates"][:2]
        location = Location(
            lon=float(lon),
            lat=float(lat),
            source=props.get("location_source") or "source",
            reference=props.get("location_reference"),
            score=props.get("location_score"),
            geocoder=props.get("location_geocoder"),
        )
    values: dict[str, Any] = {"id": feature.get("id") or props.get("id"), "location": location}
    for f in fields(Actor):
        if f.name in values or f.name not in props or props[f.name] is None:
            continue
        value = props[f.name]
        if f.name in LIST_FIELDS:
            value = tuple(value)
        elif f.name == "date_verification":
            value = dt.date.fromisoformat(value)
        values[f.name] = value
    return Actor(**values)
