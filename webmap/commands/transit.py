"""``carto transit``: the timetable (GTFS) and the streets (OSM) for trips door to door."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import AppGroup

from webmap.commands import summary
from webmap.services import services

transit = AppGroup("transit", help=summary("transit"))


@transit.command("import")
@click.argument("gtfs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("osm", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(gtfs: Path, osm: Path | None) -> None:
    """Importe un flux GTFS (.zip) et, s’il est donné, l’extrait OpenStreetMap (.osm.pbf) de ses rues.

    Le flux est gardé dans le dossier d’instance avec ses dates de validité ; l’extrait donne les temps
    à pied le long des rues, jusqu’aux arrêts comme jusqu’aux acteurs.
    """
    click.echo(import_transit(gtfs, osm))


def import_transit(gtfs: Path, osm: Path | None) -> str:
    """Keep the feed (checked by loading it in the engine) and the streets; what to tell the manager."""
    from geo.transit.engine import NigiriRouter
    from geo.transit.feed import FeedError, import_feed
    from webmap.commands.nearest import import_streets

    made = services()
    said = [import_streets(osm)] if osm is not None else []
    try:
        feed = import_feed(gtfs, made.transit_folder)
    except FeedError as error:
        raise click.ClickException(str(error)) from None
    today = dt.date.today()
    router = NigiriRouter(feed, today) if not feed.out_of_date(today) else None
    said.append(
        f"Horaires : {feed.publisher}, valables du {feed.start:%d/%m/%Y} au {feed.end:%d/%m/%Y}, "
        f"{feed.stops} arrêts, {feed.routes} lignes ({feed.folder})"
    )
    if router is None:
        said.append(
            "  attention : ces horaires ne sont pas valables aujourd’hui — les trajets ne seront pas proposés"
        )
    elif len(router.stops) < feed.stops:
        said.append(f"  attention : {feed.stops - len(router.stops)} arrêt(s) sans horaire chargé")
    return "\n".join(said)
