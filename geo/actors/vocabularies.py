"""Controlled vocabularies of the data·inclusion v1 schema, read from the schema's own package.

Slugs, labels and descriptions are those of ``data-inclusion-schema`` (``data_inclusion.schema.v1``),
so that records flow to and from data·inclusion unchanged and a new version of the schema is a new
version of the package. The package builds pydantic models on import (about 0.15 s): the mappings
load it the first time they are read, not when the service starts. ``STATUTS`` and
``LOCATION_SOURCES`` are ours.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any


class OfficialVocabulary(Mapping[str, str]):
    """Slug → French label of one of the schema's enumerations, read on first use."""

    def __init__(self, enumeration: str):
        self.enumeration = enumeration

    @cached_property
    def _labels(self) -> Mapping[str, str]:
        return MappingProxyType({member.value: member.label for member in self.members})

    @cached_property
    def members(self) -> tuple[Any, ...]:
        """The enumeration's members (``.value``, ``.label``, ``.description``)."""
        from data_inclusion.schema import v1

        return tuple(getattr(v1, self.enumeration))

    def description(self, slug: str) -> str | None:
        return next(str(m.description) for m in self.members if m.value == slug)

    def __getitem__(self, slug: str) -> str:
        return self._labels[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def _frozen(pairs: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(pairs)


THEMATIQUES = OfficialVocabulary("Thematique")
CATEGORIES = OfficialVocabulary("Categorie")
"""Top-level thématiques (« trouver-un-emploi »), each the prefix of its sub-thématiques."""
PUBLICS = OfficialVocabulary("Public")
RESEAUX_PORTEURS = OfficialVocabulary("ReseauPorteur")
MODES_ACCUEIL = OfficialVocabulary("ModeAccueil")
FRAIS = OfficialVocabulary("Frais")
MODES_MOBILISATION = OfficialVocabulary("ModeMobilisation")
PERSONNES_MOBILISATRICES = OfficialVocabulary("PersonneMobilisatrice")

STATUTS: Mapping[str, str] = _frozen(
    {
        "actif": "Actif",
        "a_verifier": "À vérifier",
        "ferme": "Fermé",
    }
)

LOCATION_SOURCES: Mapping[str, str] = _frozen(
    {
        "source": "Coordonnées données par la source",
        "geocoded": "Adresse géocodée",
        "manager": "Placé sur la carte par un gestionnaire",
    }
)
