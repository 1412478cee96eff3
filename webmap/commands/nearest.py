"""``carto nearest`` and ``carto network import``: the volunteer's question from a terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from flask import current_app
from flask.cli import with_appcontext
from tabulate import tabulate

from geo.communes import COMMUNES
from geo.geocoding import AddressNotFound, GeocoderUnavailable, InvalidQuery
from geo.io.dataset import InvalidDataset
from geo.search.request import AGE_RANGE, K_RANGE, RADIUS_RANGE, SearchRequest
from webmap.commands import summary
from webmap.presenters import origin_json, result_json
from webmap.services import network_path, run_search

if TYPE_CHECKING:
    from geo.search.nearest import NearestResult


@click.command("nearest", help=summary("nearest"))
@click.option("--address", help="Adresse du résident (géocodée avec le géocodeur configuré).")
@click.option("--lat", type=float, help="Latitude (avec --lon) au lieu d’une adresse.")
@click.option("--lon", type=float, help="Longitude (avec --lat).")
@click.option(
    "--thematique",
    "thematiques",
    multiple=True,
    metavar="SLUG",
    help="Besoin (thématique data·inclusion ou catégorie), répétable.",
)
@click.option("--public", "publics", multiple=True, metavar="SLUG", help="Public du résident, répétable.")
@click.option("--age", type=click.IntRange(*AGE_RANGE), help="Âge du résident.")
@click.option("--commune", metavar="INSEE", help="Commune de résidence (par défaut celle de l’adresse).")
@click.option("--k", default=5, show_default=True, type=click.IntRange(*K_RANGE), help="Nombre d’acteurs.")
@click.option("--radius", type=click.FloatRange(*RADIUS_RANGE), metavar="M", help="Rayon maximal en mètres.")
@click.option(
    "--tous",
    "include_ineligible",
    is_flag=True,
    help="Montrer aussi les acteurs auxquels le résident n’a pas droit.",
)
@click.option("--depart", metavar="[AAAA-MM-JJT]HH:MM", help="Départ en transports (maintenant par défaut).")
@click.option(
    "--transports",
    "by_transit",
    is_flag=True,
    help="Il peut prendre le bus : classer par le plus court, à pied ou en transports.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@with_appcontext
def nearest_command(
    address,
    lat,
    lon,
    thematiques,
    publics,
    age,
    commune,
    k,
    radius,
    include_ineligible,
    depart,
    by_transit,
    as_json,
) -> None:
    if (address is None) == (lat is None or lon is None) or (lat is None) != (lon is None):
        raise click.UsageError("donnez --address, ou --lat et --lon")
    if commune and commune not in COMMUNES and not (len(commune) == 5 and commune[:2].isdigit()):
        raise click.BadParameter(f"code INSEE invalide : {commune}", param_hint="--commune")
    request = SearchRequest(
        address=address or "",
        lat=lat,
        lon=lon,
        thematiques=tuple(thematiques),
        publics=tuple(publics),
        age=age,
        commune=commune,
        k=k,
        radius=radius,
        include_ineligible=include_ineligible,
        depart=_departure(depart) if depart else None,
        by_transit=by_transit,
    )
    try:
        outcome = run_search(request)
    except InvalidQuery as error:
        raise click.BadParameter(str(error)) from None
    except AddressNotFound as error:
        raise click.ClickException(f"adresse introuvable : {error}") from None
    except GeocoderUnavailable as error:
        raise click.ClickException(f"recherche d’adresse indisponible : {error}") from None
    except InvalidDataset as error:
        raise click.ClickException(f"{error} — lancez « carto actors validate »") from None
    origin, results = outcome.origin, outcome.results
    if as_json:
        payload = {"origin": origin_json(origin), "results": [result_json(r) for r in results]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    score = f" (score {origin.score:.2f})" if origin.score is not None else ""
    click.echo(f"Depuis : {origin.label or f'{origin.lat:.6f}, {origin.lon:.6f}'}{score}\n")
    if not results:
        click.echo("Aucun acteur ne correspond.")
        return
    rows = [
        (
            r.actor.nom,
            _distance(r),
            (r.travel.label if r.travel else "") + (f"\nou {r.transit.label}" if r.transit else ""),
            "oui" if r.eligibility.eligible else "non : " + "; ".join(r.eligibility.reasons),
            r.opening.label,
        )
        for r in results
    ]
    click.echo(tabulate(rows, headers=("acteur", "distance", "trajet", "éligible", "horaires")))


def _departure(text: str) -> dt.datetime:
    """``--depart`` read as the API reads ``depart``."""
    from marshmallow import ValidationError

    from webmap.query import Departure

    try:
        moment = cast(dt.datetime, Departure().deserialize(text))  # a String field that reads a moment
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.messages), param_hint="--depart") from None
    return moment


@click.command("network", help=summary("network"))
@click.argument("action", type=click.Choice(["import"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def network_command(action: str, path: Path) -> None:
    click.echo(import_streets(path))


def import_streets(path: Path) -> str:
    """Keep the walkable streets of the OSM extract ``path``; what to tell the manager."""
    from geo.search.network import NetworkImportError, import_osm

    try:
        network = import_osm(path)
    except NetworkImportError as error:
        raise click.ClickException(str(error)) from None
    network.save(network_path(current_app))
    return (
        f"Réseau piéton : {len(network.nodes)} nœuds, {len(network.edges)} tronçons "
        f"enregistrés dans {network_path(current_app)}"
    )


def _distance(result: NearestResult) -> str:
    if result.distance_m is None:
        return result.placement_label
    if result.distance_m < 1000:
        return f"{result.distance_m:.0f} m"
    return f"{result.distance_m / 1000:.1f} km"
