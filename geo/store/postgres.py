"""The store on PostgreSQL/PostGIS (``CARTO_DATABASE_URL=postgresql+psycopg://…``), for several app
servers on one database.

Writers of one kind take turns on a transaction-scoped advisory lock, as SQLite's writers do on its
write lock; readers never wait. Revision numbers are therefore given in commit order, and the newest
one tells every server, at its next request, that the actors changed (``revision_count``). Each
actor's place is also a PostGIS point with a GiST index (migration 0003): the search can ask it for
the nearest candidates instead of holding every actor (``nearest_actors``, ``CARTO_NEAREST_INDEX``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection, Engine, Row, make_url

from geo.actors.model import Actor, actor_from_feature
from geo.projection import to_lambert93
from geo.store.schema import UPGRADE_LOCK, check_revision, upgrade
from geo.store.sql import SQLStore, revisions_table

LOCKS = {
    "actors": UPGRADE_LOCK + 1,
    "people": UPGRADE_LOCK + 2,
    "logins": UPGRADE_LOCK + 3,
    "campaigns": UPGRADE_LOCK + 4,
    "shown": UPGRADE_LOCK + 5,
}
"""The advisory lock each kind of writer holds until its transaction ends."""

_WANTED = """geom IS NOT NULL AND statut IS DISTINCT FROM 'ferme'
      AND (CAST(:wanted AS text[]) IS NULL OR EXISTS (
           SELECT FROM jsonb_array_elements_text(thematiques) AS offered
           WHERE offered = ANY(CAST(:wanted AS text[]))
              OR split_part(offered, '--', 1) = ANY(CAST(:wanted AS text[]))))"""
_NEAREST = text(f"""
    WITH origin AS (SELECT ST_SetSRID(ST_MakePoint(:x, :y), 2154) AS point),
    reach AS (
        SELECT max(metres) AS metres FROM (
            SELECT geom <-> (SELECT point FROM origin) AS metres FROM actors
            WHERE {_WANTED} ORDER BY geom <-> (SELECT point FROM origin) LIMIT :k) AS nearest)
    SELECT id, feature, geom <-> (SELECT point FROM origin) AS metres FROM actors
    WHERE {_WANTED} AND ST_DWithin(geom, (SELECT point FROM origin), (SELECT metres FROM reach))
    ORDER BY metres, id LIMIT :k""")
"""Nearest first on the GiST index (``ORDER BY geom <-> point LIMIT k``, whose k-th distance is how far
to look), then ties by id among those within it (``ST_DWithin``, on the index too): the core's order,
exactly, even when many actors share one address. A thématique filter matches as
``geo.search.filters`` says: a slug, or its category (the part of the slug before ``--``)."""


class PostgresStore(SQLStore):
    """The store in a PostgreSQL database with PostGIS, whose schema ``upgrade`` made."""

    def __init__(self, url: str):
        self.engine = _engine(url)
        try:
            with self.engine.connect() as db:
                check_revision(db, shown(url))
        except Exception:
            self.engine.dispose()
            raise

    @classmethod
    def upgrade(cls, url: str) -> tuple[str | None, str]:
        """Create or migrate the schema of the database at ``url``: (revision before, after)."""
        engine = _engine(url)
        try:
            with engine.connect() as db:
                return upgrade(db)
        finally:
            engine.dispose()

    def revision_count(self) -> int:
        """The newest revision number: one index lookup, asked at every request, so that a change
        made through any server is seen by the others at their next request."""
        with self.engine.connect() as db:
            return db.execute(select(func.coalesce(func.max(revisions_table.c.number), 0))).scalar_one()

    def nearest_ids(
        self, point: tuple[float, float], k: int, thematiques: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` located actors still open nearest to ``point`` (lon, lat) offering one of
        ``thematiques`` (slugs or categories; None: any), nearest first, ties by id, with their
        straight-line distance in metres (Lambert-93): the GiST index's nearest-first walk."""
        return [(row.id, row.metres) for row in self._nearest(point, k, thematiques)]

    def nearest_actors(
        self, point: tuple[float, float], k: int, thematiques: Sequence[str] | None = None
    ) -> list[tuple[Actor, float]]:
        """As ``nearest_ids``, with the actors themselves (``geo.search.nearest_in_store``)."""
        return [
            (actor_from_feature(json.loads(row.feature)), row.metres)
            for row in self._nearest(point, k, thematiques)
        ]

    def unlocated_actors(self) -> list[Actor]:
        """The actors still open that have no place (they serve a zone: few)."""
        with self.engine.connect() as db:
            rows = db.execute(
                text(
                    "SELECT feature FROM actors WHERE geom IS NULL "
                    "AND statut IS DISTINCT FROM 'ferme' ORDER BY id"
                )
            )
            return [actor_from_feature(json.loads(row.feature)) for row in rows]

    def zoned_actors(self, areas: Sequence[str]) -> list[Actor]:
        """The located actors still open whose eligibility zone names one of ``areas`` (codes of
        ``zone_eligibilite``), by id: those the search lists however far when made for the resident."""
        with self.engine.connect() as db:
            rows = db.execute(
                text(
                    "SELECT feature FROM actors WHERE geom IS NOT NULL "
                    "AND statut IS DISTINCT FROM 'ferme' "
                    "AND CAST(feature AS jsonb) #> '{properties,zone_eligibilite}' ?| CAST(:areas AS text[]) "
                    "ORDER BY id"
                ),
                {"areas": list(areas)},
            )
            return [actor_from_feature(json.loads(row.feature)) for row in rows]

    def _nearest(
        self, point: tuple[float, float], k: int, thematiques: Sequence[str] | None
    ) -> Sequence[Row[Any]]:
        x, y = to_lambert93(*point)
        with self.engine.connect() as db:
            return db.execute(
                _NEAREST, {"x": x, "y": y, "k": k, "wanted": list(thematiques) if thematiques else None}
            ).all()

    @contextmanager
    def _writing(self, kind: str = "actors") -> Iterator[Connection]:
        """One transaction, after the other writers of ``kind`` (its advisory lock, held until the
        end of the transaction)."""
        with self.engine.begin() as db:
            db.execute(select(func.pg_advisory_xact_lock(LOCKS[kind])))
            yield db


def database_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs mean the psycopg (3) driver, the one installed."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def shown(url: str) -> str:
    """The URL as messages may show it: without its password."""
    return make_url(database_url(url)).render_as_string(hide_password=True)


def _engine(url: str) -> Engine:
    """Connections checked before use (a restarted server is reconnected to), and given up after
    10 seconds when the server cannot be reached."""
    return create_engine(database_url(url), pool_pre_ping=True, connect_args={"connect_timeout": 10})
