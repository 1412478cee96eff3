"""The actor record: a structure that can accompany a resident, following data·inclusion v1.

An actor is immutable; edits make a new record. Its GeoJSON form (RFC 7946, one Feature) is the
exchange format of ``data/actors.geojson`` and of the API. Each field is declared here, once, with what
the validator, the API's schema, the back office's form, the CSV columns and the docs need to know of
it (``geo.actors.fields``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from geo.actors.fields import Field, by_name, declared, declared_fields
from geo.actors.kinds import KIND_LABELS
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

POSTCODE_PATTERN = r"[0-9]{5}"
INSEE_PATTERN = r"[0-9]{5}|2[AB][0-9]{3}"
PARTIAL_DATE_PATTERN = r"20[0-9]{2}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?"
"""AAAA, AAAA-MM or AAAA-MM-JJ, from 2000 on: data·inclusion takes no earlier update date."""
AGE_RANGE = (0, 120)
"""An age in years: an actor's limits, a resident's age (``geo.search.request``)."""
ZONE_CODE_PATTERN = r"france|99100|[0-9]{2}|2[AB]|97[0-9]|[0-9]{5}|2[AB][0-9]{3}|[0-9]{9}"
"""A code of ``zone_eligibilite``: France, a département, a commune or an EPCI (COG codes)."""


@dataclass(frozen=True)
class Location:
    """Where an actor receives people, and who says so.

    ``source`` is ``"source"`` (coordinates stated by the data source named in ``reference``),
    ``"geocoded"`` (our geocoding of the address: ``score`` and ``geocoder`` kept) or ``"manager"``
    (placed on the map by a manager).
    """

    lon: float
    lat: float
    source: str = field(
        metadata=declared(
            "Origine de la position",
            "who says the point is there; `null` without geometry",
            max_length=20,
            vocabulary=LOCATION_SOURCES,
        )
    )
    reference: str | None = field(
        default=None,
        metadata=declared(
            "Source de la position",
            "for `source`: the file that states the coordinates",
            max_length=500,
        ),
    )
    score: float | None = field(
        default=None,
        metadata=declared(
            "Score du géocodage",
            "for `geocoded`: the geocoder's score (also kept when the source states one)",
            minimum=0,
            maximum=1,
        ),
    )
    geocoder: str | None = field(
        default=None,
        metadata=declared("Géocodeur", "for `geocoded`: which geocoder answered", max_length=100),
    )


@dataclass(frozen=True)
class Actor:
    """One actor of the cartography. Field names are those of data·inclusion v1 where it has them."""

    id: str
    nom: str = field(
        metadata=declared(
            "Nom",
            "name as the source gives it",
            group="lieu",
            max_length=150,
            min_length=3,
            data_inclusion="Structure.nom",
        )
    )
    kind: str = field(
        metadata=declared(
            "Type d’acteur",
            "kind of actor (`geo.actors.kinds.KINDS`); drives the defaults below",
            group="lieu",
            max_length=64,
            vocabulary=KIND_LABELS,
        )
    )
    source: str = field(
        metadata=declared(
            "Source de l’information",
            "where the record comes from (`github:owner/repo@commit:path`, a URL, a manager's visit)",
            group="provenance",
            max_length=500,
            min_length=1,
        )
    )
    date_source: str = field(
        metadata=declared(
            "Date de la source",
            "date of that source; partial when the source is only that precise; from 2000 on",
            help="AAAA, AAAA-MM ou AAAA-MM-JJ",
            group="provenance",
            max_length=10,
            pattern=PARTIAL_DATE_PATTERN,
            pattern_hint="AAAA, AAAA-MM ou AAAA-MM-JJ, depuis 2000",
            data_inclusion="Structure.date_maj",
        )
    )
    statut: str = field(
        default="a_verifier",
        metadata=declared(
            "Statut",
            "`actif` only once a manager verified the actor (`date_verification`); before, "
            "`a_verifier`, still shown to volunteers with its freshness; retired actors are `ferme`, "
            "never deleted",
            group="lieu",
            max_length=20,
            vocabulary=STATUTS,
            required=True,
        ),
    )
    description: str = field(
        default="",
        metadata=declared(
            "Description",
            "what a volunteer should know; empty, or 5 characters at least (data·inclusion's minimum)",
            group="publics",
            max_length=2_000,
            min_length=5,
            multiline=True,
            data_inclusion="Structure.description",
        ),
    )
    siret: str = field(
        default="",
        metadata=declared(
            "SIRET",
            "the establishment's SIRET when a source gives it: how `carto actors import-di` "
            "recognises a national record first",
            help="14 chiffres, si une source le donne",
            group="vocabulaires",
            max_length=14,
            pattern=r"[0-9]{14}",
            pattern_hint="14 chiffres",
            data_inclusion="Structure.siret",
        ),
    )
    reseaux_porteurs: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Réseaux porteurs",
            "networks the actor belongs to",
            group="vocabulaires",
            vocabulary=RESEAUX_PORTEURS,
            data_inclusion="Structure.reseaux_porteurs",
        ),
    )
    adresse: str = field(
        default="",
        metadata=declared(
            "Adresse", "postal address", group="lieu", max_length=200, data_inclusion="Structure.adresse"
        ),
    )
    complement_adresse: str = field(
        default="",
        metadata=declared(
            "Complément d’adresse",
            "building, floor, door",
            group="lieu",
            max_length=200,
            data_inclusion="Structure.complement_adresse",
        ),
    )
    code_postal: str = field(
        default="",
        metadata=declared(
            "Code postal",
            "must be one of the commune's, for the communes of `geo.communes`",
            group="lieu",
            max_length=5,
            pattern=POSTCODE_PATTERN,
            pattern_hint="5 chiffres",
            data_inclusion="Structure.code_postal",
        ),
    )
    code_insee: str = field(
        default="",
        metadata=declared(
            "Commune",
            "the commune's COG code (the form offers the communes by name)",
            group="lieu",
            widget="commune",
            max_length=5,
            pattern=INSEE_PATTERN,
            pattern_hint="5 caractères, ex. 93048",
            data_inclusion="Structure.code_insee",
        ),
    )
    commune: str = field(
        default="",
        metadata=declared(
            "Nom de la commune",
            "the commune's name, matching the INSEE code (the form writes it from the commune chosen)",
            group="lieu",
            widget="derived",
            max_length=100,
            data_inclusion="Structure.commune",
        ),
    )
    location: Location | None = None
    thematiques: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Thématiques",
            "what the actor offers",
            group="publics",
            widget="picker",
            vocabulary=THEMATIQUES,
            data_inclusion="Service.thematiques",
        ),
    )
    publics: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Publics",
            "to whom; empty: everyone (`tous-publics` only alone, as the schema says)",
            help="aucun : tous publics",
            group="publics",
            vocabulary=PUBLICS,
            data_inclusion="Service.publics",
        ),
    )
    zone_eligibilite: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Zone d’éligibilité",
            "residents it serves: commune, département, EPCI or `france` (COG codes); empty: not "
            "restricted or unknown",
            help="codes INSEE, département, EPCI ; séparés par des virgules",
            group="publics",
            item_pattern=ZONE_CODE_PATTERN,
            data_inclusion="Service.zone_eligibilite",
        ),
    )
    age_min: int | None = field(
        default=None,
        metadata=declared(
            "Âge minimal",
            "age limits, when the actor has any",
            group="publics",
            minimum=AGE_RANGE[0],
            maximum=AGE_RANGE[1],
        ),
    )
    age_max: int | None = field(
        default=None,
        metadata=declared(
            "Âge maximal", "the upper one", group="publics", minimum=AGE_RANGE[0], maximum=AGE_RANGE[1]
        ),
    )
    modes_accueil: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Accueil",
            "on site, at a distance",
            group="vocabulaires",
            vocabulary=MODES_ACCUEIL,
            data_inclusion="Service.modes_accueil",
        ),
    )
    modes_mobilisation: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Comment y aller",
            "how a resident gets in, where a source or a national rule says so: « Comment y aller » "
            "on results, popups, actor pages and in the API",
            group="acces",
            vocabulary=MODES_MOBILISATION,
            data_inclusion="Service.modes_mobilisation",
        ),
    )
    mobilisable_par: tuple[str, ...] = field(
        default=(),
        metadata=declared(
            "Qui fait la démarche",
            "who makes that first move: the resident (`usagers`), a professional such as a "
            "prescriber, or both",
            group="acces",
            vocabulary=PERSONNES_MOBILISATRICES,
            data_inclusion="Service.mobilisable_par",
        ),
    )
    frais: str | None = field(
        default=None,
        metadata=declared(
            "Frais",
            "whether it costs the resident anything",
            group="acces",
            max_length=20,
            vocabulary=FRAIS,
            data_inclusion="Service.frais",
        ),
    )
    horaires_accueil: str = field(
        default="",
        metadata=declared(
            "Horaires",
            "OSM `opening_hours`, read by the `opening-hours-py` library",
            help="format OpenStreetMap, ex. Mo-Fr 09:00-12:00; PH off",
            group="acces",
            widget="hours",
            max_length=500,
            data_inclusion="Structure.horaires_accueil",
        ),
    )
    telephone: str = field(
        default="",
        metadata=declared(
            "Téléphone",
            "a French number (phonenumbers' rule)",
            group="acces",
            max_length=30,
            data_inclusion="Structure.telephone",
        ),
    )
    courriel: str = field(
        default="",
        metadata=declared(
            "Courriel générique",
            "generic mailboxes only (`contact@`, `accueil@`…), never a person's; an address by the "
            "service's one rule (`geo.mailbox`)",
            group="acces",
            max_length=200,
            data_inclusion="Structure.courriel",
        ),
    )
    site_web: str = field(
        default="",
        metadata=declared(
            "Site web",
            "http(s) URL",
            group="acces",
            max_length=500,
            data_inclusion="Structure.site_web",
        ),
    )
    lien_mobilisation: str = field(
        default="",
        metadata=declared(
            "Lien pour candidater",
            "where a resident or a counsellor applies online (`utiliser-lien-mobilisation`), as the "
            "source gives it; http(s) URL",
            help="adresse du formulaire ou de la page de candidature, si la source la donne",
            group="acces",
            max_length=500,
            data_inclusion="Service.lien_mobilisation",
        ),
    )
    date_verification: dt.date | None = field(
        default=None,
        metadata=declared(
            "Date de vérification",
            "last time a manager checked the record (not in the future, not before 2000)",
            max_length=10,
        ),
    )
    frequence_verification: int | None = field(
        default=None,
        metadata=declared(
            "Vérifier tous les … mois",
            "how often this actor should be checked, in months (empty: `CARTO_VERIFY_EVERY_MONTHS`)",
            help="vide : 6",
            group="provenance",
            minimum=1,
            maximum=60,
        ),
    )
    """Months between two checks of this actor; None: the service's default (6 months)."""

    @property
    def is_located(self) -> bool:
        return self.location is not None


