"""``carto actors``: check and list the curated actors."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from tabulate import tabulate

from geo.actors.kinds import KINDS
from geo.actors.validation import validate_collection
from geo.actors.vocabularies import STATUTS, THEMATIQUES
from geo.communes import COMMUNES
from geo.io.dataset import InvalidDataset, read_collection, write_text_atomically
from geo.io.interchange import FORMATS, UnreadableFile, export, plan_import, read_rows
from geo.search.filters import filter_actors, thematique_categories
from webmap.commands import summary
from webmap.services import current_actors, current_store, read_data_inclusion

actors = AppGroup("actors", help=summary("actors"))


@actors.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def validate_command(path: Path | None) -> None:
    """Vérifie un fichier d’acteurs (par défaut le jeu de données configuré).

    Affiche chaque problème avec l’acteur et le champ en cause ; code de sortie 1 s’il y en a.
    """
    path = path or Path(current_app.config["ACTORS_FILE"])
    try:
        problems = validate_collection(read_collection(path))
    except InvalidDataset as error:
        problems = error.problems
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{path} : {len(problems)} problème(s).", err=True)
        raise SystemExit(1)
    click.echo(f"{path} : aucun problème.")


@actors.command("list")
@click.option("--commune", metavar="CODE", help="Code INSEE de la commune où se trouve l’acteur.")
@click.option(
    "--thematique", metavar="SLUG", help="Thématique data·inclusion, ou sa catégorie (ex. trouver-un-emploi)."
)
def list_command(commune: str | None, thematique: str | None) -> None:
    """Liste les acteurs, éventuellement filtrés."""
    if commune and commune not in COMMUNES:
        raise click.BadParameter(f"commune inconnue : {commune}", param_hint="--commune")
    if thematique and thematique not in THEMATIQUES and thematique not in thematique_categories():
        raise click.BadParameter(f"thématique inconnue : {thematique}", param_hint="--thematique")
    try:
        selected = filter_actors(
            current_actors(), commune=commune, thematiques=[thematique] if thematique else ()
        )
    except InvalidDataset as error:
        raise click.ClickException(f"{error} — lancez « carto actors validate »") from None
    rows = [
        (a.id, a.nom, KINDS[a.kind].label, a.commune, "oui" if a.is_located else "non", STATUTS[a.statut])
        for a in sorted(selected, key=lambda a: (a.commune, a.nom))
    ]
    headers = ("id", "nom", "type", "commune", "localisé", "statut")
    click.echo(tabulate(rows, headers=headers) if rows else "Aucun acteur ne correspond.")
    click.echo(f"\n{len(rows)} acteur(s).")


@actors.command("export")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "kind", type=click.Choice(FORMATS), default="geojson", show_default=True)
def export_command(path: Path | None, kind: str) -> None:
    """Écrit les acteurs de la base (par défaut dans data/actors.geojson).

    Le fichier est déterministe : un « git diff » montre exactement ce que la curation a changé.
    """
    path = path or Path(current_app.config["ACTORS_FILE"])
    actors = [stored.actor for stored in current_store().all()]
    write_text_atomically(path, export(actors, kind))
    click.echo(f"{len(actors)} acteurs écrits dans {path} ({kind})")


@actors.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "kind",
    type=click.Choice(FORMATS),
    default=None,
    help="Par défaut, d’après l’extension du fichier.",
)
@click.option("--appliquer", "apply", is_flag=True, help="Écrire (sinon : aperçu seulement). Tout ou rien.")
@click.option("--auteur", default="import (ligne de commande)", show_default=True)
def import_command(path: Path, kind: str | None, apply: bool, auteur: str) -> None:
    """Importe des acteurs : aperçu des créations, mises à jour, doublons et erreurs par ligne."""
    kind = kind or {".csv": "csv", ".json": "data-inclusion"}.get(path.suffix.lower(), "geojson")
    try:
        rows = read_rows(path.read_bytes(), kind)
    except UnreadableFile as error:
        raise click.ClickException(str(error)) from None
    plan = plan_import(rows, [s.actor for s in current_store().all()])
    _report_and_apply(plan, apply, auteur)


@actors.command("import-di")
@click.option(
    "--commune",
    "communes",
    multiple=True,
    metavar="INSEE",
    help="Commune (répétable) ; par défaut, les communes servies (CARTO_COMMUNES).",
)
@click.option(
    "--autour",
    metavar="LAT,LON",
    help="Plutôt les services reçus près de ce point (recherche de data·inclusion, doublons exclus).",
)
@click.option(
    "--rayon", type=click.FloatRange(0.1, 50), default=2.0, show_default=True, help="En km, avec --autour."
)
@click.option("--appliquer", "apply", is_flag=True, help="Écrire (sinon : aperçu seulement). Tout ou rien.")
@click.option(
    "--ecraser-verifies",
    "overwrite_verified",
    is_flag=True,
    help="Remplacer aussi les champs d’acteurs vérifiés par un gestionnaire (différences montrées).",
)
@click.option("--auteur", default="import data·inclusion (ligne de commande)", show_default=True)
def import_di_command(
    communes: tuple[str, ...],
    autour: str | None,
    rayon: float,
    apply: bool,
    overwrite_verified: bool,
    auteur: str,
) -> None:
    """Importe les structures et services de data·inclusion pour les communes servies : aperçu d’abord,
    champ par champ, avec la fiche data·inclusion qui donne chaque valeur."""
    from geo.io.data_inclusion_api import DataInclusionUnavailable, plan_data_inclusion

    unknown = [code for code in communes if code not in COMMUNES]
    if unknown:
        raise click.BadParameter(f"commune inconnue : {', '.join(unknown)}", param_hint="--commune")
    try:
        document = read_data_inclusion(communes, _around(autour, rayon) if autour else None)
    except DataInclusionUnavailable as error:
        raise click.ClickException(str(error)) from None
    existing = [s.actor for s in current_store().all()]
    result = plan_data_inclusion(document, existing, overwrite_verified=overwrite_verified)
    click.echo(
        f"{len(document['structures'])} structure(s) et {len(document['services'])} service(s) lus ; "
        f"{len(result.matched)} reconnu(s) parmi nos acteurs."
    )
    for actor_id, name, ours, theirs in result.verified_conflicts:
        kept = "remplacé" if overwrite_verified else "gardé"
        click.echo(f"  vérifié {actor_id} : {name} {ours!r} → {theirs!r} ({kept})")
    for note in result.notes:
        click.echo(f"  note : {note}")
    _report_and_apply(result.plan, apply, auteur, result.changes)


def _around(text: str, radius: float) -> tuple[tuple[float, float], float, str]:
    from geo.communes import commune_at

    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(f"« LAT,LON » attendu, pas {text!r}", param_hint="--autour") from None
    code = commune_at(lon, lat) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
    if code is None:
        raise click.BadParameter(f"{text} n’est dans aucune commune connue", param_hint="--autour")
    return (lon, lat), radius, code


def _report_and_apply(plan, apply: bool, author: str, changes=None) -> None:
    click.echo(
        f"{len(plan.creations)} création(s), {len(plan.updates)} mise(s) à jour, "
        f"{len(plan.unchanged)} inchangé(s), {len(plan.duplicates)} doublon(s) probable(s), "
        f"{len(plan.errors)} erreur(s)."
    )
    for actor in plan.creations if changes else ():
        click.echo(f"  création {actor.id} : {actor.nom}")
        _echo_changes(changes(actor.id))
    for actor, changed in plan.updates:
        click.echo(f"  mise à jour {actor.id} : {', '.join(changed)}")
        if changes:
            _echo_changes(changes(actor.id))
    for number, actor, other, reason in plan.duplicates:
        click.echo(f"  ligne {number} : {actor.nom} ressemble à {other.id} ({reason})")
    for number, problem in plan.errors:
        click.echo(f"  ligne {number} : {problem}")
    if plan.errors:
        raise click.ClickException("rien n’a été importé : corrigez les lignes en erreur")
    if not apply:
        click.echo("Aperçu seulement : relancez avec --appliquer pour importer.")
        return
    current_store().replace_all(plan.actors, author)
    click.echo(f"{len(plan.actors)} acteur(s) importé(s).")


def _echo_changes(changes) -> None:
    for name, old, new, who in changes:
        before = "" if old in (None, "", ()) else f"{_shown(old)} → "
        click.echo(f"      {name} : {before}{_shown(new)}" + (f"   [{who}]" if who else ""))


def _shown(value) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or "—"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"
