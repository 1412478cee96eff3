"""The field pack: served with an ETag and compressed; its rules, hours and needs are the core's own,
so a script reading it can answer as the service does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from geo.actors.model import Location
from geo.io.dataset import load_actors
from geo.offline.pack import HOURS_DAYS, field_pack
from geo.search.eligibility import Resident, Rules, check_rules, rules_of
from geo.search.hours import PARIS, opening_status
from tests.support import FICTIONAL_DATASET

COMMUNES = ("93048", "93006", "93014", "93031", "93079")


@pytest.fixture(scope="module")
def actors():
    return load_actors(FICTIONAL_DATASET)


@pytest.fixture(scope="module")
def pack(actors):
    return field_pack(actors, COMMUNES, dt.date(2026, 11, 28), "v-fictive")


def test_the_pack_is_served_with_an_etag_compressed_and_answers_304_when_unchanged(client):
    first = client.get("/api/v1/pack", headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    assert "public" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = client.get(
        "/api/v1/pack", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    body = client.get("/api/v1/pack").get_json()
    assert body["format"] == 1 and {a["id"] for a in body["acteurs"]} >= {"insertion-fictive-montreuil"}


def test_a_new_version_of_the_data_gives_a_new_pack(app, client):
    from webmap.services import current_store

    before = client.get("/api/v1/pack").get_json()["version"]
    with app.app_context():
        store = current_store()
        stored = store.get("insertion-fictive-montreuil")
        store.update(dataclasses.replace(stored.actor, telephone="+33199000177"), stored.version, "test")
    after = client.get("/api/v1/pack").get_json()
    assert after["version"] != before
    assert (
        next(a for a in after["acteurs"] if a["id"] == "insertion-fictive-montreuil")["telephone"]
        == "+33199000177"
    )


def test_closed_actors_stay_out(actors):
    closed = dataclasses.replace(actors[0], id="ferme-fictif", statut="ferme")
    pack = field_pack([*actors, closed], COMMUNES, dt.date(2026, 11, 28), "v")
    assert "ferme-fictif" not in {a["id"] for a in pack["acteurs"]}


def test_each_actor_s_rules_in_the_pack_are_the_core_s_rules(actors, pack):
    """Read back from the pack, the rules give the core's verdicts for every kind of resident."""
    by_id = {a.id: a for a in actors}
    rng = random.Random(12)
    for entry in pack["acteurs"]:
        data = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in entry["regles"].items()
        }
        from_pack = Rules(**data)
        assert from_pack == rules_of(by_id[entry["id"]])
        for _ in range(20):
            resident = Resident(
                rng.choice([None, 17, 24, 28, 40]),
                rng.choice([None, *COMMUNES, "75056"]),
                frozenset(
                    rng.sample(["jeunes", "personnes-en-situation-de-handicap", "femmes"], rng.randint(0, 2))
                ),
            )
            assert check_rules(from_pack, resident) == check_rules(rules_of(by_id[entry["id"]]), resident)


def test_opening_spans_say_what_the_opening_hours_say_at_any_minute(actors, pack):
    start = dt.datetime(2026, 11, 28, tzinfo=PARIS)
    rng = random.Random(5)
    by_id = {a.id: a for a in actors}
    for entry in pack["acteurs"]:
        if entry["ouvert"] is None:
            assert opening_status(by_id[entry["id"]].horaires_accueil).open is None
            continue
        for _ in range(50):
            minute = rng.randrange(HOURS_DAYS * 24 * 60)
            moment = (start.astimezone(dt.UTC) + dt.timedelta(minutes=minute)).astimezone(PARIS)
            status = opening_status(by_id[entry["id"]].horaires_accueil, moment)
            if any(begin <= minute < end for begin, end in entry["inconnu"]):  # minutes elapsed
                assert status.open is None, (entry["id"], moment)
            else:
                inside = any(begin <= minute < end for begin, end in entry["ouvert"])
                assert inside == status.open, (entry["id"], moment)


def test_the_pack_carries_the_needs_texts_ranking_and_outlines(pack):
    assert pack["besoins"]["emploi"]["thematiques"][0] == "trouver-un-emploi"
    assert pack["regles"]["textes"]["reserved"] == "réservé aux {what}"
    assert {"93048", "93", "france"} <= set(pack["regles"]["zones_du_resident"]["93048"])
    assert pack["classement"]["marche"] == {
        "detour": 1.3,
        "vitesse_kmh": 4.5,
        "libelle": "{minutes} min à pied",
        "estimation": "environ {label}",
    }
    assert len(pack["contours"]["iris"]) == 94


def test_an_unlocated_actor_has_no_position_in_the_pack(actors):
    unplaced = dataclasses.replace(actors[0], id="sans-lieu-fictif", location=None, zone_eligibilite=("93",))
    placed = dataclasses.replace(actors[0], id="lieu-fictif", location=Location(2.44, 48.86, "manager"))
    pack = field_pack([unplaced, placed], COMMUNES, dt.date(2026, 11, 28), "v")
    entries = {a["id"]: a for a in pack["acteurs"]}
    assert entries["sans-lieu-fictif"]["lon"] is None and entries["lieu-fictif"]["lon"] == 2.44
