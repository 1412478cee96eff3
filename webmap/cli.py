"""The ``carto`` console script: Flask's CLI with the project's commands, each loaded when it runs.

``carto --help`` imports no command and builds no app. A command builds the app it needs: the web app
for those that serve or draw pages (``WEB_COMMANDS``), the lighter command app for the others.
"""

from __future__ import annotations

import sys
from functools import partial

import click
from flask.cli import FlaskGroup, ScriptInfo

from geo.store import SchemaNotReady
from webmap import create_app
from webmap.commands import WEB_COMMANDS, LazyCommands
from webmap.errors import database_problem
from webmap.settings import ConfigurationError


class CartoGroup(LazyCommands, FlaskGroup):
    """Flask's group, with no app loaded to list or find a command: each builds the one it needs."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ctx.ensure_object(ScriptInfo).create_app = partial(create_app, web=cmd_name in WEB_COMMANDS)
        return super().get_command(ctx, cmd_name)


cli = CartoGroup(
    create_app=partial(create_app, web=False),
    load_dotenv=False,
    help="carto-insertion : acteurs de l’emploi et de la formation près de chez soi.",
)


def main() -> None:
    try:
        cli.main(prog_name="carto")
    except (ConfigurationError, SchemaNotReady) as error:
        sys.exit(f"Error: {error}")
    except Exception as error:
        problem = database_problem(error)
        if problem is None:
            raise
        sys.exit(f"Error: base de données injoignable : {problem}")
