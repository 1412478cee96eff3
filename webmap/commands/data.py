"""``carto data sync``: refresh every piece of official reference data in the instance folder."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from webmap.commands import summary
from webmap.commands.ban import ban_departements, download_departements, import_files
from webmap.services import http_client

data = AppGroup("data", help=summary("data"))


@data.command("sync")
def sync_command() -> None:
    """Télécharge les contours des communes, ceux des quartiers prioritaires et les adresses BAN, puis
    reconstruit l’index local.

    Et, si CARTO_TRANSIT_GTFS_URL est renseigné, les horaires des transports (et les rues de
    CARTO_TRANSIT_OSM_URL), importés comme par « carto transit import ».

    Chaque source est tentée même si une autre échoue ; le code de sortie vaut 1 si l’une a échoué.
    """
    from geo.io.sync import SyncError

    failures = []
    try:
        click.echo(sync_commune_contours())
    except SyncError as error:
        failures.append(f"contours des communes non mis à jour : {error}")
    try:
        click.echo(sync_qpv_outlines())
    except SyncError as error:
        failures.append(f"quartiers prioritaires non mis à jour : {error}")
    try:
        summary = import_files(download_departements(ban_departements()))
        click.echo(f"{summary.addresses} adresses BAN indexées dans {summary.path}")
    except click.ClickException as error:
        failures.append(error.message)
    if current_app.config["TRANSIT_GTFS_URL"]:
        try:
            click.echo(sync_transit())
        except click.ClickException as error:
            failures.append(f"horaires des transports non mis à jour : {error.message}")
    if failures:
        raise click.ClickException("\n".join(failures))


def sync_commune_contours() -> str:
    """Download the served communes' outlines; from then on the service knows them (``register_synced``)."""
    from geo.communes import register_synced
    from geo.io.sync import sync_contours

    config = current_app.config
    folder = Path(current_app.instance_path) / "contours"
    with http_client(follow_redirects=True) as client:
        target = sync_contours(config["CONTOURS_URL"], config["COMMUNES"], folder, client)
    register_synced(target)
    return f"{len(config['COMMUNES'])} contours de communes écrits dans {target}"


def sync_qpv_outlines() -> str:
    """Download the QPV outlines of the communes served; the searches read them at once."""
    import datetime as dt

    from geo.io.sync import sync_qpv

    config = current_app.config
    folder = Path(current_app.instance_path) / "qpv"
    with http_client(follow_redirects=True) as client:
        target, count = sync_qpv(
            config["QPV_URL"], config["COMMUNES"], folder, client, dt.date.today().isoformat()
        )
    from geo.qpv import unlike_the_list

    said = [f"{count} quartier(s) prioritaire(s) écrit(s) dans {target}"]
    features = json.loads(target.read_text(encoding="utf-8"))["features"]
    said += [f"  attention : {difference}" for difference in unlike_the_list(features, config["COMMUNES"])]
    return "\n".join(said)


def sync_transit() -> str:
    """Download the GTFS feed (and the streets, if configured) and import them as ``carto transit
    import`` does; the downloads are scratch files, the instance folder keeps what the import keeps."""
    import tempfile

    from geo.io.sync import SyncError, download_file
    from webmap.commands.transit import compute_offline, import_transit

    config = current_app.config
    with (
        tempfile.TemporaryDirectory(prefix="carto-transit-") as scratch,
        http_client(follow_redirects=True) as client,
    ):
        try:
            feed = download_file(client, config["TRANSIT_GTFS_URL"], Path(scratch) / "gtfs.zip")
            osm_url = config["TRANSIT_OSM_URL"]
            streets = download_file(client, osm_url, Path(scratch) / "rues.osm.pbf") if osm_url else None
        except SyncError as error:
            raise click.ClickException(str(error)) from None
        return import_transit(feed, streets) + "\n" + compute_offline()
