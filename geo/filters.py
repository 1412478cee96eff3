"""Selecting actors by commune and by thématique."""

from __future__ import annotations

from collections.abc import Iterable

from geo.actors import Actor
from geo.vocabularies import THEMATIQUES


def thematique_categories() -> set[str]:
    """Top-level thématiques (« trouver-un-emploi »), each the prefix of its sub-thématiques."""
    return {slug.split("--", 1)[0] for slug in THEMATIQUES}


def filter_actors(actors: Iterable[Actor], *, commune: str | None = None,
                  thematique: str | None = None) -> list[Actor]:
    """Actors located in ``commune`` (INSEE code) offering ``thematique``.

    ``thematique`` is a data·inclusion slug or a category: ``trouver-un-emploi`` matches every
    ``trouver-un-emploi--…``.
    """
    selected = []
    for actor in actors:
        if commune and actor.code_insee != commune:
            continue
        if thematique and not any(t == thematique or t.startswith(thematique + "--")
                                  for t in actor.thematiques):
            continue
        selected.append(actor)
    return selected
