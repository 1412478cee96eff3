"""``carto ban``: build the local BAN address index from official files.

Commands import what they need when they run, so that every ``carto`` command starts fast."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from webmap.commands import summary
from webmap.services import ban_index_path, http_client

if TYPE_CHECKING:
    from geo.geocoding.ban_index import IndexSummary

ban = AppGroup("ban", help=summary("ban"))


@ban.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Indexe des fichiers BAN (adresses-XX.csv ou .csv.gz) pour les communes configurées.

    Le nouvel index remplace l’ancien d’un coup : les recherches en cours n’en voient jamais la moitié.
    """
    summary = import_files(list(files))
    click.echo(
        f"{summary.addresses} adresses sur {summary.streets} voies de {summary.communes} "
        f"commune(s) indexées dans {summary.path}"
    )


@ban.command("download")
@click.option(
    "--departement",
    "departements",
    multiple=True,
    metavar="CODE",
    help="Département à télécharger (répétable). Par défaut, ceux des communes configurées.",
)
def download_command(departements: tuple[str, ...]) -> None:
    """Télécharge le fichier BAN officiel des départements, puis l’indexe."""
    files = download_departements(departements or ban_departements())
    summary = import_files(files)
    click.echo(f"{summary.addresses} adresses sur {summary.streets} voies indexées dans {summary.path}")


def ban_departements() -> tuple[str, ...]:
    return tuple(sorted({code[:2] for code in current_app.config["BAN_COMMUNES"]}))


def download_departements(departements: tuple[str, ...] | list[str]) -> list[Path]:
    """Download each département's BAN file into the instance folder; ClickException on failure."""
    from geo.io.sync import SyncError, download_file

    config = current_app.config
    folder = Path(current_app.instance_path) / "ban"
    files = []
    with http_client(follow_redirects=True) as client:
        for departement in departements:
            url = config["BAN_URL"].format(departement=departement)
            target = folder / f"adresses-{departement}.csv.gz"
            with click.progressbar(length=0, label=f"BAN {departement}", show_pos=True) as bar:

                def advance(received: int, total: int | None) -> None:
                    if total and not bar.length:
                        bar.length = total
                    bar.update(received)

                try:
                    files.append(download_file(client, url, target, advance))
                except SyncError as error:
                    raise click.ClickException(f"BAN {departement} non téléchargée : {error}") from None
    return files


def import_files(files: list[Path]) -> IndexSummary:
    """Build the index from ``files`` with a progress bar; ClickException on an unreadable file."""
    from geo.geocoding.ban_file import BanFileError
    from geo.geocoding.ban_index import build_index

    total = sum(path.stat().st_size for path in files)
    with click.progressbar(length=total, label="Indexation des adresses") as bar:
        try:
            return build_index(
                files, current_app.config["BAN_COMMUNES"], ban_index_path(current_app), progress=bar.update
            )
        except (BanFileError, UnicodeDecodeError, EOFError, OSError) as error:
            raise click.ClickException(f"import BAN impossible : {error}") from None
