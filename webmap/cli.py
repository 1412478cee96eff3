"""The ``carto`` console script: Flask's CLI over the app factory, with the project's commands."""

from __future__ import annotations

import sys

from flask.cli import FlaskGroup

from geo.store import SchemaNotReady
from webmap import create_app
from webmap.errors import database_problem
from webmap.settings import ConfigurationError

cli = FlaskGroup(
    create_app=create_app,
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
