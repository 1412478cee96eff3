"""Access to the actors from a request or a command, reloaded when the dataset file changes."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from geo.actors import Actor
from geo.dataset import load_actors

_CACHE_KEY = "carto.actors"


def current_actors() -> list[Actor]:
    """The actors of the configured dataset; re-read only when the file's mtime changes."""
    path = Path(current_app.config["ACTORS_FILE"])
    stamp = path.stat().st_mtime_ns
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None or cached[0] != (path, stamp):
        cached = ((path, stamp), load_actors(path))
        current_app.extensions[_CACHE_KEY] = cached
    return cached[1]
