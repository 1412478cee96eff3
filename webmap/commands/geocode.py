"""``carto geocode``: find an address (or the address at a point) with the configured geocoders."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from tabulate import tabulate

from geo.geocoding import GeocoderUnavailable, InvalidQuery, to_geocodejson
from webmap.commands import summary
from webmap.services import current_geocoder


@click.command("geocode", help=summary("geocode"))
@click.argument("query", required=False)
@click.option(
    "--reverse",
    "point",
    nargs=2,
    type=float,
    metavar="LON LAT",
    help="Adresse la plus proche de ce point plutôt qu’une recherche.",
)
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(1, 50), help="Nombre de résultats."
)
@click.option(
    "--commune",
    metavar="INSEE",
    help="Commune où chercher d’abord (code INSEE), comme la commune choisie par le bénévole.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie GeocodeJSON (FeatureCollection).")
@with_appcontext
def geocode(
    query: str | None, point: tuple[float, float] | None, limit: int, commune: str | None, as_json: bool
) -> None:
    if (query is None) == (point is None):
        raise click.UsageError("donnez une adresse, ou --reverse LON LAT")
    try:
        if point is not None:
            results = current_geocoder().reverse(point[0], point[1], limit=limit)
            asked = f"{point[0]},{point[1]}"
        else:
            asked = query or ""
            results = current_geocoder().search(asked, limit=limit, citycode=commune)
    except InvalidQuery as error:
        raise click.BadParameter(str(error)) from None
    except GeocoderUnavailable as error:
        raise click.ClickException(f"aucun géocodeur disponible : {error}") from None
    if as_json:
        click.echo(json.dumps(to_geocodejson(results, asked), ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo("Aucune adresse trouvée.")
        return
    rows = [
        (
            r.label,
            f"{r.score:.2f}",
            r.type + (" ≈" if r.approximate else ""),
            f"{r.lon:.6f}",
            f"{r.lat:.6f}",
            r.backend,
        )
        for r in results
    ]
    click.echo(tabulate(rows, headers=("adresse", "score", "type", "lon", "lat", "source")))
