"""Access to the actors from a request or a command: the store, seeded from the curated file.

On first use an empty store is filled from ``ACTORS_FILE`` (``data/actors.geojson``); from then on
the store is the truth and ``carto actors export`` writes the file back for review in git. Actors and
the nearest-search index are rebuilt only when the store has changed.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from geo.actors.model import Actor
from geo.io.dataset import load_actors
from geo.search.nearest import ActorIndex
from geo.store import ActorStore, open_store

_CACHE_KEY = "carto.actors"
_STORE_KEY = "carto.store"


def current_store() -> ActorStore:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_STORE_KEY)
    if store is None:
        store = open_store(app.config["DATABASE_URL"], Path(app.instance_path))
        if store.revision_count() == 0:
            source = Path(app.config["ACTORS_FILE"])
            store.seed_if_empty(load_actors(source), f"import initial ({source.name})")
        app.extensions[_STORE_KEY] = store
    return store


def data_version() -> int:
    """Grows with every change of any actor."""
    return current_store().revision_count()


def current_actors() -> list[Actor]:
    """Every actor of the store, retired ones included (filters decide)."""
    return _current()[0]


def current_index() -> ActorIndex:
    """The nearest-search index of the current actors, built once per version of the store."""
    return _current()[1]


def _current() -> tuple[list[Actor], ActorIndex]:
    version = data_version()
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None or cached[0] != version:
        actors = [stored.actor for stored in current_store().all()]
        cached = (version, (actors, ActorIndex(actors)))
        current_app.extensions[_CACHE_KEY] = cached
    return cached[1]
