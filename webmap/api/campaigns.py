"""The campaign log through the API: the tablet posts encounters; managers read a campaign's bilan.

``POST /api/v1/rencontres`` takes one encounter or a list of up to 500, all or nothing, from a
volunteer of the campaign or a manager (session + ``X-CSRFToken``, or a personal token). An encounter
already recorded (same UUID: the tablet retried) changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from geo.campaigns.bilan import Bilan, shown_breakdowns
from geo.campaigns.encounters import MAX_BATCH
from webmap.api.write import check_csrf_header, json_body
from webmap.auth.services import CURATORS, ROLES, check_role
from webmap.campaigns import figures_of, known_campaign, read_batch, record_encounters
from webmap.errors import ApiError

blueprint = Blueprint("api_campaigns", __name__, url_prefix="/api/v1")


@blueprint.post("/rencontres")
def post_encounters() -> Response:
    user = check_role(ROLES)
    check_csrf_header()
    body = json_body()
    batch = body if isinstance(body, list) else [body]
    if not 1 <= len(batch) <= MAX_BATCH:
        raise ApiError(400, {"corps": f"une rencontre, ou une liste de 1 à {MAX_BATCH}"})
    encounters, problems = read_batch(batch, user)
    if problems:
        raise ApiError(400, problems)
    new, conflicts = record_encounters(encounters)
    if conflicts:
        raise ApiError(409, {f"[{index}].id": message for index, message in conflicts.items()})
    return jsonify({"recues": len(encounters), "nouvelles": new, "deja_recues": len(encounters) - new})


@blueprint.get("/campagnes/<int:campaign_id>/bilan")
def campaign_bilan(campaign_id: int) -> Response:
    check_role(CURATORS)
    result = campaign_figures(campaign_id)
    response = jsonify(bilan_json(result))
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def campaign_figures(campaign_id: int) -> Bilan:
    campaign = known_campaign(campaign_id)
    if campaign is None:
        raise ApiError(404, {"campagne": f"campagne inconnue : {campaign_id}"})
    return figures_of(campaign)


def bilan_json(result: Bilan) -> dict[str, Any]:
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
