"""« Noter la rencontre »: the volunteer logs an encounter in a few taps, after a fiche or on its own.

The page posts to ``/api/v1/rencontres`` from its script, keeping unsent encounters in the browser
until the network returns (static/rencontre.js); without a script it is a plain form, read here by
the same rules. Nothing that identifies the resident has a field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from geo.campaigns.model import ACCOMPANIERS, AGE_BANDS, ANSWERS, Campaign
from geo.communes import COMMUNES
from geo.search.needs import NEEDS
from webmap.auth.services import ROLES, User, check_role
from webmap.campaigns import postable_campaigns, read_batch, record_encounters
from webmap.security import private_response
from webmap.services import actors_named

blueprint = Blueprint("rencontre", __name__, template_folder="templates")


@blueprint.route("/rencontre", methods=["GET", "POST"])
def page() -> ResponseReturnValue:
    user = check_role(ROLES)
    campaigns = postable_campaigns(user)
    asked = list(dict.fromkeys(request.values.getlist("acteurs")))[:10]
    actors = actors_named(asked)
    chosen = [a for a in asked if a in actors]
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        problems = _record_form(campaigns, user)
        if not problems:
            flash("Rencontre enregistrée. Merci !")
            return redirect(url_for("rencontre.page"))
        status = 400
    page = render_template(
        "volunteer/rencontre.html",
        campaigns=campaigns,
        communes=COMMUNES,
        answers=ANSWERS,
        accompaniers=ACCOMPANIERS,
        age_bands=AGE_BANDS,
        needs=NEEDS,
        chosen=[actors[a] for a in chosen],
        problems=problems,
        form=request.form,
        prefill=prefill_of(request.values),
        today=dt.date.today(),
        offline_communes=sorted({code for c in campaigns for code in c.communes}),
    )
    return private_response(make_response(page, status))


def prefill_of(values: MultiDict[str, str]) -> dict[str, Any]:
    """What the encounter form is pre-filled with from the fiche just made: its needs and age band
    (``besoin``, ``tranche_age``), those it knows only; never anything identifying."""
    band = values.get("tranche_age", "")
    return {
        "besoin": [need for need in dict.fromkeys(values.getlist("besoin")) if need in NEEDS],
        "tranche_age": band if band in AGE_BANDS else None,
    }


def _record_form(campaigns: list[Campaign], user: User) -> dict[str, str]:
    """The form, read as the API reads the tablet's JSON: the same checks, one encounter."""
    form = request.form
    payload: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "date": dt.date.today().isoformat(),
        "commune": form.get("commune") or None,
        "en_recherche": form.get("en_recherche"),
        "accompagne": form.get("accompagne") or None,
        "accompagne_par": form.get("accompagne_par") or None,
        "mise_en_lien": form.get("mise_en_lien") == "oui",
        "acteurs": form.getlist("acteurs"),
        "demo_mes_offres": form.get("demo_mes_offres") == "oui",
        "tranche_age": form.get("tranche_age") or None,
        "besoins": form.getlist("besoin"),
    }
    campaign_id = form.get("campagne", "")
    payload["campagne"] = int(campaign_id) if campaign_id.isdigit() and len(campaign_id) < 10 else None
    if payload["campagne"] not in {c.id for c in campaigns}:
        return {"campagne": "choisissez une de vos campagnes ouvertes"}
    if not payload["mise_en_lien"]:
        payload["acteurs"] = []
    encounters, found = read_batch([payload], user)
    if found:
        return {field.removeprefix("[0]."): message for field, message in found.items()}
    _, conflicts = record_encounters(encounters)  # a fresh UUID: never one
    return {"id": conflicts[0]} if conflicts else {}
