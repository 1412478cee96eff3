"""What a campaign is, and what one encounter at a door leaves behind: answers, never the resident.

An encounter keeps its campaign, its day, the commune and IRIS of the door (a position, if one was
sent, is reduced to these and dropped), and the volunteer's answers from short lists. No name, phone,
e-mail, address, position or free text has a field to go into.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ANSWERS = {"oui": "Oui", "non": "Non", "ne-sait-pas": "Ne sait pas"}
"""Is the resident looking for a job or a training?"""
YES_NO = {"oui": "Oui", "non": "Non"}
ACCOMPANIERS = {
    "france-travail": "France Travail",
    "mission-locale": "Mission locale",
    "cap-emploi": "Cap emploi",
    "plie": "PLIE",
    "siae": "Structure d’insertion (SIAE)",
    "association": "Association",
    "services-sociaux": "Services sociaux (CCAS, département)",
    "autre": "Autre",
}
"""Who already accompanies the resident, as the volunteer can tell at the door."""
AGE_BANDS = {
    "moins-de-26": "Moins de 26 ans",
    "26-44": "26–44 ans",
    "45-54": "45–54 ans",
    "55-et-plus": "55 ans et plus",
}
BAND_STARTS = {"moins-de-26": 0, "26-44": 26, "45-54": 45, "55-et-plus": 55}
"""The youngest age of each band of ``AGE_BANDS``, in the same order."""


def band_of(age: int | None, ages: tuple[int, int] | None = None) -> str | None:
    """The band of an age, or of an age band that lies within one band (« moins de 26 ans »)."""
    if age is None and ages is not None and band_of(ages[0]) == band_of(ages[1]):
        age = ages[0]
    if age is None:
        return None
    return [band for band, start in BAND_STARTS.items() if age >= start][-1]


SMALL_CELL = 5
"""A figure finer than the campaign below this is shown « < 5 »: few encounters could point to someone."""


@dataclass(frozen=True)
class Campaign:
    id: int
    nom: str
    communes: tuple[str, ...]
    secteurs: tuple[str, ...] = ()
    """IRIS codes, when the campaign covers part of its communes only."""
    debut: dt.date | None = None
    fin: dt.date | None = None
    close: bool = False
    """Closed by a manager: no more encounters."""

    def is_open(self) -> bool:
        return not self.close

    def covers_day(self, day: dt.date) -> bool:
        return (self.debut is None or day >= self.debut) and (self.fin is None or day <= self.fin)


@dataclass(frozen=True)
class Encounter:
    """One encounter at a door, as stored (``semaine`` only once folded by the retention)."""

    id: str
    """A UUID made by the tablet: sending the same encounter twice records it once."""
    campagne: int
    jour: dt.date
    commune: str
    iris: str | None
    en_recherche: str
    accompagne: str | None = None
    accompagne_par: str | None = None
    mise_en_lien: bool = False
    acteurs: tuple[str, ...] = ()
    demo_mes_offres: bool = False
    tranche_age: str | None = None
    besoins: tuple[str, ...] = ()
    equipe: str | None = None
    """The volunteers' team in the campaign (never the volunteer)."""
    qpv: str | None = None
    """The QPV of the door when its position was sent (``OUTSIDE_QPV`` outside any), else None."""


@dataclass(frozen=True)
class Tally:
    """Encounters sharing every answer, counted: a log row (1) or rows folded by the retention (n)."""

    campagne: int
    semaine: str
    """ISO week, « 2026-W48 »."""
    commune: str
    iris: str | None
    en_recherche: str
    accompagne: str | None
    accompagne_par: str | None
    mise_en_lien: bool
    acteurs: tuple[str, ...]
    demo_mes_offres: bool
    tranche_age: str | None
    besoins: tuple[str, ...]
    equipe: str | None
    nombre: int = 1
    qpv: str | None = None


@dataclass(frozen=True)
class HistoryTotals:
    """A campaign's totals recorded by a manager when no encounter detail exists (before the log)."""

    campagne: int
    periode: str
    source: str
    rencontres: int
    en_recherche: int | None = None
    non_accompagnes: int | None = None
    mises_en_lien: int | None = None
    demos_mes_offres: int | None = None
    note: str = ""
    numero: int = field(default=0, compare=False)


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def tally_of(encounter: Encounter) -> Tally:
    return Tally(
        encounter.campagne,
        week_of(encounter.jour),
        encounter.commune,
        encounter.iris,
        encounter.en_recherche,
        encounter.accompagne,
        encounter.accompagne_par,
        encounter.mise_en_lien,
        tuple(sorted(encounter.acteurs)),
        encounter.demo_mes_offres,
        encounter.tranche_age,
        tuple(sorted(encounter.besoins)),
        encounter.equipe,
        qpv=encounter.qpv,
    )


OUTSIDE_QPV = "hors-qpv"
"""An encounter's door, located, in no quartier prioritaire."""

FUNNEL = {
    "rencontres": "Rencontres",
    "en_recherche": "En recherche d’emploi ou de formation",
    "non_accompagnes": "dont accompagnés par personne",
    "mises_en_lien": "Mis en lien avec un acteur",
    "demos_mes_offres": "« Mes offres » montré",
}
"""The campaign figures, in the order of the funnel."""
