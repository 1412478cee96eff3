"""What a resident needs, in the volunteer's words, mapped to data·inclusion thématiques."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Need:
    slug: str
    label: str
    thematiques: tuple[str, ...]
    """Thématiques or categories (a category matches all its sub-thématiques)."""


NEEDS: Mapping[str, Need] = MappingProxyType({need.slug: need for need in (
    Need("emploi", "Trouver un emploi",
         ("trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier")),
    Need("formation", "Se former", ("se-former",)),
    Need("francais", "Apprendre le français", ("lecture-ecriture-calcul--maitriser-le-francais",)),
    Need("creation", "Créer son activité", ("creer-une-entreprise",)),
    Need("numerique", "Numérique", ("numerique",)),
    Need("mobilite", "Mobilité", ("mobilite",)),
    Need("garde", "Garde d’enfants", ("famille--garde-denfants",)),
    Need("demarches", "Démarches administratives", ("difficultes-administratives-ou-juridiques",)),
)})


def thematiques_for(needs: Iterable[str]) -> list[str]:
    """The thématiques (and categories) covering these needs, without repetition."""
    return list(dict.fromkeys(t for slug in needs for t in NEEDS[slug].thematiques))
