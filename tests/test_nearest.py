"""nearest(): relevant, eligible, timed, open — and exactly what a brute-force scan would say."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.geocoding import InvalidQuery
from geo.projection import to_lambert93
from geo.search.actor_index import ActorIndex
from geo.search.eligibility import Resident, check_eligibility
from geo.search.nearest import SERVES_COMMUNE, Origin, nearest
from geo.search.travel import OnFoot
from tests.support import THEMES, examples, fictional_actor

FRIDAY_10H = dt.datetime(2026, 11, 27, 10, 0)
# A tiny made-up world around 2.44 E, 48.86 N: 0.001° of longitude ≈ 73 m, of latitude ≈ 111 m.
ORIGIN = Origin(2.4400, 48.8600, citycode="93048")
NORTH_100M = fictional_actor(1, 2.4400, 48.8609)
EAST_300M = fictional_actor(2, 2.4441, 48.8600)
FAR_5KM = fictional_actor(3, 2.5080, 48.8600)
YOUTH_ONLY = fictional_actor(4, 2.4405, 48.8600, age_min=16, age_max=25, publics=("jeunes",))
NO_PLACE_SERVING_MONTREUIL = fictional_actor(5, None, None, zone_eligibilite=("93048",))
NO_PLACE_ELSEWHERE = fictional_actor(6, None, None, zone_eligibilite=("93079",))
CLOSED_FOR_GOOD = fictional_actor(7, 2.4401, 48.8600, statut="ferme")
WORLD = [
    NORTH_100M,
    EAST_300M,
    FAR_5KM,
    YOUTH_ONLY,
    NO_PLACE_SERVING_MONTREUIL,
    NO_PLACE_ELSEWHERE,
    CLOSED_FOR_GOOD,
]


def names(results):
    return [r.actor.id for r in results]


def test_closest_first_with_distance_and_estimated_walk():
    results = nearest(ORIGIN, WORLD, k=3, resident=Resident(age=40))

    assert names(results)[:3] == [NORTH_100M.id, EAST_300M.id, FAR_5KM.id]
    assert results[0].distance_m == pytest.approx(100, abs=2)
    assert results[0].travel.label == "environ 2 min à pied"  # 100 m × 1.3 at 4.5 km/h
    assert results[0].travel.method == "estimation"


def test_actor_without_place_serving_the_commune_is_listed_without_distance():
    results = nearest(ORIGIN, WORLD, k=2, resident=Resident(age=40))

    serving = [r for r in results if r.placement == SERVES_COMMUNE]
    assert names(serving) == [NO_PLACE_SERVING_MONTREUIL.id]
    assert serving[0].distance_m is None and serving[0].travel is None
    assert serving[0].placement_label == "Intervient sur votre commune / à distance"


def test_ineligible_actor_is_left_out_unless_asked_then_comes_last_with_its_reason():
    assert YOUTH_ONLY.id not in names(nearest(ORIGIN, WORLD, resident=Resident(age=40)))

    results = nearest(ORIGIN, WORLD, resident=Resident(age=40), include_ineligible=True)

    assert names(results)[-1] == YOUTH_ONLY.id
    assert results[-1].eligibility.reasons == ("réservé aux 16–25 ans",)


def test_unknown_age_keeps_the_actor_with_a_point_to_check():
    result = next(r for r in nearest(ORIGIN, WORLD) if r.actor.id == YOUTH_ONLY.id)
    assert result.eligibility.eligible and result.eligibility.to_check == ("réservé aux 16–25 ans",)


def test_closed_actors_never_appear():
    assert CLOSED_FOR_GOOD.id not in names(nearest(ORIGIN, WORLD, k=10, include_ineligible=True))


def test_filters_or_within_a_facet_and_across_facets():
    both = nearest(ORIGIN, WORLD, thematiques=[THEMES[1], THEMES[2]], k=10)
    assert {r.actor.thematiques[0] for r in both} <= {THEMES[1], THEMES[2]}

    category = nearest(ORIGIN, WORLD, thematiques=["se-former"], k=10)
    # both « se-former--… »; the youth actor (37 m) has the resident's age to check: it comes second
    assert names(category) == [NORTH_100M.id, YOUTH_ONLY.id]

    handicap = dataclasses.replace(EAST_300M, publics=("personnes-en-situation-de-handicap",))
    world = [NORTH_100M, handicap]
    by_public = nearest(ORIGIN, world, publics=["personnes-en-situation-de-handicap"], k=10)
    assert names(by_public) == [NORTH_100M.id, handicap.id]  # « tous publics » serves everyone
    by_public = nearest(ORIGIN, world, publics=["femmes"], k=10)
    assert names(by_public) == [NORTH_100M.id]


def test_radius_keeps_only_what_is_within_it():
    results = nearest(ORIGIN, WORLD, radius_m=350, resident=Resident(age=40))
    assert {r.actor.id for r in results if r.distance_m is not None} == {NORTH_100M.id, EAST_300M.id}


@pytest.mark.parametrize("world", [[], [NO_PLACE_ELSEWHERE], [CLOSED_FOR_GOOD]])
def test_nothing_to_find_is_an_empty_list(world):
    assert nearest(ORIGIN, world) == []


def test_nothing_in_radius_still_lists_actors_serving_the_commune():
    results = nearest(ORIGIN, WORLD, radius_m=10)
    assert names(results) == [NO_PLACE_SERVING_MONTREUIL.id]


def test_all_ineligible_gives_nothing_by_default():
    world = [YOUTH_ONLY, dataclasses.replace(FAR_5KM, age_min=16, age_max=25)]
    assert nearest(ORIGIN, world, resident=Resident(age=60)) == []
    assert len(nearest(ORIGIN, world, resident=Resident(age=60), include_ineligible=True)) == 2


def test_origin_outside_the_five_communes_works():
    paris = Origin(2.3522, 48.8566, citycode="75056")
    results = nearest(paris, WORLD, k=2)
    assert len(results) == 2  # no actor serves Paris without a place: only located ones
    assert results[0].distance_m <= results[1].distance_m
    assert all(6000 < r.distance_m < 7000 for r in results)


def test_ties_are_broken_by_id():
    twin_a = fictional_actor(20, 2.4400, 48.8609, id="b-acteur-fictif")
    twin_b = fictional_actor(21, 2.4400, 48.8609, id="a-acteur-fictif")
    assert names(nearest(ORIGIN, [twin_a, twin_b])) == ["a-acteur-fictif", "b-acteur-fictif"]


def test_an_actor_with_a_point_to_check_comes_after_a_direct_one_unless_15_minutes_nearer():
    """Age unknown: the youth actor next door (≈ 1 min) has a point to check, so the direct ones within
    15 minutes more come first (≈ 2 and 6 min); the one 5 km away (≈ 87 min) comes after it."""
    results = nearest(ORIGIN, WORLD, k=4)

    assert names(results) == [
        NORTH_100M.id,
        EAST_300M.id,
        YOUTH_ONLY.id,
        FAR_5KM.id,
        NO_PLACE_SERVING_MONTREUIL.id,
    ]
    assert results[2].eligibility.to_check and not results[0].eligibility.to_check


GENERIC_100M = fictional_actor(30, 2.4400, 48.8609, thematiques=(THEMES[0],))
YOUTH_800M = fictional_actor(
    31, 2.4400, 48.8672, thematiques=(THEMES[0],), age_min=16, age_max=25, publics=("jeunes",)
)
YOUTH_2KM = fictional_actor(
    32, 2.4400, 48.8780, thematiques=(THEMES[0],), age_min=16, age_max=25, publics=("jeunes",)
)


def test_the_actors_made_for_the_resident_are_chosen_before_nearer_generic_ones():
    """A 24-year-old: the youth actor 800 m away (≈ 14 min) is the one answer when only one is asked,
    before the generic one 100 m away (≈ 2 min + 15); one 2 km away (≈ 35 min) is beyond the tolerance."""
    resident = Resident(age=24)

    assert names(nearest(ORIGIN, [GENERIC_100M, YOUTH_800M], k=1, resident=resident)) == [YOUTH_800M.id]
    assert names(nearest(ORIGIN, [GENERIC_100M, YOUTH_2KM], k=2, resident=resident)) == [
        GENERIC_100M.id,
        YOUTH_2KM.id,
    ]
    made_for = nearest(ORIGIN, [YOUTH_800M], resident=resident)[0].eligibility
    assert made_for.made_for and made_for.fits == ("16–25 ans : le résident a 24 ans",)
    assert not nearest(ORIGIN, [GENERIC_100M], resident=resident)[0].eligibility.made_for


DISABILITY = "personnes-en-situation-de-handicap"
DEPARTMENT_WIDE_14KM = fictional_actor(
    33,
    2.5990,
    48.9300,
    kind="cap_emploi",
    thematiques=(THEMES[0],),
    publics=(DISABILITY,),
    zone_eligibilite=("93",),
)


def test_an_actor_made_for_the_resident_across_their_departement_is_listed_however_far():
    """Cap emploi's kind, 14 km away with a zone of the whole département: listed for a resident with a
    recognised disability, whose word meets its RQTH condition; not for another resident."""
    nearby = [
        fictional_actor(40 + n, 2.4400, 48.8605 + n * 0.0002, thematiques=(THEMES[0],)) for n in range(6)
    ]
    world = [*nearby, DEPARTMENT_WIDE_14KM]

    with_disability = nearest(ORIGIN, world, k=3, resident=Resident(age=40, publics=frozenset({DISABILITY})))
    assert names(with_disability) == [a.id for a in nearby[:3]] + [DEPARTMENT_WIDE_14KM.id]
    far = with_disability[-1]
    assert 13_500 < far.distance_m < 14_500 and far.travel.minutes > 200
    assert not far.eligibility.to_check and far.eligibility.made_for
    assert any("RQTH" in fit and "d’après le résident" in fit for fit in far.eligibility.fits)

    assert DEPARTMENT_WIDE_14KM.id not in names(nearest(ORIGIN, world, k=3, resident=Resident(age=40)))


class StreetsWhereTheFarOneIsQuicker(OnFoot):
    """A made-up street network: the actor 300 m east is a 1-minute walk, everything else 10."""

    method = "reseau"

    def fastest(self, metres):
        return 0.0  # made up: any place may be a short walk away

    def walk(self, origin, destinations):
        from geo.search.travel import TravelTime

        east = to_lambert93(EAST_300M.location.lon, EAST_300M.location.lat)
        return [
            TravelTime(1.0 if math.dist(point, east) < 1 else 10.0, 0.0, self.method)
            for point in destinations
        ]


def test_walking_time_orders_the_results_not_the_straight_line():
    results = nearest(ORIGIN, [NORTH_100M, EAST_300M], travel=StreetsWhereTheFarOneIsQuicker())
    assert names(results) == [EAST_300M.id, NORTH_100M.id]


def test_opening_status_is_given_for_the_moment_asked():
    results = nearest(ORIGIN, [NORTH_100M], at=FRIDAY_10H)
    assert results[0].opening.label == "Ouvert jusqu’à 17:00"


def test_open_on_filter_keeps_actors_open_then_or_with_unknown_hours():
    afternoon_only = fictional_actor(30, 2.4400, 48.8601, horaires_accueil="Mo-Fr 14:00-18:00")
    unknown = fictional_actor(31, 2.4400, 48.8602, horaires_accueil="")
    world = [afternoon_only, unknown]

    monday_morning = nearest(ORIGIN, world, open_on=(0, "matin"), at=FRIDAY_10H)

    assert names(monday_morning) == [unknown.id]
    assert names(nearest(ORIGIN, world, open_on=(0, "apres-midi"), at=FRIDAY_10H)) == names(
        nearest(ORIGIN, world)
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: nearest((200, 48.86), WORLD),
        lambda: nearest(ORIGIN, WORLD, k=0),
        lambda: nearest(ORIGIN, WORLD, radius_m=-5),
        lambda: nearest(ORIGIN, WORLD, thematiques=["cuisine"]),
        lambda: nearest(ORIGIN, WORLD, publics=["tout-le-monde"]),
        lambda: nearest(ORIGIN, WORLD, open_on=(7, "matin")),
    ],
)
def test_bad_requests_are_refused_clearly(call):
    with pytest.raises(InvalidQuery):
        call()


# --- Against a brute-force scan -------------------------------------------------------------------

coordinate = st.tuples(st.floats(2.30, 2.57), st.floats(48.84, 48.97))
actors_strategy = st.lists(
    st.tuples(
        coordinate,
        st.integers(0, 2),
        st.sampled_from([None, (16, 25), (26, None)]),
        st.sampled_from([(), ("jeunes",), ("personnes-en-situation-de-handicap",)]),
        st.sampled_from([(), ("93",), ("93048",), ("93079",)]),
        st.sampled_from(["organisme_formation", "cap_emploi", "siae_ei"]),
    ),
    max_size=60,
)


def brute_force(origin, actors, thematiques, publics, resident, k, radius_m):
    """The rule of geo.search.ranking restated: every eligible actor, ranked by walk plus 15 minutes
    for not being made for the resident and 15 for a point to check; the k best, then those made for
    the resident whose zone names the resident's area."""
    x0, y0 = to_lambert93(origin.lon, origin.lat)
    who = Resident(resident.age, origin.citycode, resident.publics)
    rows = []
    for actor in actors:
        if actor.location is None or actor.statut == "ferme":
            continue
        if thematiques and not {t for t in actor.thematiques} & set(thematiques):
            continue
        if publics and actor.publics and not set(actor.publics) & set(publics):
            continue
        x, y = to_lambert93(actor.location.lon, actor.location.lat)
        distance = math.hypot(x - x0, y - y0)
        if radius_m is not None and distance > radius_m:
            continue
        verdict = check_eligibility(actor, who)
        if verdict.eligible:
            minutes = distance * 1.3 / (4.5 * 1000 / 60)
            rank = minutes + 15 * (not verdict.made_for) + 15 * bool(verdict.to_check)
            reserved = verdict.made_for and bool(set(actor.zone_eligibilite) & {"93048", "93", "930"})
            rows.append((rank, distance, actor.id, reserved))
    rows.sort()
    kept = rows[:k] + [row for row in rows[k:] if row[3]]
    return [(distance, actor_id) for _, distance, actor_id, _ in sorted(kept)]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    world=actors_strategy,
    origin=coordinate,
    k=st.integers(1, 8),
    thematiques=st.sets(st.sampled_from(THEMES), max_size=2),
    publics=st.sets(st.sampled_from(["jeunes", "personnes-en-situation-de-handicap"]), max_size=1),
    resident_publics=st.sets(
        st.sampled_from(["jeunes", "personnes-en-situation-de-handicap", "femmes"]), max_size=2
    ),
    age=st.sampled_from([None, 20, 40]),
    radius=st.sampled_from([None, 800.0, 3000.0]),
    duplicate=st.booleans(),
)
def test_results_equal_a_brute_force_scan(
    world, origin, k, thematiques, publics, resident_publics, age, radius, duplicate
):
    actors = [
        fictional_actor(
            n,
            lon,
            lat,
            thematiques=(THEMES[theme],),
            age_min=ages[0] if ages else None,
            age_max=ages[1] if ages else None,
            publics=who,
            zone_eligibilite=zone,
            kind=kind,
        )
        for n, ((lon, lat), theme, ages, who, zone, kind) in enumerate(world)
    ]
    if duplicate and actors:  # an exact tie on distance
        actors.append(dataclasses.replace(actors[0], id="zz-acteur-fictif-jumeau"))
    point = Origin(*origin, citycode="93048")
    resident = Resident(age=age, publics=frozenset(resident_publics))

    results = nearest(
        point,
        ActorIndex(actors),
        thematiques=sorted(thematiques),
        publics=sorted(publics),
        resident=resident,
        k=k,
        radius_m=radius,
    )
    expected = brute_force(point, actors, thematiques, publics, resident, k, radius)

    located = [r for r in results if r.distance_m is not None]
    assert [r.actor.id for r in located] == [actor_id for _, actor_id in expected]
    for result, (distance, _) in zip(located, expected, strict=True):
        assert result.distance_m == pytest.approx(distance, abs=1.0)


