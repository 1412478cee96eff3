"""What a campaign achieved: the funnel, its breakdowns, the actors residents were sent to.

Figures come from the encounter log (rows and the tallies the retention folded them into: the same
figures either way) and, kept apart, from the aggregated history managers recorded. The campaign's
figures are exact; its breakdowns are shown as ``shown_breakdowns`` gives them: a figure under
``SMALL_CELL`` as « < 5 », and others masked with it so that none can be recomputed
(``geo.campaigns.disclosure``): a handful of encounters in one IRIS and one week could point to a
household.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from geo.campaigns.disclosure import Hierarchy, protect
from geo.campaigns.model import FUNNEL, HistoryTotals, Tally

BREAKDOWNS = {
    "commune": "Commune",
    "iris": "IRIS",
    "qpv": "Quartier prioritaire",
    "semaine": "Semaine",
    "equipe": "Équipe",
    "accompagne_par": "Déjà accompagné par",
    "tranche_age": "Âge",
}


@dataclass(frozen=True)
class Figures:
    rencontres: int = 0
    en_recherche: int = 0
    non_accompagnes: int = 0
    mises_en_lien: int = 0
    demos_mes_offres: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FUNNEL}


@dataclass(frozen=True)
class Bilan:
    campagne: int
    journal: Figures
    """From the encounter log."""
    historique: tuple[HistoryTotals, ...]
    """Recorded by managers, with their source: aggregated, no detail."""
    repartitions: Mapping[str, Mapping[str, Figures]] = field(default_factory=dict)
    acteurs: Mapping[str, int] = field(default_factory=dict)
    """Encounters put in touch with each actor."""

    def total(self) -> dict[str, int | None]:
        """Log and history together; None where a history record has no figure for it."""
        totals: dict[str, int | None] = dict(self.journal.as_dict())
        for record in self.historique:
            for name in FUNNEL:
                value, sum_so_far = getattr(record, name), totals[name]
                totals[name] = None if value is None or sum_so_far is None else sum_so_far + value
        return totals


def bilan(campaign_id: int, tallies: Iterable[Tally], history: Iterable[HistoryTotals] = ()) -> Bilan:
    counts: Counter[str] = Counter()
    by: dict[str, dict[str, Counter[str]]] = {name: defaultdict(Counter) for name in BREAKDOWNS}
    actors: Counter[str] = Counter()
    for tally in tallies:
        answers = _answers(tally)
        for name, value in answers.items():
            counts[name] += value
        for dimension in BREAKDOWNS:
            key = getattr(tally, dimension) or "non renseigné"
            for name, value in answers.items():
                by[dimension][key][name] += value
        if tally.mise_en_lien:
            for actor_id in tally.acteurs:
                actors[actor_id] += tally.nombre
    return Bilan(
        campaign_id,
        Figures(**counts),
        tuple(history),
        {
            dimension: {key: Figures(**values) for key, values in sorted(groups.items())}
            for dimension, groups in by.items()
        },
        dict(actors.most_common()),
    )


def _answers(tally: Tally) -> dict[str, int]:
    seeking = tally.en_recherche == "oui"
    return {
        "rencontres": tally.nombre,
        "en_recherche": tally.nombre if seeking else 0,
        "non_accompagnes": tally.nombre if seeking and tally.accompagne == "non" else 0,
        "mises_en_lien": tally.nombre if tally.mise_en_lien else 0,
        "demos_mes_offres": tally.nombre if tally.demo_mes_offres else 0,
    }


ACTORS = "acteurs"
"""The actors breakdown's name beside ``BREAKDOWNS`` (its one measure: ``mises_en_lien``)."""
COMMUNES_AND_IRIS = Hierarchy("iris", "commune", lambda code: code[:5], "non renseigné")


@dataclass(frozen=True)
class Shown:
    """A bilan's breakdowns as they may be shown: counts, « < 5 », « masqué »."""

    repartitions: Mapping[str, Mapping[str, Mapping[str, int | str]]]
    acteurs: Mapping[str, int | str]


def shown_breakdowns(result: Bilan) -> Shown:
    """The breakdowns of ``result`` protected together (a commune is the sum of its IRIS)."""
    tables = {
        dimension: {key: figures.as_dict() for key, figures in groups.items()}
        for dimension, groups in result.repartitions.items()
    }
    tables[ACTORS] = {actor: {"mises_en_lien": count} for actor, count in result.acteurs.items()}
    shown = protect(tables, (COMMUNES_AND_IRIS,))
    actors = {actor: values["mises_en_lien"] for actor, values in shown.pop(ACTORS, {}).items()}
    return Shown({dimension: shown.get(dimension, {}) for dimension in result.repartitions}, actors)
