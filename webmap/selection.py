"""Which actors a map or a list shows, from the filters of its URL: one rule for every page."""

from __future__ import annotations

from geo.actors.model import Actor
from geo.communes import COMMUNES
from geo.search.filters import filter_actors
from geo.search.request import SearchRequest
from geo.text import fold
from webmap.services import current_actors


def matching_actors(search: SearchRequest, commune: str | None = None, text: str = "") -> list[Actor]:
    """Open actors located in ``commune``, offering one of the needs/thématiques, serving one of
    the publics (an actor without publics serves everyone), whose name or address holds ``text``."""
    actors = current_actors()
    actors = filter_actors(
        actors,
        commune=commune if commune in COMMUNES else None,
        thematiques=search.all_thematiques,
        publics=search.publics,
    )
    wanted = fold(text)[:100]
    if wanted:
        actors = [a for a in actors if wanted in fold(" ".join((a.nom, a.description, a.adresse, a.commune)))]
    return [a for a in actors if a.statut != "ferme"]
