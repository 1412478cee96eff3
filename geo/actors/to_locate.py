"""Actors the association names and no located source gives: the managers' « À localiser » list.

The list (``data/a-localiser.json``) holds only what the association's own text says — a name — and our
notes on why it is missing and what to look for. An entry is found once a located actor carries its
name (accents, case and punctuation aside); a manager gets there by adding the actor with a sourced
address.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.actors.model import Actor
from geo.text import fold


@dataclass(frozen=True)
class ToLocate:
    nom: str
    missing: str
    look_for: str
    found: Actor | None = None
    """The located actor that now carries this name, if any."""


def to_locate(path: Path, actors: Iterable[Actor]) -> tuple[str, list[ToLocate]]:
    """(the list's source, its entries, each with the located actor that answers it if any)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    located = [a for a in actors if a.location is not None and a.statut != "ferme"]
    entries = []
    for entry in data["actors"]:
        wanted = fold(entry["nom"])
        found = next((a for a in located if wanted in fold(a.nom)), None)
        entries.append(ToLocate(entry["nom"], entry["manque"], entry["chercher"], found))
    return data["source"], entries
