"""Project commands under ``carto``, each group a thin shell over the ``geo`` core.

Each is declared here once, by name, with the one line ``carto --help`` shows; its module is imported
only when it runs, so that asking for help or running one command never loads the others.
"""

from __future__ import annotations

import importlib

import click
from flask.cli import AppGroup

COMMANDS: dict[str, tuple[str, str]] = {
    "actors": ("webmap.commands.actors:actors", "Consulter et vérifier les acteurs."),
    "ban": ("webmap.commands.ban:ban", "Index local des adresses (Base Adresse Nationale)."),
    "campagnes": (
        "webmap.commands.campaigns:campagnes",
        "Campagnes de porte-à-porte : création, bilan, historique, rétention.",
    ),
    "data": ("webmap.commands.data:data", "Données officielles de référence."),
    "db": ("webmap.commands.db:db", "Schéma de la base de données."),
    "export-html": (
        "webmap.commands.export:export_html",
        "Écrit une carte autonome (données et scripts inclus) dans OUT.html.",
    ),
    "geocode": (
        "webmap.commands.geocode:geocode",
        'Géocode une adresse : carto geocode "12 rue de Paris" --commune 93048.',
    ),
    "nearest": (
        "webmap.commands.nearest:nearest_command",
        "Les acteurs pertinents les plus proches d’une adresse ou d’un point.",
    ),
    "network": (
        "webmap.commands.nearest:network_command",
        "Importe un extrait OpenStreetMap (.osm ou .osm.pbf) pour les temps de marche.",
    ),
    "transit": (
        "webmap.commands.transit:transit",
        "Horaires des transports en commun (GTFS) et rues (OSM) pour les trajets porte à porte.",
    ),
    "users": ("webmap.commands.users:users", "Comptes des gestionnaires et bénévoles."),
}
"""name → (``module:attribute`` of the command, its summary)."""
WEB_COMMANDS = frozenset({"export-html", "run", "routes", "shell"})
"""The commands that need the web app (pages, blueprints); the others run on the command app."""


def summary(name: str) -> str:
    """The line ``carto --help`` shows for ``name``: each command's own help starts with it."""
    return COMMANDS[name][1]


def load_command(name: str) -> click.Command | None:
    if name not in COMMANDS:
        return None
    module, attribute = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), attribute)


class LazyCommands(click.Group):
    """A group whose project commands are named by ``COMMANDS`` and imported only when run, beside the
    commands added to it (Flask's own, a blueprint's)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = {name: summary(name) for name in COMMANDS}
        rows |= {name: command.get_short_help_str(60) for name, command in self.commands.items()}
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows.items()))


class ProjectCommands(LazyCommands, AppGroup):
    """``app.cli``: the project's commands, each imported when it is run."""
