"""Eligibility rules and their French reasons."""

from __future__ import annotations

import pytest

from geo.actors.model import Actor, actor_from_feature
from geo.search.eligibility import Resident, check_eligibility
from tests.support import fictional_feature


def actor(**fields) -> Actor:
    return Actor(
        id="acteur-fictif",
        nom="Acteur fictif",
        kind="organisme_formation",
        source="fixture inventée",
        date_source="2026",
        **fields,
    )


@pytest.mark.parametrize(
    "fields, resident, reasons",
    [
        (dict(age_min=16, age_max=25), Resident(age=30), ("réservé aux 16–25 ans",)),
        (dict(age_min=26), Resident(age=20), ("réservé aux 26 ans et plus",)),
        (dict(age_max=25), Resident(age=26), ("réservé aux moins de 26 ans",)),
        (
            dict(zone_eligibilite=("93048", "93006")),
            Resident(commune="93079"),
            ("réservé aux habitants de Montreuil et Bagnolet",),
        ),
        (
            dict(zone_eligibilite=("93",)),
            Resident(commune="75056"),
            ("réservé aux habitants de la Seine-Saint-Denis",),
        ),
        (
            dict(zone_eligibilite=("200057867",)),
            Resident(commune="93048"),
            ("réservé aux habitants de Plaine Commune",),
        ),
    ],
)
def test_each_rule_gives_its_reason(fields, resident, reasons):
    verdict = check_eligibility(actor(**fields), resident)
    assert (verdict.eligible, verdict.reasons) == (False, reasons)


@pytest.mark.parametrize(
    "fields, resident",
    [
        (dict(age_min=16, age_max=25), Resident(age=16)),
        (dict(age_min=16, age_max=25), Resident(age=25)),
        (dict(zone_eligibilite=("93",)), Resident(commune="93014")),
        (dict(zone_eligibilite=("200057875",)), Resident(commune="93006")),  # Est Ensemble
        (dict(zone_eligibilite=("200054781",)), Resident(commune="93031")),  # Métropole du Grand Paris
        (dict(zone_eligibilite=("france",)), Resident(commune="75056")),
        (dict(publics=("demandeurs-emploi",)), Resident()),
        (dict(publics=("jeunes",)), Resident(age=19)),
        (dict(publics=("femmes",)), Resident(publics=frozenset({"femmes"}))),
    ],
)
def test_eligible_residents(fields, resident):
    verdict = check_eligibility(actor(**fields), resident)
    assert verdict.eligible and verdict.reasons == () and verdict.to_check == ()


def test_what_the_volunteer_did_not_say_is_to_check_not_a_refusal():
    restricted = actor(
        age_min=16, age_max=25, zone_eligibilite=("93048",), publics=("personnes-en-situation-de-handicap",)
    )
    verdict = check_eligibility(restricted, Resident())
    assert verdict.eligible
    assert verdict.to_check == (
        "réservé aux 16–25 ans",
        "réservé aux habitants de Montreuil",
        "réservé aux personnes en situation de handicap",
    )


def test_age_range_speaks_for_the_youth_public():
    mission_locale = actor(age_min=16, age_max=25, publics=("jeunes",))
    assert check_eligibility(mission_locale, Resident(age=40)).reasons == ("réservé aux 16–25 ans",)


def test_several_failed_rules_give_several_reasons():
    verdict = check_eligibility(
        actor(age_max=25, zone_eligibilite=("93048",)), Resident(age=50, commune="93014")
    )
    assert verdict.reasons == ("réservé aux moins de 26 ans", "réservé aux habitants de Montreuil")


def test_tous_publics_serves_everyone_like_no_public_at_all():
    from geo.search.filters import serves_publics

    actor = actor_from_feature(fictional_feature(publics=["tous-publics"]))
    assert check_eligibility(actor, Resident(age=40)).eligible
    assert check_eligibility(actor, Resident(age=40)).to_check == ()
    assert serves_publics(actor.publics, ["jeunes"])


def test_publics_never_exclude_they_are_points_to_check():
    """« Jeunes » is whom a youth desk is for, not a rule: a 40-year-old is not turned away."""
    verdict = check_eligibility(actor(publics=("jeunes",)), Resident(age=40))
    assert verdict.eligible and verdict.to_check == ("réservé aux jeunes",)


def test_an_siae_always_asks_for_the_iae_eligibility_check():
    from geo.actors.kinds import IAE_ELIGIBILITY

    siae = actor_from_feature(fictional_feature(kind="siae_aci", reseaux_porteurs=["aci"]))
    verdict = check_eligibility(siae, Resident(age=35, commune="93048"))
    assert verdict.eligible and IAE_ELIGIBILITY in verdict.to_check
    assert "conseiller" in IAE_ELIGIBILITY and "prescripteur" not in IAE_ELIGIBILITY  # no jargon


def test_cap_emploi_asks_for_the_rqth_with_its_reference():
    cap = actor_from_feature(
        fictional_feature(kind="cap_emploi", publics=["personnes-en-situation-de-handicap"])
    )
    verdict = check_eligibility(cap, Resident(age=35))
    assert verdict.eligible and any("RQTH" in item and "L5214-3-1" in item for item in verdict.to_check)


@pytest.mark.parametrize("publics, eligible", [((), False), (("personnes-en-situation-de-handicap",), True)])
def test_a_mission_locale_accepts_up_to_29_with_a_recognised_disability(publics, eligible):
    mission = actor_from_feature(
        fictional_feature(kind="mission_locale", age_min=16, age_max=25, publics=["jeunes"])
    )
    assert check_eligibility(mission, Resident(age=28, publics=frozenset(publics))).eligible is eligible


@pytest.mark.parametrize(
    "ages, verdict",
    [
        ((16, 25), "fits"),  # the band lies within the range: met, and made for them
        ((18, 30), "to_check"),  # partly within: to check
        ((45, 60), "excluded"),  # wholly outside: excluded, as an age would be
    ],
)
def test_an_age_band_said_by_a_chip_is_met_excluded_or_left_to_check(ages, verdict):
    mission = actor(age_min=16, age_max=25)
    found = check_eligibility(mission, Resident(ages=ages))
    if verdict == "fits":
        assert (
            found.eligible and found.made_for and found.fits == ("16–25 ans : le résident a moins de 26 ans",)
        )
    elif verdict == "to_check":
        assert found.eligible and found.to_check == ("réservé aux 16–25 ans",) and not found.made_for
    else:
        assert not found.eligible and found.reasons == ("réservé aux 16–25 ans",)


def test_an_age_given_outweighs_the_band():
    assert not check_eligibility(actor(age_min=16, age_max=25), Resident(age=40, ages=(16, 25))).eligible
