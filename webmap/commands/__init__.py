"""Project commands under ``carto``, each group a thin shell over the ``geo`` core."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from webmap.commands.actors import actors
    from webmap.commands.ban import ban
    from webmap.commands.campaigns import campagnes
    from webmap.commands.data import data
    from webmap.commands.db import db
    from webmap.commands.export import export_html
    from webmap.commands.geocode import geocode
    from webmap.commands.nearest import nearest_command, network_command
    from webmap.commands.users import users

    for command in (
        actors,
        ban,
        campagnes,
        data,
        db,
        export_html,
        geocode,
        nearest_command,
        network_command,
        users,
    ):
        app.cli.add_command(command)