def test_large_index_agrees_with_brute_force_through_the_tree():
    """Beyond the brute-force threshold the k-d trees answer, per thématique or public, radius or none;
    ties across batches included."""
    import random

    rng = random.Random(4)
    actors = [
        fictional_actor(
            n,
            rng.uniform(2.30, 2.57),
            rng.uniform(48.84, 48.97),
            thematiques=(THEMES[n % 3],),
            publics=("jeunes",) if n % 5 == 0 else (),
        )
        for n in range(6000)
    ]
    actors += [dataclasses.replace(actors[n], id=f"zz-jumeau-{n}") for n in range(0, 6000, 7)]
    index = ActorIndex(actors)
    filters = [([], []), ([THEMES[0], THEMES[1]], []), ([THEMES[2]], ["jeunes"]), ([], ["jeunes"])]
    for _ in range(20):
        point = Origin(rng.uniform(2.30, 2.57), rng.uniform(48.84, 48.97))
        for thematiques, publics in filters:
            for k, radius in ((40, None), (3, None), (40, 900.0)):
                results = nearest(
                    point, index, thematiques=thematiques, publics=publics, k=k, radius_m=radius
                )
                expected = brute_force(point, actors, thematiques, publics, Resident(), k, radius)
                assert [r.actor.id for r in results] == [actor_id for _, actor_id in expected]


