"""``carto db upgrade``: create or migrate the store's schema, once, before the service starts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webmap.commands import summary
from webmap.services import upgrade_configured_store

db = AppGroup("db", help=summary("db"))


@db.command("upgrade")
def upgrade_command() -> None:
    """Crée ou met à jour le schéma de la base (migrations Alembic) ; sans effet s’il est à jour."""
    before, after = upgrade_configured_store()
    if before == after:
        click.echo(f"Base de données déjà à jour (révision {after}).")
    else:
        click.echo(f"Base de données mise à jour : révision {before or 'vide'} → {after}.")
