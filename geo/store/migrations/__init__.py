"""Alembic migrations of the store, the same for SQLite and PostgreSQL (``carto db upgrade``). ``HEAD``
names the newest revision: the store opens a database only at that revision (a test keeps it in step
with the scripts)."""

HEAD = "0005"
