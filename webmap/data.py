"""Access to the actors from a request or a command, reloaded when the dataset file changes."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from geo.actors import Actor
from geo.dataset import load_actors
from geo.nearest import ActorIndex

_CACHE_KEY = "carto.actors"


def current_actors() -> list[Actor]:
    """The actors of the configured dataset; re-read only when the file's mtime changes."""
    return _current()[0]


def current_index() -> ActorIndex:
    """The nearest-search index of the current dataset, built once per version of the file."""
    return _current()[1]


def _current() -> tuple[list[Actor], ActorIndex]:
    path = Path(current_app.config["ACTORS_FILE"])
    stamp = path.stat().st_mtime_ns
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None or cached[0] != (path, stamp):
        actors = load_actors(path)
        cached = ((path, stamp), (actors, ActorIndex(actors)))
        current_app.extensions[_CACHE_KEY] = cached
    return cached[1]