LOCATION_PREFIX = "location_"
FIELDS: tuple[Field, ...] = (*declared_fields(Actor), *declared_fields(Location, LOCATION_PREFIX))
"""Every property of an actor's Feature, in the order a written Feature gives them (a git diff of the
dataset stays readable)."""
FIELDS_BY_NAME: Mapping[str, Field] = by_name(FIELDS)
PROPERTY_ORDER: tuple[str, ...] = tuple(f.name for f in FIELDS)
LIST_FIELDS = frozenset(f.name for f in FIELDS if f.kind == "list")
_ACTOR_FIELDS = frozenset(f.name for f in fields(Actor))


def actor_to_feature(actor: Actor) -> dict[str, Any]:
    """The actor as a GeoJSON Feature with a fixed property order."""
    properties: dict[str, Any] = {}
    for name in PROPERTY_ORDER:
        if name.startswith(LOCATION_PREFIX):
            attribute = name.removeprefix(LOCATION_PREFIX)
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
    for declared_field in FIELDS:
        name = declared_field.name
        if name not in _ACTOR_FIELDS or props.get(name) is None:
            continue
        value = props[name]
        if declared_field.kind == "list":
            value = tuple(value)
        elif declared_field.kind == "date":
            value = dt.date.fromisoformat(value)
        values[name] = value
    return Actor(**values)
