"""Selecting actors by commune, thématique and public: one rule each, for every caller.

A category matches all its sub-thématiques; an actor that lists no public serves everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from geo.actors.model import Actor
from geo.actors.vocabularies import CATEGORIES


def thematique_categories() -> frozenset[str]:
    """Top-level thématiques (« trouver-un-emploi »), each the prefix of its sub-thématiques."""
    return frozenset(CATEGORIES)


def thematique_keys(thematiques: Iterable[str]) -> set[str]:
    """The thématiques with their categories: what a filter on either of them matches."""
    keys = set()
    for slug in thematiques:
        keys.add(slug)
        keys.add(slug.split("--", 1)[0])
    return keys


EVERYONE = "*"
"""The public key of an actor that serves everyone: whatever public is asked, it serves it."""
TOUS_PUBLICS = "tous-publics"
"""data·inclusion's own way of saying « everyone »; listing no public says the same."""


def public_keys(publics: Iterable[str]) -> tuple[str, ...]:
    """What a filter on publics matches for an actor listing ``publics``: them, or everyone."""
    publics = tuple(publics)
    return (EVERYONE,) if not publics or TOUS_PUBLICS in publics else publics


def wanted_public_keys(wanted: Iterable[str]) -> tuple[str, ...]:
    """The public keys that serve one of ``wanted``: theirs, and everyone's."""
    return tuple(dict.fromkeys([*wanted, EVERYONE]))


def serves_publics(publics: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether an actor listing ``publics`` serves one of ``wanted`` (no wish: yes)."""
    wanted = set(wanted)
    return not wanted or bool(set(public_keys(publics)) & set(wanted_public_keys(wanted)))


def offers_thematiques(thematiques: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether an actor offering ``thematiques`` offers one of ``wanted`` (slugs or categories)."""
    wanted = set(wanted)
    return not wanted or bool(wanted & thematique_keys(thematiques))


def filter_actors(
    actors: Iterable[Actor],
    *,
    commune: str | None = None,
    thematiques: Sequence[str] = (),
    publics: Sequence[str] = (),
) -> list[Actor]:
    """Actors located in ``commune`` (INSEE code) offering one of ``thematiques`` (slugs or
    categories: ``trouver-un-emploi`` matches every ``trouver-un-emploi--…``) and serving one of
    ``publics``."""
    return [
        actor
        for actor in actors
        if (not commune or actor.code_insee == commune)
        and offers_thematiques(actor.thematiques, thematiques)
        and serves_publics(actor.publics, publics)
    ]