@pytest.mark.parametrize("count", [10, 400])
def test_an_actor_exactly_at_the_radius_is_within_it(count):
    """Measured directly (few actors) or through the trees (many), « within d metres » keeps the one
    at exactly d metres."""
    import random

    import numpy as np

    rng = random.Random(8)
    actors = [fictional_actor(n, rng.uniform(2.50, 2.55), rng.uniform(48.90, 48.95)) for n in range(count)]
    index = ActorIndex([*actors, fictional_actor(999, 2.445, 48.862)])
    x, y = to_lambert93(ORIGIN.lon, ORIGIN.lat)
    delta = index.xy[-1] - (x, y)
    exactly = float(np.hypot(delta[0], delta[1]))  # as the search measures it

    results = nearest(ORIGIN, index, k=50, radius_m=exactly)

    assert [r.actor.id for r in results] == ["acteur-fictif-999"]


def test_needs_whose_actors_overlap_are_exhausted_without_looping():
    """Asked for more than the actors of six thématiques together, when every one offers all six:
    each once, nearest first — the search stops once its ball holds them all."""
    import random

    from geo.actors.vocabularies import THEMATIQUES

    rng = random.Random(9)
    six = tuple(sorted(THEMATIQUES)[:6])
    actors = [
        fictional_actor(n, rng.uniform(2.30, 2.57), rng.uniform(48.84, 48.97), thematiques=six)
        for n in range(45)  # 270 memberships: through the trees
    ]
    point = Origin(2.44, 48.90)

    results = nearest(point, ActorIndex(actors), thematiques=list(six), k=50)

    expected = brute_force(point, actors, six, [], Resident(), 50, None)
    assert [r.actor.id for r in results] == [actor_id for _, actor_id in expected]
    assert len(results) == 45
