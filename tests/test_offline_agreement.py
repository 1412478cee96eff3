"""One source of truth: the page's offline search, reading the field pack in Chromium, shows what the
server's search shows — the same actors in the same order, and every line a person reads about each
(its view: distance and walking time, eligibility and why, opening hours, how to get in, how fresh) —
on hundreds of random searches with the resident's commune and profile varied, a service set up with
its own walking estimate, on the made-up actors and on the curated dataset (whatever it holds)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest

from geo.actors.model import actor_to_feature
from geo.communes import COMMUNES, TARGET_COMMUNES, commune_at
from geo.geocoding.ban_index import LocalBanGeocoder
from geo.io.dataset import load_actors
from geo.search.hours import PARIS
from geo.search.needs import NEEDS
from geo.search.profile import TRAITS
from geo.search.request import SearchRequest
from geo.search.service import search
from tests.support import FICTIONAL_DATASET, ROOT, write_json
from webmap.presenters import result_view
from webmap.services import current_pack, services

SCRIPTS = [
    ROOT / "webmap" / "static" / "lib" / "proj4.js",
    ROOT / "webmap" / "static" / "lib" / "point-in-polygon.js",
    ROOT / "webmap" / "volunteer" / "static" / "search-offline.js",
]
CASES = 400
PUBLICS = ["jeunes", "personnes-en-situation-de-handicap", "femmes", "beneficiaires-des-minimas-sociaux"]
WALKING = {"WALK_SPEED_KMH": 3.6, "WALK_DETOUR_FACTOR": 1.45}
"""A service set up to walk slower and round about more than the defaults."""


def random_searches(seed: int, today: dt.date) -> list[dict]:
    rng = random.Random(seed)
    boxes = [COMMUNES[code].bbox for code in TARGET_COMMUNES]
    start = dt.datetime.combine(today, dt.time(0, 0), PARIS)
    searches = []
    while len(searches) < CASES:
        lon_min, lat_min, lon_max, lat_max = rng.choice(boxes)
        lon, lat = round(rng.uniform(lon_min, lon_max), 6), round(rng.uniform(lat_min, lat_max), 6)
        if commune_at(lon, lat) is None:
            continue  # beyond the outlines the server asks its geocoder the commune; offline cannot
        moment = start + dt.timedelta(minutes=rng.randrange(2 * 24 * 60))
        searches.append(
            {
                "lon": lon,
                "lat": lat,
                "needs": rng.sample(sorted(NEEDS), rng.choice([0, 0, 1, 1, 2])),
                "age": rng.choice([None, None, 17, 22, 25, 26, 30, 45, 60]),
                "publics": rng.sample(PUBLICS, rng.choice([0, 0, 0, 1, 2])),
                "traits": rng.sample(sorted(TRAITS), rng.choice([0, 0, 1, 2])),
                "commune": rng.choice([None, None, None, *TARGET_COMMUNES]),  # the resident's, when told
                "k": rng.choice([3, 5, 8]),
                "include_ineligible": rng.random() < 0.3,
                "qpv_seen": rng.random() < 0.3,
                "now": int(moment.timestamp() * 1000),
                "moment": moment.isoformat(),
            }
        )
    return searches


def server_answer(geocoder, asked: dict) -> dict:
    """What the server's search shows (in the app's request context)."""
    found = services()
    request = SearchRequest(
        lat=asked["lat"],
        lon=asked["lon"],
        needs=tuple(asked["needs"]),
        publics=tuple(asked["publics"]),
        traits=tuple(asked["traits"]),
        age=asked["age"],
        commune=asked["commune"],
        k=asked["k"],
        include_ineligible=asked["include_ineligible"],
        qpv_seen=asked["qpv_seen"],
    )
    outcome = search(
        request,
        geocoder=geocoder,
        actors=found.index(),
        travel=found.travel(),
        clock=lambda: dt.datetime.fromisoformat(asked["moment"]),
        served=found.served,
        qpv=found.qpv(),
    )
    quarter = outcome.origin.qpv
    return {
        "citycode": outcome.origin.citycode,
        "qpv": {"code": quarter.code, "nom": quarter.nom} if quarter else None,
        "traits": list(outcome.traits),
        "distances": [None if r.distance_m is None else round(r.distance_m, 2) for r in outcome.results],
        "lines": [result_view(r) for r in outcome.results],
    }


def page_answer(answer: dict) -> dict:
    return {
        "citycode": answer["origin"]["citycode"],
        "qpv": answer["origin"]["qpv"],
        "traits": answer["traits"],
        "distances": [
            None if r["distance_m"] is None else round(r["distance_m"], 2) for r in answer["results"]
        ],
        "lines": answer["lines"],
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
]
"""Hours a manager might type: comments, « unknown », past midnight, holidays, closures (the store
takes no unreadable ones)."""


def tricky_world():
    """The made-up actors, each given one of the tricky opening hours."""
    return [
        dataclasses.replace(actor, horaires_accueil=TRICKY_HOURS[n % len(TRICKY_HOURS)])
        for n, actor in enumerate(load_actors(FICTIONAL_DATASET))
    ]


def made_up_quarters(folder) -> None:
    """Made-up quartiers prioritaires, as ``carto data sync`` writes them: the western half of each
    commune served (no real outline), so that about half the random searches start in one."""
    features = []
    for code in TARGET_COMMUNES:
        lon_min, lat_min, lon_max, lat_max = COMMUNES[code].bbox
        middle = (lon_min + lon_max) / 2
        ring = [
            [lon_min, lat_min],
            [middle, lat_min],
            [middle, lat_max],
            [lon_min, lat_max],
            [lon_min, lat_min],
        ]
        properties = {
            "code": f"QN{code}FICTIF",
            "nom": f"Quartier fictif de {COMMUNES[code].nom}",
            "communes": [code],
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": properties,
            }
        )
    (folder / "qpv").mkdir(parents=True, exist_ok=True)
    write_json(
        folder / "qpv" / "qpv.geojson",
        {"type": "FeatureCollection", "source": "fictif", "date": "2026-12-02", "features": features},
    )


@pytest.mark.parametrize(
    "dataset",
    [FICTIONAL_DATASET, ROOT / "data" / "actors.geojson", "horaires", "quartiers"],
    ids=["acteurs-fictifs", "jeu-de-donnees", "horaires-varies", "quartiers-prioritaires"],
)
def test_the_page_s_offline_search_shows_what_the_server_s_search_shows(
    browser, make_app, tmp_path, synthetic_index, instance_path, dataset
):
    actors = (
        tricky_world()
        if dataset == "horaires"
        else load_actors(FICTIONAL_DATASET if dataset == "quartiers" else dataset)
    )
    collection = {"type": "FeatureCollection", "features": [actor_to_feature(a) for a in actors]}
    app = make_app(ACTORS_FILE=str(write_json(tmp_path / "acteurs.geojson", collection)), **WALKING)
    if dataset == "quartiers":
        made_up_quarters(instance_path)
    searches = random_searches(seed=14, today=dt.date.today())
    geocoder = LocalBanGeocoder(synthetic_index)
    with app.test_request_context():
        pack = json.loads(current_pack()[1])
        expected = [server_answer(geocoder, asked) for asked in searches]
    assert pack["classement"]["marche"]["vitesse_kmh"] == WALKING["WALK_SPEED_KMH"]
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        for script in SCRIPTS:
            page.add_script_tag(path=str(script))
        answers = page.evaluate(
            """([pack, searches]) => searches.map(s => {
              const answer = cartoOffline.search(pack, {lon: s.lon, lat: s.lat, needs: s.needs,
                age: s.age, publics: s.publics, traits: s.traits, commune: s.commune, k: s.k,
                include_ineligible: s.include_ineligible, qpv_seen: s.qpv_seen}, s.now);
              answer.lines = answer.results.map(r => cartoOffline.view(pack, r));
              return answer;
            })""",
            [pack, searches],
        )
    finally:
        page.close()
    differences = [
        (asked, wanted, page_answer(answer))
        for asked, wanted, answer in zip(searches, expected, answers, strict=True)
        if wanted != page_answer(answer)
    ]
    assert not differences, f"{len(differences)} of {CASES} differ; first: {differences[0]}"
    if dataset == FICTIONAL_DATASET:  # the curated data may hold anything; the made-up ones are known
        assert sum(len(answer["results"]) for answer in answers) > CASES  # searches that found actors
    if dataset == "quartiers":  # both sides knew quarters, and counted residents in them
        assert 0.3 < sum(1 for a in answers if a["origin"]["qpv"]) / CASES < 0.7
        assert any(
            "qpv" in a["traits"] and "qpv" not in s["traits"] for a, s in zip(answers, searches, strict=True)
        )
