"""The managers' back office, ``/gestion``: every route behind the curator role check."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from geo.actors.duplicates import probable_duplicates
from geo.actors.kinds import KINDS
from geo.actors.leads import leads_for, missing_actors
from geo.actors.model import FIELDS
from geo.actors.quality import quality
from geo.actors.to_locate import to_locate
from geo.actors.verification import verification_queue
from geo.actors.vocabularies import STATUTS
from geo.communes import COMMUNES
from geo.io.interchange import FORMATS, UnreadableFile, export, plan_import, read_rows
from geo.store import ActorNotFound, InvalidActor, StaleVersion, diff
from geo.text import fold
from webmap.auth.services import CURATORS, author, check_role
from webmap.gestion.forms import ActorForm
from webmap.gestion.hours_grid import grid_context, words, written_hours
from webmap.maps import tile_provider
from webmap.query import parse_int
from webmap.services import current_actors, current_leads, current_store, read_data_inclusion, served_communes
from webmap.shown import shown_tally

blueprint = Blueprint(
    "curation", __name__, url_prefix="/gestion", template_folder="templates", static_folder="static"
)


@blueprint.before_request
def curators_only() -> None:
    check_role(CURATORS)


@blueprint.context_processor
def helpers() -> dict:
    provider = tile_provider()
    return {
        "tiles_url": provider.build_url() if provider else "",
        "quality": quality,
        "field_labels": FIELD_LABELS,
    }


FIELD_LABELS = {
    **{declared.name: declared.label for declared in FIELDS},
    "geometry": "Position sur la carte",
    "location": "Position sur la carte",
}
"""How the back office names each field of an actor (its declaration), the point included."""


def _queue():
    shown_tally().flush()  # this worker's latest counts (the others' are at most a minute old)
    return verification_queue(
        current_actors(),
        dt.date.today(),
        current_app.config["VERIFY_EVERY_MONTHS"],
        current_store().shown_counts(),
    )


@blueprint.get("/")
def home() -> str:
    actors = current_actors()
    args = request.args
    commune, kind, statut = args.get("commune", ""), args.get("type", ""), args.get("statut", "")
    text = fold(args.get("q", ""))[:100]
    selected = [
        a
        for a in actors
        if (not commune or a.code_insee == commune)
        and (not kind or a.kind == kind)
        and (not statut or a.statut == statut)
        and (not args.get("sans_localisation") or a.location is None)
        and (not text or text in fold(f"{a.nom} {a.adresse} {a.commune}"))
    ]
    queue = _queue()
    if args.get("a_verifier"):
        waiting = {item.actor.id for item in queue}
        selected = [a for a in selected if a.id in waiting]
    return render_template(
        "gestion/home.html",
        actors=sorted(selected, key=lambda a: fold(a.nom)),
        queue_count=len(queue),
        total=len(actors),
        communes=COMMUNES,
        target_communes=served_communes(),
        kinds=KINDS,
        statuts=STATUTS,
        args=args,
    )


@blueprint.get("/a-verifier")
def to_verify() -> str:
    queue, leads = _queue(), current_leads()
    return render_template(
        "gestion/queue.html",
        queue=queue,
        months=current_app.config["VERIFY_EVERY_MONTHS"],
        leads={item.actor.id: leads_for(item.actor, leads) for item in queue},
    )


@blueprint.get("/a-localiser")
def to_locate_list() -> str:
    """Actors the association names that no located source gives yet, and what to look for."""
    source, entries = to_locate(Path(current_app.config["TO_LOCATE_FILE"]), current_actors())
    return render_template(
        "gestion/to_locate.html",
        source=source,
        entries=entries,
        missing=missing_actors(current_leads(), current_actors()),
    )


@blueprint.route("/acteurs/nouveau", methods=["GET", "POST"])
def create():
    form = ActorForm()
    duplicates = []
    if request.method == "GET":
        form.statut.data = "a_verifier"
        form.date_source.data = dt.date.today().isoformat()
        form.nom.data = request.args.get("nom", "")[:150]  # from the « À localiser » list
    elif form.validate_on_submit() and form.read_hours_grid(request.form):
        actor, problems = form.to_actor(None)
        if actor is not None:
            actor = dataclasses.replace(actor, id=_free_id(actor.id))
            duplicates = probable_duplicates(actor, current_actors())
            if duplicates and not request.form.get("confirmer_doublon"):
                return _edit_page(form, None, duplicates), 409
            try:
                current_store().create(actor, author())
            except InvalidActor as refused:
                problems = refused.problems
            except ValueError:
                form.nom.errors = ["un acteur porte déjà cet identifiant : changez le nom"]
                return _edit_page(form, None, []), 409
            else:
                flash("Acteur créé.")
                return redirect(url_for("curation.edit", actor_id=actor.id))
        form.show_problems(problems)
    status = 400 if request.method == "POST" else 200
    return _edit_page(form, None, duplicates), status


@blueprint.route("/acteurs/<actor_id>", methods=["GET", "POST"])
def edit(actor_id: str):
    stored = _stored_or_404(actor_id)
    form = ActorForm()
    if request.method == "GET":
        form.fill(stored.actor, stored.version)
        return _edit_page(form, stored.actor, [])
    if not form.validate_on_submit() or not form.read_hours_grid(request.form):
        return _edit_page(form, stored.actor, []), 400
    actor, problems = form.to_actor(stored.actor)
    if actor is None:
        form.show_problems(problems)
        return _edit_page(form, stored.actor, []), 400
    expected = parse_int(form.version.data, 0, 10**9 - 1)
    if expected is None:
        abort(400)
    try:
        current_store().update(actor, expected, author())
    except StaleVersion as stale:
        return _conflict(
            stored.actor if stored.version == expected else _revision(actor_id, expected),
            actor,
            stale.current,
        )
    except InvalidActor as refused:
        form.show_problems(refused.problems)
        return _edit_page(form, stored.actor, []), 400
    flash("Modifications enregistrées.")
    return redirect(url_for("curation.edit", actor_id=actor_id))


def _edit_page(form, actor, duplicates):
    """The actor form, its hours shown in the grid (the manager's inputs again after a refused post)."""
    hours = form.horaires_accueil.data or ""
    posted = request.form if request.method == "POST" else None
    return render_template(
        "gestion/edit.html",
        form=form,
        actor=actor,
        duplicates=duplicates,
        **grid_context(hours, posted),
    )


@blueprint.get("/horaires/en-mots")
def hours_words():
    """The grid's inputs (or a typed OSM value) as the volunteer will read them, for the form to
    show while the manager types: {valeur, statut, jours, rendez_vous, grille, problemes}."""
    written, problems = written_hours(request.args)
    hours = request.args.get("valeur", "") if written is None else written
    return {**words(hours[:500]), "problemes": problems}


def _conflict(started_from, mine, current):
    """Someone saved in between: show both changes field by field, and let the manager merge."""
    theirs = diff(started_from, current.actor)
    ours = diff(started_from, mine)
    form = ActorForm()
    form.fill(mine, current.version)
    return render_template(
        "gestion/conflict.html",
        form=form,
        actor=current.actor,
        theirs=theirs,
        ours=ours,
        both=sorted(set(theirs) | set(ours)),
    ), 409


def _revision(actor_id: str, version: int):
    for revision in current_store().history(actor_id):
        if revision.version == version:
            return revision.actor
    abort(409)


@blueprint.post("/acteurs/<actor_id>/retirer")
def retire(actor_id: str):
    return _simple_change(
        actor_id,
        lambda store, stored: store.retire(actor_id, stored.version, author()),
        "Acteur retiré de la carte (statut « fermé »).",
    )


@blueprint.post("/acteurs/<actor_id>/verifie")
def verified_today(actor_id: str):
    def verify(store, stored):
        actor = dataclasses.replace(
            stored.actor,
            date_verification=dt.date.today(),
            statut="actif" if stored.actor.statut == "a_verifier" else stored.actor.statut,
        )
        return store.update(actor, stored.version, author())

    return _simple_change(actor_id, verify, "Marqué vérifié aujourd’hui.")


@blueprint.get("/acteurs/<actor_id>/historique")
def history(actor_id: str):
    try:
        revisions = current_store().history(actor_id)
    except ActorNotFound:
        abort(404)
    return render_template(
        "gestion/history.html",
        actor=revisions[0].actor,
        revisions=revisions,
        current_version=revisions[0].version,
    )


@blueprint.post("/acteurs/<actor_id>/restaurer/<int:version>")
def restore(actor_id: str, version: int):
    return _simple_change(
        actor_id,
        lambda store, stored: store.restore(actor_id, version, stored.version, author()),
        f"Version {version} restaurée (nouvelle version).",
    )


def _simple_change(actor_id, change, message):
    stored = _stored_or_404(actor_id)
    expected = parse_int(request.form.get("version"), 0, 10**9 - 1)
    if expected is None:
        abort(400)
    if expected != stored.version:
        flash("Quelqu’un a modifié cet acteur entre-temps : voici sa version actuelle.")
        return redirect(url_for("curation.edit", actor_id=actor_id)), 409
    try:
        change(current_store(), stored)
    except StaleVersion:
        flash("Quelqu’un a modifié cet acteur entre-temps : voici sa version actuelle.")
        return redirect(url_for("curation.edit", actor_id=actor_id))
    except (InvalidActor, ActorNotFound) as error:
        flash(f"Impossible : {error}")
        return redirect(url_for("curation.edit", actor_id=actor_id))
    flash(message)
    return redirect(url_for("curation.edit", actor_id=actor_id))


def _free_id(wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``-3``… when another actor already has that identifier."""
    taken = {a.id for a in current_actors()}
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _stored_or_404(actor_id: str):
    try:
        return current_store().get(actor_id)
    except ActorNotFound:
        abort(404)


@blueprint.get("/export")
def export_file():
    kind = request.args.get("format", "geojson")
    if kind not in FORMATS:
        abort(400)
    content = export([s.actor for s in current_store().all()], kind)
    suffix = {"csv": "csv", "geojson": "geojson", "data-inclusion": "json"}[kind]
    response = current_app.response_class(
        content,
        mimetype={"csv": "text/csv", "geojson": "application/geo+json", "data-inclusion": "application/json"}[
            kind
        ],
    )
    response.headers["Content-Disposition"] = f"attachment; filename=acteurs-{dt.date.today()}.{suffix}"
    return response


@blueprint.route("/import", methods=["GET", "POST"])
def import_file():
    """Upload → preview (nothing written) → confirm → applied in one transaction."""
    folder = Path(current_app.instance_path) / "imports"
    _forget_old_previews(folder)
    if request.method == "GET":
        return render_template("gestion/import.html", plan=None, formats=FORMATS)
    token = request.form.get("jeton", "")
    if token:
        saved = _saved_preview(folder, token)
        if saved is None:
            return _import_refused("Cet aperçu a expiré (une heure) : envoyez le fichier à nouveau.")
        data, kind = saved.read_bytes(), request.form.get("format", "")
    else:
        upload = request.files.get("fichier")
        kind = request.form.get("format", "")
        if upload is None or kind not in FORMATS:
            return _import_refused("Choisissez un fichier et son format.")
        data = upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            return _import_refused("Fichier trop gros (5 Mo au plus).")
    try:
        rows = read_rows(data, kind)
    except UnreadableFile as error:
        return _import_refused(f"Fichier illisible : {error}")
    plan = plan_import(rows, [s.actor for s in current_store().all()])
    if token and request.form.get("appliquer") and plan.applicable:
        return _apply_import(plan, "import", folder / token, f"{len(plan.actors)} acteur(s) importé(s).")
    token = token or _keep_preview(folder, data)
    return render_template(
        "gestion/import.html", plan=plan, formats=FORMATS, token=token, kind=kind
    ), 200 if plan.applicable else 400


@blueprint.post("/import/data-inclusion")
def import_data_inclusion():
    """Read data·inclusion for the communes served → preview (verified differences shown) → apply."""
    import json

    from geo.io.data_inclusion_api import DataInclusionUnavailable, plan_data_inclusion

    folder = Path(current_app.instance_path) / "imports"
    _forget_old_previews(folder)
    overwrite = bool(request.form.get("ecraser_verifies"))
    token = request.form.get("jeton", "")
    if token:
        saved = _saved_preview(folder, token)
        if saved is None:
            return _import_refused("Cet aperçu a expiré (une heure) : relisez data·inclusion.")
        document = json.loads(saved.read_text(encoding="utf-8"))
    else:
        try:
            document = read_data_inclusion()
        except DataInclusionUnavailable as error:
            return _import_refused(f"Import impossible : {error}", 503)
    result = plan_data_inclusion(
        document, [s.actor for s in current_store().all()], overwrite_verified=overwrite
    )
    if token and request.form.get("appliquer") and result.plan.applicable:
        return _apply_import(
            result.plan,
            "import data·inclusion",
            folder / token,
            f"{len(result.plan.actors)} acteur(s) importé(s) depuis data·inclusion.",
        )
    token = token or _keep_preview(folder, json.dumps(document, ensure_ascii=False).encode())
    return render_template(
        "gestion/import.html",
        plan=result.plan,
        formats=FORMATS,
        token=token,
        data_inclusion=result,
        overwrite=overwrite,
    ), 200 if result.plan.applicable else 400


MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_PREVIEW_SECONDS = 3600
"""An uploaded file waits this long for the manager to apply its preview, then it is deleted."""


def _import_refused(message: str, status: int = 400):
    """The empty import page again, saying why the request was refused."""
    flash(message)
    return render_template("gestion/import.html", plan=None, formats=FORMATS), status


def _saved_preview(folder: Path, token: str) -> Path | None:
    """The preview a form names, if its token is well formed and the preview not yet forgotten."""
    if len(token) == 32 and token.isascii() and token.isalnum() and (folder / token).exists():
        return folder / token
    return None


def _keep_preview(folder: Path, data: bytes) -> str:
    """Keep what was read until the manager applies it (an hour at most); its token."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (folder / token).write_bytes(data)
    return token


def _apply_import(plan, how: str, preview: Path, done: str):
    """Every actor of ``plan`` in one transaction, then the preview is forgotten."""
    current_store().replace_all(plan.actors, f"{author()} ({how})")
    preview.unlink(missing_ok=True)
    flash(done)
    return redirect(url_for("curation.home"))


def _forget_old_previews(folder: Path) -> None:
    if not folder.is_dir():
        return
    too_old = time.time() - IMPORT_PREVIEW_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < too_old:
                path.unlink()
        except FileNotFoundError:  # another worker deleted it first
            pass
