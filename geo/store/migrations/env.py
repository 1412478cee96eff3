"""Alembic environment: the store's tables, migrated on the connection ``geo.store.schema`` gives."""

from __future__ import annotations

from alembic import context

from geo.store.sql import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
