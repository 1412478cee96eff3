"""Campaigns in the back office, ``/gestion/campagnes``: create and close them, put volunteers in teams,
record their aggregated history, and read the dashboard (figures, funnel, breakdowns, CSV, one-page
bilan for funders). Managers only, like every ``/gestion`` route."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from geo.campaigns.bilan import BREAKDOWNS, Bilan, shown_breakdowns
from geo.campaigns.model import ACCOMPANIERS, AGE_BANDS, FUNNEL, OUTSIDE_QPV, Campaign, HistoryTotals
from geo.communes import COMMUNES, iris_names
from geo.io.spreadsheet import inert
from webmap.auth.services import CURATORS, check_role
from webmap.auth.validators import service_email, stripped
from webmap.campaigns import TEAM_NAME_LIMIT, StaffingRefused, figures_of, known_campaign, put_in_team
from webmap.services import current_actors, current_qpv, current_store, served_communes

blueprint = Blueprint("campaigns", __name__, url_prefix="/gestion/campagnes")


class CampaignForm(FlaskForm):
    nom = StringField("Nom de la campagne", validators=[DataRequired(), Length(max=200)])
    communes = SelectMultipleField(
        "Communes",
        validators=[DataRequired(message="au moins une commune")],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    debut = DateField("Début", validators=[Optional()])
    fin = DateField("Fin", validators=[Optional()])


class VolunteerForm(FlaskForm):
    email = StringField("E-mail du bénévole", filters=[stripped], validators=[DataRequired(), service_email])
    equipe = StringField("Équipe", validators=[Optional(), Length(max=TEAM_NAME_LIMIT)])


class HistoryForm(FlaskForm):
    periode = StringField("Période", validators=[DataRequired(), Length(max=60)])
    source = StringField("Source des chiffres", validators=[DataRequired(), Length(max=300)])
    rencontres = IntegerField("Rencontres", validators=[DataRequired(), NumberRange(min=0, max=10**7)])
    en_recherche = IntegerField("En recherche", validators=[Optional(), NumberRange(min=0, max=10**7)])
    non_accompagnes = IntegerField(
        "dont accompagnés par personne", validators=[Optional(), NumberRange(min=0, max=10**7)]
    )
    mises_en_lien = IntegerField("Mis en lien", validators=[Optional(), NumberRange(min=0, max=10**7)])
    demos_mes_offres = IntegerField(
        "« Mes offres » montré", validators=[Optional(), NumberRange(min=0, max=10**7)]
    )
    note = StringField("Note", validators=[Optional(), Length(max=300)])


@blueprint.before_request
def curators_only() -> None:
    check_role(CURATORS)


@blueprint.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    store = current_store()
    form = CampaignForm()
    form.communes.choices = [(code, COMMUNES[code].nom) for code in served_communes()]
    if form.validate_on_submit():
        if form.debut.data and form.fin.data and form.fin.data < form.debut.data:
            form.fin.errors.append("la fin précède le début")
        else:
            campaign = store.add_campaign(
                form.nom.data.strip(), form.communes.data, (), form.debut.data, form.fin.data
            )
            flash(f"Campagne « {campaign.nom} » créée.")
            return redirect(url_for("campaigns.dashboard", campaign_id=campaign.id))
    counts = store.encounter_counts()
    campaigns = [(c, counts.get(c.id, 0)) for c in store.campaigns()]
    return render_template("gestion/campagnes/index.html", campaigns=campaigns, form=form, communes=COMMUNES)


@blueprint.get("/<int:campaign_id>")
def dashboard(campaign_id: int) -> str:
    campaign, result = _campaign_and_bilan(campaign_id)
    store = current_store()
    return render_template(
        "gestion/campagnes/dashboard.html",
        campaign=campaign,
        bilan=result,
        shown=shown_breakdowns(result),
        **_labels(),
        volunteers=store.volunteers(campaign_id),
        volunteer_form=VolunteerForm(),
        history_form=HistoryForm(),
        printable=False,
    )


@blueprint.get("/<int:campaign_id>/bilan")
def printable(campaign_id: int) -> str:
    campaign, result = _campaign_and_bilan(campaign_id)
    return render_template(
        "gestion/campagnes/bilan.html",
        campaign=campaign,
        bilan=result,
        shown=shown_breakdowns(result),
        **_labels(),
        printable=True,
    )


@blueprint.get("/<int:campaign_id>/bilan.csv")
def bilan_csv(campaign_id: int) -> Response:
    """The bilan as a table: the campaign's figures, its history, then each breakdown (« < 5 »)."""
    campaign, result = _campaign_and_bilan(campaign_id)
    shown = shown_breakdowns(result)
    rows: list[list[object]] = [
        ["repartition", "valeur", *FUNNEL],
        ["campagne", campaign.nom, *result.journal.as_dict().values()],
    ]
    rows += [
        ["historique", f"{h.periode} ({h.source})", *(_blank(getattr(h, name)) for name in FUNNEL)]
        for h in result.historique
    ]
    rows += [
        [dimension, key, *(figures[name] for name in FUNNEL)]
        for dimension, groups in shown.repartitions.items()
        for key, figures in groups.items()
    ]
    rows += [
        ["acteur", actor_id, *(count if name == "mises_en_lien" else "" for name in FUNNEL)]
        for actor_id, count in shown.acteurs.items()
    ]
    out = io.StringIO()
    csv.writer(out).writerows([[inert(cell) for cell in row] for row in rows])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="bilan-campagne-{campaign_id}.csv"'
    return response


