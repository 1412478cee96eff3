"""``carto campagnes``: door-to-door campaigns, their aggregated history, the log's retention."""

from __future__ import annotations

import datetime as dt
import json

import click
from flask import current_app
from flask.cli import AppGroup
from tabulate import tabulate

from geo.campaigns.model import HistoryTotals
from geo.communes import COMMUNES
from geo.dates import months_before
from webmap.commands import summary
from webmap.services import current_store

campagnes = AppGroup("campagnes", help=summary("campagnes"))


def _commune(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [code for code in values if code not in COMMUNES]
    if unknown:
        raise click.BadParameter(f"commune inconnue : {', '.join(unknown)}")
    return values


@campagnes.command("add")
@click.argument("nom")
@click.option(
    "--commune",
    "communes",
    multiple=True,
    required=True,
    callback=_commune,
    help="Code INSEE d’une commune couverte (plusieurs fois pour plusieurs communes).",
)
@click.option(
    "--iris",
    "secteurs",
    multiple=True,
    help="Code d’un IRIS couvert, si la campagne n’en couvre que certains.",
)
@click.option("--debut", type=click.DateTime(["%Y-%m-%d"]), help="Premier jour (AAAA-MM-JJ).")
@click.option("--fin", type=click.DateTime(["%Y-%m-%d"]), help="Dernier jour (AAAA-MM-JJ).")
@click.option("--json", "as_json", is_flag=True, help='Afficher {"id": …} en JSON.')
def add(nom: str, communes, secteurs, debut, fin, as_json: bool) -> None:
    """Crée la campagne NOM."""
    if not nom.strip() or len(nom) > 200:
        raise click.BadParameter("1 à 200 caractères", param_hint="NOM")
    if debut and fin and fin < debut:
        raise click.BadParameter("la fin précède le début", param_hint="--fin")
    campaign = current_store().add_campaign(
        nom.strip(), communes, secteurs, debut.date() if debut else None, fin.date() if fin else None
    )
    click.echo(json.dumps({"id": campaign.id}) if as_json else f"Campagne {campaign.id} : {campaign.nom}")


@campagnes.command("list")
def list_campaigns() -> None:
    """Les campagnes, leurs communes, leurs dates et leurs rencontres."""
    store = current_store()
    counts = store.encounter_counts()
    rows = [
        (
            c.id,
            c.nom,
            ", ".join(COMMUNES[code].nom for code in c.communes if code in COMMUNES),
            c.debut or "",
            c.fin or "",
            "close" if c.close else "ouverte",
            counts.get(c.id, 0),
        )
        for c in store.campaigns()
    ]
    click.echo(
        tabulate(rows, headers=("n°", "nom", "communes", "début", "fin", "état", "rencontres"))
        if rows
        else "Aucune campagne."
    )


@campagnes.command("historique")
@click.argument("campagne", type=int)
@click.option("--periode", required=True, help="La période couverte, ex. « 2022–2025 ».")
@click.option("--source", required=True, help="D’où viennent ces chiffres (document, date).")
@click.option("--rencontres", type=click.IntRange(0), required=True)
@click.option("--en-recherche", type=click.IntRange(0))
@click.option("--non-accompagnes", type=click.IntRange(0))
@click.option("--mises-en-lien", type=click.IntRange(0))
@click.option("--demos-mes-offres", type=click.IntRange(0))
@click.option("--note", default="", help="Par exemple « chiffres arrondis par l’association ».")
def history(
    campagne: int,
    periode: str,
    source: str,
    rencontres: int,
    en_recherche,
    non_accompagnes,
    mises_en_lien,
    demos_mes_offres,
    note: str,
) -> None:
    """Enregistre les totaux agrégés d’une campagne sans détail des rencontres (son historique)."""
    store = current_store()
    if store.campaign(campagne) is None:
        raise click.BadParameter(f"campagne inconnue : {campagne}", param_hint="CAMPAGNE")
    store.add_history(
        HistoryTotals(
            campagne,
            periode,
            source,
            rencontres,
            en_recherche,
            non_accompagnes,
            mises_en_lien,
            demos_mes_offres,
            note,
        )
    )
    click.echo(f"Historique {periode} enregistré pour la campagne {campagne}.")


@campagnes.command("equipe")
@click.argument("campaign_id", metavar="ID", type=int)
@click.argument("email")
@click.option("--equipe", metavar="NOM", help="L’équipe (sinon : l’équipe unique de la campagne).")
@click.option("--retirer", "remove", is_flag=True, help="Retirer ce bénévole de la campagne.")
def team(campaign_id: int, email: str, equipe: str | None, remove: bool) -> None:
    """Met un bénévole (compte existant) dans l’équipe d’une campagne, ou l’en retire."""
    from webmap.campaigns import StaffingRefused, put_in_team

    if remove:
        store = current_store()
        email = email.strip().lower()
        if email not in store.volunteers(campaign_id):
            raise click.ClickException(f"{email} n’est pas dans la campagne {campaign_id}")
        store.remove_volunteer(campaign_id, email)
        click.echo(f"{email} retiré de la campagne {campaign_id}.")
        return
    try:
        email = put_in_team(campaign_id, email, equipe)
    except StaffingRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(
        f"{email} dans la campagne {campaign_id}" + (f", équipe « {equipe.strip()} »." if equipe else ".")
    )


@campagnes.command("archive")
def archive() -> None:
    """Regroupe par semaine les rencontres plus anciennes que CARTO_ENCOUNTER_RETENTION_MONTHS ; les
    chiffres des bilans ne changent pas."""
    months = current_app.config["ENCOUNTER_RETENTION_MONTHS"]
    before = months_before(dt.date.today(), months)
    folded = current_store().archive_encounters(before)
    click.echo(f"{folded} rencontre(s) d’avant le {before:%d/%m/%Y} regroupée(s) par semaine.")
