"""An encounter as the tablet sends it (JSON), checked and reduced to what may be kept.

Every field is known and bounded; a field that could identify the resident (``nom``, ``adresse``,
``telephone``…) refuses the whole encounter, so that a faulty client is told at once and nothing of it
is stored. A position is reduced to its commune and IRIS, then dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from geo.campaigns.model import ACCOMPANIERS, AGE_BANDS, ANSWERS, OUTSIDE_QPV, YES_NO, Campaign, Encounter
from geo.communes import commune_at, iris_at
from geo.qpv import QpvOutlines
from geo.search.needs import NEEDS

MAX_BATCH = 500
IDENTIFYING = frozenset(
    {
        "nom",
        "prenom",
        "nom_complet",
        "name",
        "adresse",
        "address",
        "rue",
        "numero",
        "telephone",
        "tel",
        "phone",
        "portable",
        "courriel",
        "email",
        "mail",
        "date_naissance",
        "naissance",
        "age_exact",
        "commentaire",
        "note",
        "remarque",
        "texte",
        "notes",
        "position_exacte",
        "precision",
    }
)
"""Fields a client might send that could point to a person: refused, never stored."""
FIELDS = frozenset(
    {
        "id",
        "campagne",
        "date",
        "commune",
        "lat",
        "lon",
        "en_recherche",
        "accompagne",
        "accompagne_par",
        "mise_en_lien",
        "acteurs",
        "demo_mes_offres",
        "tranche_age",
        "besoins",
    }
)
_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
Say = Callable[[str, str], None]
"""How a reader says a problem: (field, message)."""


@dataclass(frozen=True)
class EncounterProblem:
    index: int
    field: str
    message: str


def read_encounter(
    payload: Any,
    index: int,
    *,
    campaigns: Callable[[int], Campaign | None],
    known_actor: Callable[[str], bool],
    today: dt.date,
    team: Callable[[Campaign], str | None],
    qpv: QpvOutlines | None = None,
) -> tuple[Encounter | None, list[EncounterProblem]]:
    """The encounter ``payload`` describes, or the problems that keep it out (nothing half-read).
    ``qpv``: the synced quarters, to note the QPV of a position before it is dropped."""
    problems: list[EncounterProblem] = []

    def problem(name: str, message: str) -> None:
        problems.append(EncounterProblem(index, name, message))

    if not isinstance(payload, Mapping):
        problem("rencontre", "un objet JSON est attendu")
        return None, problems
    for name in payload:
        if not isinstance(name, str) or name not in FIELDS:
            shown = str(name)[:40]
            if isinstance(name, str) and _identifying(name):
                problem(
                    shown,
                    "refusé : rien qui identifie le résident (nom, adresse, téléphone, "
                    "courriel, texte libre) n’est enregistré",
                )
            else:
                problem(shown, "champ inconnu")
    encounter_id = _uuid(payload.get("id"))
    if encounter_id is None:
        problem("id", "un UUID fait par la tablette est attendu")
    campaign = _campaign(payload.get("campagne"), campaigns, problem)
    day = _day(payload.get("date"), today, problem)
    commune, iris, quarter = _place(payload, campaign, problem, qpv)
    seeking = _choice(payload.get("en_recherche"), ANSWERS, "en_recherche", problem, required=True)
    accompanied = _choice(payload.get("accompagne"), YES_NO, "accompagne", problem)
    by_whom = _choice(payload.get("accompagne_par"), ACCOMPANIERS, "accompagne_par", problem)
    linked = _flag(payload.get("mise_en_lien"), "mise_en_lien", problem)
    demo = _flag(payload.get("demo_mes_offres"), "demo_mes_offres", problem)
    band = _choice(payload.get("tranche_age"), AGE_BANDS, "tranche_age", problem)
    needs = _listed(payload.get("besoins"), "besoins", lambda v: v in NEEDS, problem, limit=len(NEEDS))
    actors = _listed(
        payload.get("acteurs"),
        "acteurs",
        lambda v: bool(_ACTOR_ID.match(v)) and known_actor(v),
        problem,
        limit=10,
    )
    if campaign is not None and day is not None and not campaign.covers_day(day):
        problem("date", f"hors des dates de la campagne « {campaign.nom} »")
    if actors and not linked:
        problem("acteurs", "des acteurs sans mise en lien : indiquez mise_en_lien = true")
    if by_whom and accompanied != "oui":
        problem("accompagne_par", "seulement quand accompagne = oui")
    if problems:
        return None, problems
    assert encounter_id and campaign and day and commune and seeking  # else a problem was said
    return Encounter(
        encounter_id,
        campaign.id,
        day,
        commune,
        iris,
        seeking,
        accompanied,
        by_whom,
        linked,
        tuple(actors),
        demo,
        band,
        tuple(needs),
        team(campaign),
        quarter,
    ), []


def _identifying(name: str) -> bool:
    folded = name.lower().replace("-", "_")
    return folded in IDENTIFYING or any(word in folded for word in ("nom", "adresse", "phone", "mail"))


def _uuid(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _campaign(value: Any, campaigns: Callable[[int], Campaign | None], problem: Say) -> Campaign | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 10**9:
        problem("campagne", "le numéro de la campagne est attendu")
        return None
    campaign = campaigns(value)
    if campaign is None:
        problem("campagne", f"campagne inconnue : {value}")
    elif not campaign.is_open():
        problem("campagne", f"la campagne « {campaign.nom} » est close")
    return campaign


def _day(value: Any, today: dt.date, problem: Say) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        problem("date", "date attendue au format AAAA-MM-JJ")
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problem("date", "date impossible")
        return None
    if day > today + dt.timedelta(days=1):
        problem("date", "date dans le futur")
    return day


def _place(
    payload: Mapping[str, Any], campaign: Campaign | None, problem: Say, qpv: QpvOutlines | None
) -> tuple[str | None, str | None, str | None]:
    """The commune (and IRIS, and QPV) of the door: given, or read from a position that is then
    dropped."""
    lat, lon = payload.get("lat"), payload.get("lon")
    commune = payload.get("commune")
    iris = quarter = None
    if lat is not None or lon is not None:
        if not (_is_number(lat) and _is_number(lon)):
            problem("lat", "lat et lon : deux nombres")
            return None, None, None
        lon, lat = float(lon), float(lat)
        found = commune_at(lon, lat)
        if found is None:
            problem("lat", "position hors des communes servies")
            return None, None, None
        if commune is not None and commune != found:
            problem("commune", "la commune ne contient pas la position")
        commune = found
        sector = iris_at(lon, lat)
        iris = sector.code if sector else None
        if qpv is not None:
            held = qpv.at(lon, lat)
            quarter = held.code if held else OUTSIDE_QPV
    if not isinstance(commune, str) or not re.fullmatch(r"\d[0-9AB]\d{3}", commune):
        problem("commune", "code INSEE de la commune (ou lat et lon) attendu")
        return None, None, None
    if campaign is not None and commune not in campaign.communes:
        problem("commune", f"la campagne « {campaign.nom} » ne couvre pas la commune {commune}")
    elif campaign is not None and campaign.secteurs:
        _check_sector(commune, iris, lat is not None, campaign, problem)
    return commune, iris, quarter


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_sector(commune: str, iris: str | None, located: bool, campaign: Campaign, problem: Say) -> None:
    """A campaign limited to some IRIS takes encounters in them only: a position must fall in one; a
    commune given without a position must hold one (its IRIS cannot be known)."""
    if located and iris not in campaign.secteurs:
        problem(
            "lat",
            f"position hors des secteurs de la campagne « {campaign.nom} » "
            f"(IRIS {', '.join(campaign.secteurs)})",
        )
    elif not located and not any(sector.startswith(commune) for sector in campaign.secteurs):
        problem("commune", f"la campagne « {campaign.nom} » ne couvre aucun secteur de la commune {commune}")


def _choice(
    value: Any, allowed: Mapping[str, str], name: str, problem: Say, required: bool = False
) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in allowed:
        problem(name, "une valeur parmi : " + ", ".join(allowed))
        return None
    return value


def _flag(value: Any, name: str, problem: Say) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        problem(name, "true ou false")
        return False
    return value


def _listed(value: Any, name: str, accepted: Callable[[str], bool], problem: Say, limit: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(v, str) for v in value):
        problem(name, f"une liste d’au plus {limit} codes")
        return []
    wrong = [v[:40] for v in value if not accepted(v)]
    if wrong:
        problem(name, "inconnu : " + ", ".join(wrong))
        return []
    return list(dict.fromkeys(value))
