"""The store's schema, created and migrated once, before the service starts (Alembic): the same
migrations for SQLite and PostgreSQL.

``carto db upgrade`` calls ``upgrade``; so does gunicorn's master process before it forks workers
(``gunicorn.conf.py``). Workers only check the revision (``check_revision``) and never change the
schema, so that many of them starting at once never contend for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from geo.store.base import SchemaNotReady
from geo.store.migrations import HEAD

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_LOCK = 93_000_000
"""PostgreSQL advisory lock held while the schema changes (``geo.store.postgres`` numbers the others)."""
_COLUMNS_ADDED_BEFORE_MIGRATIONS = {
    "session_epoch": "INTEGER NOT NULL DEFAULT 0",
    "disabled": "INTEGER NOT NULL DEFAULT 0",
}


def revision(db: Connection) -> str | None:
    """The database's schema revision; None for a database migrations never touched."""
    if not _has_table(db, "alembic_version"):
        return None
    return db.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def check_revision(db: Connection, where: str) -> None:
    found = revision(db)
    if found != HEAD:
        state = "vide" if found is None else f"à la révision {found}"
        raise SchemaNotReady(
            f"base de données {where} {state}, révision {HEAD} attendue : lancez « carto db upgrade »"
        )


def upgrade(db: Connection) -> tuple[str | None, str]:
    """Bring the database on ``db`` to ``HEAD`` in one write transaction (several callers at once
    take turns). A SQLite store created before migrations is adopted as it is. (revision before, after)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = db
    with db.begin():
        if db.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already took its write lock
            db.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
        before = revision(db)
        if before is None and db.dialect.name == "sqlite" and _has_table(db, "actors"):
            _adopt(db)
            command.stamp(config, "0001")
        command.upgrade(config, "head")
        after = revision(db)
    assert after is not None  # Alembic just upgraded to head
    return before, after


def _has_table(db: Connection, name: str) -> bool:
    return inspect(db).has_table(name)


def _adopt(db: Connection) -> None:
    """A store from before migrations holds revision 0001's tables, maybe without the newest columns."""
    present = {row[1] for row in db.exec_driver_sql("PRAGMA table_info(users)")}
    for name, declaration in _COLUMNS_ADDED_BEFORE_MIGRATIONS.items():
        if name not in present:
            db.exec_driver_sql(f"ALTER TABLE users ADD COLUMN {name} {declaration}")
    if not _has_table(db, "login_attempts"):
        db.exec_driver_sql(
            "CREATE TABLE login_attempts (number INTEGER PRIMARY KEY AUTOINCREMENT, "
            "key VARCHAR NOT NULL, at FLOAT NOT NULL)"
        )
        db.exec_driver_sql("CREATE INDEX ix_login_attempts_key ON login_attempts (key)")
