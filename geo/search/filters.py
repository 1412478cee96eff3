"""Selecting actors by commune and by thématique; a category matches all its sub-thématiques."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from geo.actors.model import Actor
from geo.actors.vocabularies import THEMATIQUES

CATEGORIES: frozenset[str] = frozenset(slug.split("--", 1)[0] for slug in THEMATIQUES)
"""Top-level thématiques (« trouver-un-emploi »), each the prefix of its sub-thématiques."""


def thematique_categories() -> frozenset[str]:
    return CATEGORIES


def thematique_keys(thematiques: Iterable[str]) -> set[str]:
    """The thématiques with their categories: what a filter on either of them matches."""
    keys = set()
    for slug in thematiques:
        keys.add(slug)
        keys.add(slug.split("--", 1)[0])
    return keys


def filter_actors(actors: Iterable[Actor], *, commune: str | None = None,
                  thematiques: Sequence[str] = ()) -> list[Actor]:
    """Actors located in ``commune`` (INSEE code) offering one of ``thematiques`` (slugs or
    categories: ``trouver-un-emploi`` matches every ``trouver-un-emploi--…``)."""
    wanted = set(thematiques)
    return [actor for actor in actors
            if (not commune or actor.code_insee == commune)
            and (not wanted or wanted & thematique_keys(actor.thematiques))]
