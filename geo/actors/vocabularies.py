"""Controlled vocabularies of the data·inclusion v1 schema, as the schema's own package states them.

Slugs and labels are those of ``data-inclusion-schema`` (``data_inclusion.schema.v1``), so that records
flow to and from data·inclusion unchanged. The package builds pydantic models on import (about 0.15 s
and several MB per process), which only the import of data·inclusion records needs; the mappings read
instead ``geo/data/data-inclusion-vocabularies.json``, written from the package by
``python -m geo.actors.vocabularies`` and checked against it by the tests, so a new version of the
package is a new snapshot. ``STATUTS`` and ``LOCATION_SOURCES`` are ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "data-inclusion-vocabularies.json"
ENUMERATIONS = (
    "Thematique",
    "Categorie",
    "Public",
    "ReseauPorteur",
    "ModeAccueil",
    "Frais",
    "ModeMobilisation",
    "PersonneMobilisatrice",
)


class OfficialVocabulary(Mapping[str, str]):
    """Slug → French label of one of the schema's enumerations, read on first use."""

    def __init__(self, enumeration: str):
        self.enumeration = enumeration

    @cached_property
    def _labels(self) -> Mapping[str, str]:
        return MappingProxyType(
            {slug: label for slug, label in _snapshot()["enumerations"][self.enumeration]}
        )

    def __getitem__(self, slug: str) -> str:
        return self._labels[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


@cache
def _snapshot() -> dict[str, Any]:
    snapshot: dict[str, Any] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return snapshot


def from_package() -> dict[str, Any]:
    """The enumerations as the installed package states them: what the snapshot must hold."""
    from importlib.metadata import version

    from data_inclusion.schema import v1

    return {
        "package": f"data-inclusion-schema {version('data-inclusion-schema')}",
        "enumerations": {
            name: [[member.value, member.label] for member in getattr(v1, name)] for name in ENUMERATIONS
        },
    }


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


if __name__ == "__main__":
    written = from_package()
    SNAPSHOT.write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {written['package']}")
