"""« Vérifier par téléphone »: one screen for a call — the number, what to ask, each fact confirmed,
changed or unknown, the hours grid — saved as one revision « vérifié par téléphone » (part of the
curation blueprint: the same role check)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from geo.actors.leads import leads_for
from geo.actors.phone_check import (
    ANSWERS,
    CHANGED,
    CONFIRMED,
    FACTS,
    GREETING,
    OPEN,
    STILL_OPEN,
    after_the_call,
)
from geo.store import InvalidActor, StaleVersion
from webmap.auth.services import author
from webmap.gestion.forms import ActorForm
from webmap.gestion.hours_grid import grid_context, words
from webmap.gestion.views import _stored_or_404, blueprint
from webmap.presenters import phone_label
from webmap.query import parse_int
from webmap.services import current_leads, current_store


@blueprint.route("/acteurs/<actor_id>/verifier", methods=["GET", "POST"])
def call_sheet(actor_id: str):
    stored = _stored_or_404(actor_id)
    form = ActorForm(formdata=None, meta={"csrf": False})
    form.fill(stored.actor, stored.version)
    if request.method == "GET":
        return _sheet(form, stored.actor, stored.version, {}, "", [])
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(str(error)) from None
    expected = parse_int(request.form.get("version"), 0, 10**9 - 1)
    if request.form.get("tout_confirme"):  # nothing changed: one tap
        answers, still_open = {fact.slug: CONFIRMED for fact in FACTS}, OPEN
    else:
        answers = {fact.slug: request.form.get(f"fait-{fact.slug}", "") for fact in FACTS}
        still_open = request.form.get("ouvert", "")
    if expected is None or still_open not in STILL_OPEN or set(answers.values()) - set(ANSWERS):
        return _sheet(
            form, stored.actor, stored.version, answers, still_open, ["Répondez à chaque question."]
        ), 400
    for fact in FACTS:
        if answers[fact.slug] == CHANGED:
            for name in fact.fields:
                form[name].process(request.form)
    if answers["horaires"] == CHANGED and not form.read_hours_grid(request.form):
        return _sheet(
            form, stored.actor, stored.version, answers, still_open, form.horaires_accueil.errors
        ), 400
    changed, problems = form.to_actor(stored.actor)
    if changed is None:
        form.show_problems(problems)
        said = [f"{p.field} : {p.message}" for p in problems]
        return _sheet(form, stored.actor, stored.version, answers, still_open, said), 400
    outcome = after_the_call(stored.actor, changed, answers, still_open, dt.date.today())
    try:
        current_store().update(outcome.actor, expected, f"{author()} ({outcome.note})")
    except StaleVersion:
        flash(
            "Quelqu’un a modifié cet acteur pendant l’appel : voici sa version actuelle, vérifiez à nouveau."
        )
        return redirect(url_for("curation.call_sheet", actor_id=actor_id)), 409
    except InvalidActor as refused:
        said = [str(problem) for problem in refused.problems]
        return _sheet(form, stored.actor, stored.version, answers, still_open, said), 400
    flash(f"{stored.actor.nom} : {outcome.note}.")
    return redirect(url_for("curation.to_verify"))


def _sheet(form, actor, version, answers, still_open, problems):
    if not actor:
        abort(404)
    hours = form.horaires_accueil.data or ""
    posted = request.form if request.method == "POST" else None
    return render_template(
        "gestion/call_sheet.html",
        form=form,
        actor=actor,
        version=version,
        facts=FACTS,
        answers=answers,
        choices=ANSWERS,
        still_open=still_open,
        open_choices=STILL_OPEN,
        greeting=GREETING,
        problems=problems,
        **grid_context(hours, posted),
        current=_current(actor, hours),
        leads=leads_for(actor, current_leads()),
        phone_label=phone_label,
    )


def _current(actor, hours: str) -> dict[str, str]:
    """Each fact as it stands, in the words the manager reads out."""
    from geo.actors.access import ways_in
    from geo.actors.vocabularies import PUBLICS

    place = ", ".join(p for p in (actor.adresse, actor.complement_adresse) if p)
    town = " ".join(p for p in (actor.code_postal, actor.commune) if p)
    said_hours = words(hours)
    days = " ; ".join(f"{day} : {spans}" for day, spans in said_hours["jours"])
    publics = ", ".join(PUBLICS.get(p, p) for p in actor.publics) or "tout public"
    ages = ""
    if actor.age_min is not None or actor.age_max is not None:
        ages = f" ; âge : {actor.age_min if actor.age_min is not None else '…'}–{actor.age_max or '…'} ans"
    return {
        "adresse": ", ".join(p for p in (place, town) if p) or "aucune adresse",
        "telephone": phone_label(actor.telephone) or "aucun numéro",
        "horaires": days or "horaires inconnus",
        "acces": " · ".join(ways_in(actor)) or "la source ne le dit pas",
        "publics": publics + ages,
    }