def _blank(value):
    return "" if value is None else value


@blueprint.post("/<int:campaign_id>/cloture")
def close(campaign_id: int) -> ResponseReturnValue:
    _campaign(campaign_id)
    if FlaskForm().validate_on_submit():
        current_store().close_campaign(campaign_id)
        flash("Campagne close : plus aucune rencontre ne peut y être notée.")
    return redirect(url_for("campaigns.dashboard", campaign_id=campaign_id))


@blueprint.post("/<int:campaign_id>/benevoles")
def add_volunteer(campaign_id: int) -> ResponseReturnValue:
    _campaign(campaign_id)
    form = VolunteerForm()
    if form.validate_on_submit():
        try:
            email = put_in_team(campaign_id, form.email.data, form.equipe.data)
        except StaffingRefused as refused:
            flash(f"Bénévole non ajouté : {refused}.")
        else:
            flash(f"{email} fait partie de la campagne.")
    else:
        flash("Bénévole non ajouté : " + "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect(url_for("campaigns.dashboard", campaign_id=campaign_id) + "#benevoles")


@blueprint.post("/<int:campaign_id>/benevoles/retrait")
def remove_volunteer(campaign_id: int) -> ResponseReturnValue:
    _campaign(campaign_id)
    if FlaskForm().validate_on_submit():
        current_store().remove_volunteer(campaign_id, request.form.get("email", "")[:200])
    return redirect(url_for("campaigns.dashboard", campaign_id=campaign_id) + "#benevoles")


@blueprint.post("/<int:campaign_id>/historique")
def add_history(campaign_id: int) -> ResponseReturnValue:
    _campaign(campaign_id)
    form = HistoryForm()
    if form.validate_on_submit():
        current_store().add_history(
            HistoryTotals(
                campaign_id,
                form.periode.data.strip(),
                form.source.data.strip(),
                form.rencontres.data,
                form.en_recherche.data,
                form.non_accompagnes.data,
                form.mises_en_lien.data,
                form.demos_mes_offres.data,
                (form.note.data or "").strip(),
            )
        )
        flash(f"Historique {form.periode.data} enregistré.")
    else:
        flash(
            "Historique non enregistré : "
            + "; ".join(
                f"{form[name].label.text} : {e}" for name, errors in form.errors.items() for e in errors
            )
        )
    return redirect(url_for("campaigns.dashboard", campaign_id=campaign_id) + "#historique")


def _campaign(campaign_id: int) -> Campaign:
    campaign = known_campaign(campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _campaign_and_bilan(campaign_id: int) -> tuple[Campaign, Bilan]:
    campaign = _campaign(campaign_id)
    return campaign, figures_of(campaign)


def _quarter_names() -> dict[str, str]:
    """The synced QPV by code, and « hors QPV »."""
    outlines = current_qpv()
    named = {q.code: f"{q.nom} ({q.code})" for q in outlines.quarters} if outlines else {}
    return {**named, OUTSIDE_QPV: "Hors quartier prioritaire"}


def _labels() -> dict:
    actors = {a.id: a.nom for a in current_actors()}
    return {
        "funnel": FUNNEL,
        "breakdowns": BREAKDOWNS,
        "communes": COMMUNES,
        "iris": iris_names(),
        "quarters": _quarter_names(),
        "accompaniers": ACCOMPANIERS,
        "age_bands": AGE_BANDS,
        "actor_names": actors,
    }
