"""The field pack carries only the actors a search from the communes served can show.

Made-up actors all over France (fictifs: random places, needs, age ranges, zones, some with no place)
beside the made-up dataset. From random points of the communes served, with random needs, ages, k and
« montrer aussi », the search over the pack's actors gives what it gives over all of them.
"""

from __future__ import annotations

import json
import random

import pytest

from geo.actors.model import Actor, actor_from_feature
from geo.actors.vocabularies import THEMATIQUES
from geo.communes import COMMUNES, TARGET_COMMUNES, commune_at
from geo.offline.reach import within_reach
from geo.search.actor_index import ActorIndex
from geo.search.eligibility import Resident
from geo.search.nearest import nearest
from geo.search.needs import NEEDS, thematiques_for
from geo.search.travel import WalkingEstimate
from tests.support import FICTIONAL_DATASET, fictional_actor

FRANCE = (-4.5, 42.5, 8.0, 51.0)
ZONES = [(), (), (), ("france",), ("69",), ("13",)]
NEAR_PARIS = [(), (), ("93048",), ("93",), ("75",), ("france",), ("93006", "93048")]


def made_up_france(count: int, rng: random.Random) -> list[Actor]:
    slugs = sorted(THEMATIQUES)
    actors = []
    for n in range(count):
        placed = rng.random() > 0.03
        lon, lat = rng.uniform(FRANCE[0], FRANCE[2]), rng.uniform(FRANCE[1], FRANCE[3])
        zones = ZONES
        if rng.random() < 0.1:  # some around Paris, denser, as a national dataset is
            lon, lat, zones = rng.uniform(2.2, 2.6), rng.uniform(48.75, 49.0), NEAR_PARIS
        limited = rng.random() < 0.1
        actors.append(
            fictional_actor(
                n,
                lon if placed else None,
                lat,
                id=f"acteur-fictif-france-{n:05d}",
                thematiques=tuple(rng.sample(slugs, rng.randint(1, 3))),
                publics=("jeunes",) if rng.random() < 0.2 else (),
                age_min=16 if limited else None,
                age_max=25 if limited else None,
                zone_eligibilite=rng.choice(zones),
            )
        )
    return actors


@pytest.fixture(scope="module")
def everyone():
    dataset = [actor_from_feature(f) for f in json.loads(FICTIONAL_DATASET.read_text("utf-8"))["features"]]
    return dataset + made_up_france(20_000, random.Random(61))


def test_the_pack_leaves_out_what_no_search_from_the_communes_can_show(everyone):
    kept = within_reach(everyone, TARGET_COMMUNES, WalkingEstimate())
    ids = {actor.id for actor in kept}

    assert len(kept) < len(everyone) / 4
    dataset = [actor for actor in everyone if "fictif-france" not in actor.id and actor.location]
    assert all(actor.id in ids for actor in dataset)  # the made-up dataset's places, all in or near


def test_from_any_point_of_the_communes_the_pack_answers_as_all_the_actors(everyone):
    walk = WalkingEstimate()
    kept = within_reach(everyone, TARGET_COMMUNES, walk)
    every, packed = ActorIndex(everyone), ActorIndex(kept)
    rng = random.Random(62)
    for _ in range(300):
        lon, lat, commune = _point_in(rng)
        needs = rng.sample(sorted(NEEDS), rng.choice([0, 1, 1, 2]))
        options = {
            "thematiques": thematiques_for(needs) or None,
            "resident": Resident(rng.choice([None, 19, 30, 58]), commune),
            "k": rng.choice([1, 5, 10, 25, 50]),
            "include_ineligible": rng.random() < 0.3,
            "travel": walk,
        }
        expected = [(r.actor.id, r.placement) for r in nearest((lon, lat), every, **options)]
        found = [(r.actor.id, r.placement) for r in nearest((lon, lat), packed, **options)]
        assert found == expected, (lon, lat, options)


def _point_in(rng: random.Random) -> tuple[float, float, str]:
    while True:
        code = rng.choice(sorted(TARGET_COMMUNES))
        lon_min, lat_min, lon_max, lat_max = COMMUNES[code].bbox
        lon, lat = rng.uniform(lon_min, lon_max), rng.uniform(lat_min, lat_max)
        if commune_at(lon, lat) == code:
            return lon, lat, code
