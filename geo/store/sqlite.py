"""The embedded store: one SQLite file in WAL mode, the default.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``) and wait for each other, whatever
they write. A reader learns that another connection, of any process, committed from SQLite's
``data_version``, without asking the database anything else.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from geo.store.schema import check_revision, upgrade
from geo.store.sql import SQLStore


class SQLiteStore(SQLStore):
    """The store in one SQLite file, whose schema ``upgrade`` (``carto db upgrade``) made."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(self.path)
        self.engine = _engine(self.path)
        with self.engine.connect() as db:
            check_revision(db, str(self.path))
        self._watcher: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self._count_cache: tuple[int, int] | None = None

    @classmethod
    def upgrade(cls, path: Path | str) -> tuple[str | None, str]:
        """Create or migrate the schema of the store at ``path``: (revision before, after)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(path)
        engine = _engine(path)
        try:
            with engine.connect().execution_options(immediate=True) as db:
                return upgrade(db)
        finally:
            engine.dispose()

    def revision_count(self) -> int:
        """Cheap enough for every request: SQLite's ``data_version`` on a connection kept for the
        purpose changes when any other connection, of any process, commits; only then is the
        database asked."""
        with self._watch_lock:
            if self._watcher is None:
                self._watcher = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            changed = self._watcher.execute("PRAGMA data_version").fetchone()[0]
            cached = self._count_cache
            if cached is not None and cached[0] == changed:
                return cached[1]
            count = self._watcher.execute("SELECT coalesce(max(number), 0) FROM revisions").fetchone()[0]
            self._count_cache = (changed, count)
            return int(count)

    def close(self) -> None:
        super().close()
        with self._watch_lock:
            if self._watcher is not None:
                self._watcher.close()
            self._watcher, self._count_cache = None, None

    @contextmanager
    def _writing(self, kind: str = "actors") -> Iterator[Connection]:
        """One transaction holding SQLite's write lock from its start (one lock for every kind)."""
        with self.engine.connect().execution_options(immediate=True) as db, db.begin():
            yield db


def _private_file(path: Path) -> None:
    """The store holds password and token hashes: readable by its owner only (SQLite gives its
    -wal and -shm files the same permissions)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        os.chmod(path, 0o600)


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: sqlite3.Connection, _record: object) -> None:
        connection.isolation_level = None  # we issue BEGIN ourselves (IMMEDIATE for writers)
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may have to wait too
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
