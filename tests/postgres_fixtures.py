"""A real PostgreSQL/PostGIS for the tests: one throw-away cluster per session (``initdb`` + ``pg_ctl``
on a free loopback port), a database migrated once, and a fresh copy of it for each test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from devtools.services import PostgresServer, postgres_bindir

TEMPLATE = "carto_migree"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL is not installed (./dev test installs it with PostGIS)")
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> str:
    """The name of a database at the newest schema revision, migrated as ``carto db upgrade`` does."""
    from geo.store.postgres import PostgresStore

    PostgresStore.upgrade(postgres_server.create_database(TEMPLATE))
    return TEMPLATE


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, migrated_postgres: str) -> str:
    """A fresh, migrated database of this test's own: its URL."""
    return postgres_server.create_database(f"carto_essai_{next(_numbers)}", template=migrated_postgres)
