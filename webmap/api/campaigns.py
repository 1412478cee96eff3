"""The campaign log through the API: the tablet posts encounters; managers read a campaign's bilan.

``POST /api/v1/rencontres`` takes one encounter or a list of up to 500, all or nothing, from a
volunteer of the campaign or a manager (session + ``X-CSRFToken``, or a personal token). An encounter
already recorded (same UUID: the tablet retried) changes nothing.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, jsonify

from geo.campaigns.bilan import Bilan, bilan, shown_breakdowns
from geo.campaigns.encounters import MAX_BATCH, read_encounter
from geo.campaigns.model import Campaign
from geo.store.campaigns import EncounterConflict
from webmap.api.write import check_csrf_header, json_body
from webmap.auth.views import CURATORS, ROLES, check_role, current_user
from webmap.errors import ApiError
from webmap.services import actors_named, current_store

blueprint = Blueprint("api_campaigns", __name__, url_prefix="/api/v1")
RESENT_OTHERWISE = (
    "rencontre déjà reçue avec d’autres réponses ou pour une autre campagne : rien n’a été "
    "enregistré de ce lot"
)
MAX_CAMPAIGN_ID = 2**31
"""Campaign numbers beyond this are no campaign (and more than the store's integers hold)."""


@blueprint.post("/rencontres")
def post_encounters() -> Response:
    check_role(ROLES)
    check_csrf_header()
    body = json_body()
    batch = body if isinstance(body, list) else [body]
    if not 1 <= len(batch) <= MAX_BATCH:
        raise ApiError(400, {"corps": f"une rencontre, ou une liste de 1 à {MAX_BATCH}"})
    encounters, problems = read_batch(batch)
    if problems:
        raise ApiError(400, problems)
    try:
        new = current_store().add_encounters(encounters)
    except EncounterConflict as conflict:
        sent = {encounter.id: index for index, encounter in enumerate(encounters)}
        raise ApiError(409, {f"[{sent[i]}].id": RESENT_OTHERWISE for i in conflict.ids}) from None
    return jsonify({"recues": len(encounters), "nouvelles": new, "deja_recues": len(encounters) - new})


def read_batch(batch: list) -> tuple[list, dict[str, str]]:
    """The batch's encounters, each checked; the problems by « [index].field »."""
    store, user = current_store(), current_user()
    curator = user["role"] in CURATORS
    named = [
        a
        for item in batch
        if isinstance(item, dict) and isinstance(item.get("acteurs"), list)
        for a in item["acteurs"]
        if isinstance(a, str)
    ]
    known = actors_named(named)
    campaigns, teams = {}, {}

    def campaign(number: int):
        if number not in campaigns:
            campaigns[number] = store.campaign(number)
            teams[number] = store.volunteers(number) if campaigns[number] else {}
        return campaigns[number]

    def team(found):
        return teams[found.id].get(user["email"])

    encounters, problems = [], {}
    for index, payload in enumerate(batch):
        encounter, found = read_encounter(
            payload,
            index,
            campaigns=campaign,
            known_actor=known.__contains__,
            today=dt.date.today(),
            team=team,
        )
        problems.update({f"[{p.index}].{p.field}": p.message for p in found})
        if encounter is not None:
            if not curator and user["email"] not in teams[encounter.campagne]:
                problems[f"[{index}].campagne"] = "vous n’êtes pas bénévole de cette campagne"
            encounters.append(encounter)
    return encounters, problems


@blueprint.get("/campagnes/<int:campaign_id>/bilan")
def campaign_bilan(campaign_id: int) -> Response:
    check_role(CURATORS)
    result = campaign_figures(campaign_id)
    response = jsonify(bilan_json(result))
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def known_campaign(campaign_id: int) -> Campaign | None:
    """The campaign of that number, if there is one (a number beyond the store's integers is none)."""
    return current_store().campaign(campaign_id) if 1 <= campaign_id < MAX_CAMPAIGN_ID else None


def figures_of(campaign: Campaign) -> Bilan:
    store = current_store()
    return bilan(campaign.id, store.tallies(campaign.id), store.history_totals(campaign.id))


def campaign_figures(campaign_id: int) -> Bilan:
    campaign = known_campaign(campaign_id)
    if campaign is None:
        raise ApiError(404, {"campagne": f"campagne inconnue : {campaign_id}"})
    return figures_of(campaign)


def bilan_json(result: Bilan) -> dict:
    """The bilan for the API: exact campaign figures; breakdowns with « < 5 » below the threshold and
    « masqué » where a small cell could be recomputed (docs/campaigns.md)."""
    shown = shown_breakdowns(result)
    return {
        "campagne": result.campagne,
        **result.journal.as_dict(),
        "historique": [
            {
                "periode": h.periode,
                "source": h.source,
                "rencontres": h.rencontres,
                "en_recherche": h.en_recherche,
                "non_accompagnes": h.non_accompagnes,
                "mises_en_lien": h.mises_en_lien,
                "demos_mes_offres": h.demos_mes_offres,
                "note": h.note,
            }
            for h in result.historique
        ],
        "total_avec_historique": result.total(),
        "repartitions": shown.repartitions,
        "acteurs": shown.acteurs,
    }
