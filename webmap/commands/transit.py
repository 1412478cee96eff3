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
    click.echo(compute_offline())


@transit.command("offline")
def offline_command() -> None:
    """Calcule les trajets en transports de la page hors ligne.

    Depuis le centre de chaque IRIS des communes servies jusqu’à chaque acteur, pour quelques départs
    (en semaine à 8 h 30 et 14 h, le samedi à 10 h). À relancer chaque semaine (les départs sont ceux
    de la semaine à venir) et après des changements d’adresses : un acteur déplacé depuis n’a pas de
    trajet hors ligne.
    """
    click.echo(compute_offline())


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


def compute_offline() -> str:
    """Compute and keep the offline trips (``geo.transit.offline``); what to tell the manager."""
    from geo.communes import iris_sectors
    from geo.transit.door_to_door import DoorToDoor
    from geo.transit.offline import DEPARTURES, offline_minutes, write_offline

    made = services()
    travel = made.travel()
    if not isinstance(travel, DoorToDoor):
        return "Trajets hors ligne : pas d’horaires valables aujourd’hui, rien de calculé"
    centres = {
        sector.code: outline.representative_point().coords[0]  # a point inside the outline
        for sector, outline in iris_sectors()
        if sector.commune in made.served
    }
    actors = {
        a.id: (a.location.lon, a.location.lat) for a in made.actors() if a.statut != "ferme" and a.location
    }
    computed = offline_minutes(travel, centres, actors, dt.date.today())
    path = write_offline(made.transit_folder, computed)
    trips = sum(len(rows) for rows in computed["minutes"].values())
    return (
        f"Trajets hors ligne : {len(centres)} IRIS × {len(actors)} acteurs × {len(DEPARTURES)} départs, "
        f"{trips} couples IRIS–acteur servis ({path})"
    )
