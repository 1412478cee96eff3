"""Where actors and managers live: one interface, an embedded SQLite default, PostgreSQL later."""

from pathlib import Path

from geo.store.base import (
    ActorNotFound,
    ActorStore,
    DuplicateActor,
    InvalidActor,
    Revision,
    StaleVersion,
    StoredActor,
    diff,
)

__all__ = ["ActorNotFound", "ActorStore", "DuplicateActor", "InvalidActor", "Revision",
           "StaleVersion", "StoredActor", "diff", "open_store"]


def open_store(url: str, instance: Path) -> ActorStore:
    """The store named by ``url``: empty or ``sqlite:///path`` (default: the instance's carto.sqlite).

    PostgreSQL/PostGIS will plug in here behind the same interface and contract tests.
    """
    from geo.store.sqlite import SQLiteStore

    if not url:
        return SQLiteStore(instance / "carto.sqlite")
    if url.startswith("sqlite:///"):
        return SQLiteStore(Path(url.removeprefix("sqlite:///")))
    raise ValueError(f"base de données non prise en charge : {url.split(':', 1)[0]}")
