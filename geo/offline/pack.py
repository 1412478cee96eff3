"""The field pack: the actors served, the needs, the eligibility and ranking rules *as data*, the
opening hours of the next twelve months (holidays included) and the outlines of the communes and IRIS
— everything the page's script needs to answer a search as the service would, with no network.

The rules are those of the core (``geo.search.eligibility.Rules`` and ``TEXTS``, the walking estimate,
``geo.search.ranking``): the pack carries them, it does not restate them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import opening_hours

from geo.actors.model import Actor
from geo.actors.names import shown_name
from geo.campaigns.model import BAND_STARTS
from geo.communes import COMMUNES, commune_outlines, iris_sectors
from geo.offline.reach import within_reach
from geo.projection import LAMBERT93_PROJ4
from geo.qpv import QpvOutlines
from geo.search.eligibility import (
    ALWAYS_TRUE_PUBLICS,
    DISABILITY,
    TEXTS,
    YOUTH_AGE_LIMIT,
    resident_areas,
    rules_of,
)
from geo.search.filters import thematique_keys
from geo.search.hours import LOOKAHEAD_DAYS, NO_CHANGE_DAYS, PARIS, WEEKDAYS, open_spans
from geo.search.needs import NEEDS
from geo.search.profile import QPV_TRAIT, TRAITS
from geo.search.ranking import RULE, TOLERANCE_MIN
from geo.search.request import K_RANGE, MORE, SearchRequest
from geo.search.travel import ESTIMATED, WALK_LABEL, WalkingEstimate

PACK_FORMAT = 1
HOURS_DAYS = 366
"""Opening hours are given as open spans this far ahead, in minutes elapsed since ``debut`` (midnight
in Paris on the pack's day)."""


def field_pack(
    actors: Iterable[Actor],
    communes: Sequence[str],
    today: dt.date,
    data_version: str,
    walk: WalkingEstimate | None = None,
    qpv: QpvOutlines | None = None,
    transit: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The pack for the communes served, as JSON-ready data, with the actors a search from them can
    show (``geo.offline.reach``); ``walk``: the service's walking
    estimate (the default one if not said); ``qpv``: the synced quartiers prioritaires, if any;
    ``transit``: the trips from each IRIS's centre (``geo.transit.offline.for_pack``), if computed."""
    start = dt.datetime.combine(today, dt.time(0, 0), PARIS)
    walk = walk or WalkingEstimate()
    served = within_reach([a for a in actors if a.statut != "ferme"], communes, walk)
    return {
        "format": PACK_FORMAT,
        "version": data_version,
        "jour": today.isoformat(),
        "debut": start.isoformat(),
        "acteurs": [_actor(actor, start) for actor in sorted(served, key=lambda a: a.id)],
        "besoins": {
            slug: {"label": need.label, "thematiques": list(need.thematiques)} for slug, need in NEEDS.items()
        },
        "rencontre": {"tranches_age": BAND_STARTS},
        "transports": transit,
        "profil": {
            slug: {"label": trait.label, "publics": list(trait.publics), "ages": trait.ages}
            for slug, trait in TRAITS.items()
        },
        "regles": {
            "textes": TEXTS,
            "publics_toujours_vrais": sorted(ALWAYS_TRUE_PUBLICS),
            "age_jeunes": YOUTH_AGE_LIMIT,
            "public_handicap": DISABILITY,
            "zones_du_resident": {code: sorted(resident_areas(code)) for code in communes},
            "profil_qpv": QPV_TRAIT,
            "noms_des_communes": {code: COMMUNES[code].nom for code in communes if code in COMMUNES},
        },
        "classement": {
            "k": SearchRequest().k,
            "k_max": K_RANGE[1],
            "plus": MORE,
            "marche": {
                "detour": walk.detour_factor,
                "vitesse_kmh": walk.speed_kmh,
                "libelle": WALK_LABEL,
                "estimation": ESTIMATED,
            },
            "tolerance_minutes": TOLERANCE_MIN,
            "regle": RULE,
            "projection": LAMBERT93_PROJ4,
        },
        "horaires": {
            "prochaine_ouverture_jours": LOOKAHEAD_DAYS,
            "sans_changement_jours": NO_CHANGE_DAYS,
            "jours": list(WEEKDAYS),
            "fuseau": "Europe/Paris",
        },
        "contours": {
            "communes": [
                {"code": code, "nom": COMMUNES[code].nom, "geometrie": _rounded(outline.__geo_interface__)}
                for code, outline in commune_outlines().items()
                if code in communes
            ],
            "iris": [
                {
                    "code": sector.code,
                    "nom": sector.nom,
                    "commune": sector.commune,
                    "geometrie": _rounded(outline.__geo_interface__),
                }
                for sector, outline in iris_sectors()
                if sector.commune in communes
            ],
            "qpv": [
                {"code": quarter.code, "nom": quarter.nom, "geometrie": _rounded(outline.__geo_interface__)}
                for quarter, outline in zip(qpv.quarters, qpv.shapes, strict=True)
            ]
            if qpv is not None
            else [],
        },
    }


def pack_json(pack: dict[str, Any]) -> bytes:
    """The pack as compact UTF-8 JSON (what is sent and measured)."""
    return json.dumps(pack, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _actor(actor: Actor, start: dt.datetime) -> dict[str, Any]:
    rules = dataclasses.asdict(rules_of(actor))
    return {
        "id": actor.id,
        "nom": shown_name(actor),
        "lon": round(actor.location.lon, 6) if actor.location else None,
        "lat": round(actor.location.lat, 6) if actor.location else None,
        "telephone": actor.telephone,
        "horaires": actor.horaires_accueil,
        "zone_eligibilite": list(actor.zone_eligibilite),
        "cles_thematiques": sorted(thematique_keys(actor.thematiques)),
        "regles": {name: list(value) if isinstance(value, tuple) else value for name, value in rules.items()},
        "ouvert": open_spans(actor.horaires_accueil, start, HOURS_DAYS),
        "inconnu": open_spans(actor.horaires_accueil, start, HOURS_DAYS, opening_hours.State.UNKNOWN),
        "date_source": actor.date_source,
        "date_verification": actor.date_verification.isoformat() if actor.date_verification else None,
        "modes_mobilisation": list(actor.modes_mobilisation),
        "mobilisable_par": list(actor.mobilisable_par),
    }


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, 5) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
