"""Where actors and managers live: one interface, an embedded SQLite default, PostgreSQL/PostGIS to scale."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.store.base import (
    ActorNotFound,
    ActorStore,
    DuplicateActor,
    InvalidActor,
    Revision,
    SchemaNotReady,
    StaleVersion,
    StoredActor,
    diff,
)

if TYPE_CHECKING:
    from geo.store.sql import SQLStore

__all__ = [
    "ActorNotFound",
    "ActorStore",
    "DuplicateActor",
    "InvalidActor",
    "Revision",
    "SchemaNotReady",
    "StaleVersion",
    "StoredActor",
    "diff",
    "is_postgres_url",
    "open_store",
    "upgrade_store",
]


def open_store(url: str, instance: Path) -> SQLStore:
    """The store (actors, accounts, campaigns) named by ``url``: empty or ``sqlite:///path``
    (default: the instance's carto.sqlite), or ``postgresql+psycopg://user:password@host/database``.
    Its schema must be up to date (``upgrade_store``), or SchemaNotReady says so."""
    if is_postgres_url(url):
        from geo.store.postgres import PostgresStore

        return PostgresStore(url)
    from geo.store.sqlite import SQLiteStore

    return SQLiteStore(_sqlite_path(url, instance))


def upgrade_store(url: str, instance: Path) -> tuple[str | None, str]:
    """Create or migrate the schema of the store named by ``url``: (revision before, after)."""
    if is_postgres_url(url):
        from geo.store.postgres import PostgresStore

        return PostgresStore.upgrade(url)
    from geo.store.sqlite import SQLiteStore

    return SQLiteStore.upgrade(_sqlite_path(url, instance))


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database (``postgresql+psycopg://``, ``postgres://``…)."""
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def _sqlite_path(url: str, instance: Path) -> Path:
    if not url:
        return instance / "carto.sqlite"
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    raise ValueError(f"base de données non prise en charge : {url.split(':', 1)[0]}")
