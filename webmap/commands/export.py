"""``carto export-html``: a self-contained map file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.datastructures import MultiDict

from geo.io.dataset import write_text_atomically
from webmap.commands import summary
from webmap.export import export_map
from webmap.query import Filters, parse, search_request
from webmap.selection import matching_actors


@click.command("export-html", help=summary("export-html"))
@click.option("--commune", metavar="INSEE", help="Acteurs situés dans cette commune.")
@click.option("--thematique", "thematiques", multiple=True, metavar="SLUG", help="Répétable.")
@click.option("--besoin", "needs", multiple=True, metavar="SLUG", help="Répétable.")
@click.option("--titre", default="Acteurs de l’emploi et de la formation", show_default=True)
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_html(commune, thematiques, needs, titre, out: Path) -> None:
    args = MultiDict(
        [("thematique", t) for t in thematiques]
        + [("besoin", n) for n in needs]
        + ([("commune", commune)] if commune else [])
    )
    values, problems = parse(Filters, args)
    if problems:
        name, message = next(iter(problems.items()))
        raise click.BadParameter(message, param_hint=f"--{name}")
    with current_app.test_request_context("/"):
        actors = matching_actors(search_request(values), commune)
        html = export_map([a for a in actors if a.location], titre)
    write_text_atomically(out, html)
    click.echo(
        f"{sum(1 for a in actors if a.location)} acteurs sur la carte : {out} "
        f"({len(html.encode()) // 1024} Ko)"
    )
