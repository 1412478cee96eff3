"""The campaign log's services, shared by the API (the tablet's posts, the bilan), the back office (the
dashboard) and the volunteer's form: which campaigns a person may log in, an encounters batch read
and recorded by one set of rules, a campaign's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from geo.campaigns.bilan import Bilan, bilan
from geo.campaigns.encounters import read_encounter
from geo.campaigns.model import Campaign, Encounter
from geo.store.campaigns import EncounterConflict
from webmap.auth.services import CURATORS, User
from webmap.services import actors_named, current_qpv, current_store

MAX_CAMPAIGN_ID = 2**31
"""Campaign numbers beyond this are no campaign (and more than the store's integers hold)."""
RESENT_OTHERWISE = (
    "rencontre déjà reçue avec d’autres réponses ou pour une autre campagne : rien n’a été "
    "enregistré de ce lot"
)
NOT_IN_TEAM = "vous n’êtes pas bénévole de cette campagne"
TEAM_NAME_LIMIT = 60
"""Characters of a team's name (« Équipe du Bel-Air »)."""


class StaffingRefused(ValueError):
    """A volunteer cannot be put in that campaign's team; the message says why, in French."""


def put_in_team(campaign_id: int, email: str, equipe: str | None) -> str:
    """Put the account ``email`` in the campaign (in ``equipe``, or its single team): the back
    office's and ``carto campagnes equipe``'s one rule. The address as stored (lower case)."""
    from geo.mailbox import email_problem

    store = current_store()
    email = email.strip().lower()
    equipe = (equipe or "").strip() or None
    if store.campaign(campaign_id) is None:
        raise StaffingRefused(f"aucune campagne n° {campaign_id}")
    problem = email_problem(email)
    if problem is not None:
        raise StaffingRefused(problem)
    if equipe is not None and len(equipe) > TEAM_NAME_LIMIT:
        raise StaffingRefused(f"nom d’équipe trop long ({TEAM_NAME_LIMIT} caractères au plus)")
    if store.user(email) is None:
        raise StaffingRefused(
            f"aucun compte {email} : créez-le d’abord (carto users add {email} --role volunteer)"
        )
    store.set_volunteer_team(campaign_id, email, equipe)
    return email


def postable_campaigns(user: User) -> list[Campaign]:
    """Open campaigns ``user`` may log encounters in: their own, or all for a manager."""
    store = current_store()
    open_ones = [c for c in store.campaigns() if c.is_open()]
    if user["role"] in CURATORS:
        return open_ones
    return [c for c in open_ones if user["email"] in store.volunteers(c.id)]


def read_batch(batch: Sequence[Any], user: User) -> tuple[list[Encounter], dict[str, str]]:
    """The batch's encounters, each checked, as ``user`` logs them; the problems by « [index].field »."""
    store = current_store()
    curator = user["role"] in CURATORS
    named = [
        a
        for item in batch
        if isinstance(item, dict) and isinstance(item.get("acteurs"), list)
        for a in item["acteurs"]
        if isinstance(a, str)
    ]
    known = actors_named(named)
    campaigns: dict[int, Campaign | None] = {}
    teams: dict[int, dict[str, str | None]] = {}

    def campaign(number: int) -> Campaign | None:
        if number not in campaigns:
            campaigns[number] = store.campaign(number)
            teams[number] = store.volunteers(number) if campaigns[number] else {}
        return campaigns[number]

    def team(found: Campaign) -> str | None:
        return teams[found.id].get(user["email"])

    encounters: list[Encounter] = []
    problems: dict[str, str] = {}
    quarters = current_qpv()
    for index, payload in enumerate(batch):
        encounter, found = read_encounter(
            payload,
            index,
            campaigns=campaign,
            known_actor=known.__contains__,
            today=dt.date.today(),
            team=team,
            qpv=quarters,
        )
        problems.update({f"[{p.index}].{p.field}": p.message for p in found})
        if encounter is not None:
            if not curator and user["email"] not in teams[encounter.campagne]:
                problems[f"[{index}].campagne"] = NOT_IN_TEAM
            encounters.append(encounter)
    return encounters, problems


def record_encounters(encounters: Sequence[Encounter]) -> tuple[int, dict[int, str]]:
    """Record a checked batch, all or nothing: (how many were new, problems by position in the batch:
    an encounter already received with other answers)."""
    try:
        return current_store().add_encounters(encounters), {}
    except EncounterConflict as conflict:
        sent = {encounter.id: index for index, encounter in enumerate(encounters)}
        return 0, {sent[i]: RESENT_OTHERWISE for i in conflict.ids}


def known_campaign(campaign_id: int) -> Campaign | None:
    """The campaign of that number, if there is one (a number beyond the store's integers is none)."""
    return current_store().campaign(campaign_id) if 1 <= campaign_id < MAX_CAMPAIGN_ID else None


def figures_of(campaign: Campaign) -> Bilan:
    store = current_store()
    return bilan(campaign.id, store.tallies(campaign.id), store.history_totals(campaign.id))
