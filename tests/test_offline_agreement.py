"""One source of truth: the page's offline search, reading the field pack in Chromium, answers as the
core does — same actors, same order, same reasons, same walking times and opening hours — on hundreds
of random searches, on the made-up actors and on the curated dataset (whatever it holds)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from geo.communes import COMMUNES, TARGET_COMMUNES, commune_at
from geo.io.dataset import load_actors
from geo.offline.pack import field_pack
from geo.search.eligibility import Resident
from geo.search.hours import PARIS
from geo.search.nearest import ActorIndex, Origin, nearest
from geo.search.needs import NEEDS, thematiques_for
from tests.conftest import FICTIONAL_DATASET, ROOT

SCRIPTS = [
    ROOT / "webmap" / "static" / "lib" / "proj4.js",
    ROOT / "webmap" / "static" / "lib" / "point-in-polygon.js",
    ROOT / "webmap" / "volunteer" / "static" / "search-offline.js",
]
CASES = 400
PUBLICS = ["jeunes", "personnes-en-situation-de-handicap", "femmes"]


def random_searches(seed: int, today: dt.date) -> list[dict]:
    rng = random.Random(seed)
    boxes = [COMMUNES[code].bbox for code in TARGET_COMMUNES]
    start = dt.datetime.combine(today, dt.time(0, 0), PARIS)
    searches = []
    for _ in range(CASES):
        lon_min, lat_min, lon_max, lat_max = rng.choice(boxes)
        moment = start + dt.timedelta(minutes=rng.randrange(2 * 24 * 60))
        searches.append(
            {
                "lon": round(rng.uniform(lon_min - 0.01, lon_max + 0.01), 6),
                "lat": round(rng.uniform(lat_min - 0.01, lat_max + 0.01), 6),
                "needs": rng.sample(sorted(NEEDS), rng.choice([0, 0, 1, 1, 2])),
                "age": rng.choice([None, None, 17, 22, 25, 26, 30, 45, 60]),
                "publics": rng.sample(PUBLICS, rng.choice([0, 0, 0, 1, 2])),
                "k": rng.choice([3, 5, 8]),
                "include_ineligible": rng.random() < 0.3,
                "now": int(moment.timestamp() * 1000),
                "moment": moment.isoformat(),
            }
        )
    return searches


def core_answer(index: ActorIndex, search: dict) -> dict:
    origin = Origin(search["lon"], search["lat"], commune_at(search["lon"], search["lat"]))
    results = nearest(
        origin,
        index,
        thematiques=thematiques_for(search["needs"]),
        publics=search["publics"],
        resident=Resident(search["age"], None, frozenset(search["publics"])),
        k=search["k"],
        include_ineligible=search["include_ineligible"],
        at=dt.datetime.fromisoformat(search["moment"]),
    )
    return {
        "citycode": origin.citycode,
        "results": [
            {
                "id": r.actor.id,
                "placement": r.placement,
                "distance": None if r.distance_m is None else round(r.distance_m, 2),
                "travel": r.travel.label if r.travel else None,
                "eligible": r.eligibility.eligible,
                "reasons": list(r.eligibility.reasons),
                "to_check": list(r.eligibility.to_check),
                "fits": list(r.eligibility.fits),
                "opening": r.opening.label,
            }
            for r in results
        ],
    }


def page_answer(answer: dict) -> dict:
    return {
        "citycode": answer["origin"]["citycode"],
        "results": [
            {
                "id": r["id"],
                "placement": r["placement"],
                "distance": None if r["distance_m"] is None else round(r["distance_m"], 2),
                "travel": r["travel"]["label"] if r["travel"] else None,
                "eligible": r["eligibility"]["eligible"],
                "reasons": r["eligibility"]["reasons"],
                "to_check": r["eligibility"]["to_check"],
                "fits": r["eligibility"]["fits"],
                "opening": r["opening"],
            }
            for r in answer["results"]
        ],
    }


TRICKY_HOURS = [
    "24/7",
    'Mo-Fr 09:00-12:00 "accueil", Mo-Fr 12:00-17:00 "sur rendez-vous"',
    "Mo-Fr 09:00-17:00; We unknown",
    "Mo 22:00-02:00",
    "Mo-Sa 08:30-12:30; PH off",
    "Tu,Th 14:00-18:00; Dec 24-Jan 01 off",
    "off",
    "Mo-Fr 09:00-12:00,13:30-17:00",
    "n’importe quoi",
]
"""Hours a manager might type: comments, « unknown », past midnight, holidays, closures, nonsense."""


def tricky_world():
    """The made-up actors, each given one of the tricky opening hours."""
    return [
        dataclasses.replace(actor, horaires_accueil=TRICKY_HOURS[n % len(TRICKY_HOURS)])
        for n, actor in enumerate(load_actors(FICTIONAL_DATASET))
    ]


@pytest.mark.parametrize(
    "dataset",
    [FICTIONAL_DATASET, ROOT / "data" / "actors.geojson", "horaires"],
    ids=["acteurs-fictifs", "jeu-de-donnees", "horaires-varies"],
)
def test_the_page_s_offline_search_answers_as_the_core_on_random_searches(browser, dataset):
    actors = tricky_world() if dataset == "horaires" else load_actors(dataset)
    today = dt.date.today()
    pack = field_pack(actors, TARGET_COMMUNES, today, "v-test")
    searches = random_searches(seed=14, today=today)
    index = ActorIndex(actors)
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        for script in SCRIPTS:
            page.add_script_tag(path=str(script))
        answers = page.evaluate(
            """([pack, searches]) => searches.map(s => cartoOffline.search(pack, {
            lon: s.lon, lat: s.lat, needs: s.needs, age: s.age, publics: s.publics, k: s.k,
            include_ineligible: s.include_ineligible}, s.now))""",
            [pack, searches],
        )
    finally:
        page.close()
    differences = [
        (search, core_answer(index, search), page_answer(answer))
        for search, answer in zip(searches, answers, strict=True)
        if core_answer(index, search) != page_answer(answer)
    ]
    assert not differences, f"{len(differences)} of {CASES} differ; first: {differences[0]}"
    if dataset == FICTIONAL_DATASET:  # the curated data may hold anything; the made-up ones are known
        assert sum(len(answer["results"]) for answer in answers) > CASES  # searches that found actors
