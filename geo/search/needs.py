"""What a resident needs, in the volunteer's words, mapped to data·inclusion thématiques."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from geo.search.filters import offers_thematiques
from geo.text import translatable


@dataclass(frozen=True)
class Need:
    slug: str
    label: str
    thematiques: tuple[str, ...]
    """Thématiques or categories (a category matches all its sub-thématiques)."""


NEEDS: Mapping[str, Need] = MappingProxyType(
    {
        need.slug: need
        for need in (
            Need(
                "emploi",
                translatable("Trouver un emploi"),
                ("trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier"),
            ),
            Need("formation", translatable("Se former"), ("se-former",)),
            Need(
                "francais",
                translatable("Apprendre le français"),
                ("lecture-ecriture-calcul--maitriser-le-francais",),
            ),
            Need("creation", translatable("Créer son activité"), ("creer-une-entreprise",)),
            Need("numerique", translatable("Numérique"), ("numerique",)),
            Need("mobilite", translatable("Mobilité"), ("mobilite",)),
            Need("garde", translatable("Garde d’enfants"), ("famille--garde-denfants",)),
            Need(
                "demarches",
                translatable("Démarches administratives"),
                ("difficultes-administratives-ou-juridiques",),
            ),
        )
    }
)


def thematiques_for(needs: Iterable[str]) -> list[str]:
    """The thématiques (and categories) covering these needs, without repetition."""
    return list(dict.fromkeys(t for slug in needs for t in NEEDS[slug].thematiques))


def needs_met(thematiques: Iterable[str]) -> list[Need]:
    """The needs an actor offering these thématiques helps with: « what it helps with », in plain words."""
    offered = tuple(thematiques)
    return [need for need in NEEDS.values() if offers_thematiques(offered, need.thematiques)]
