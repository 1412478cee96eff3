"""data/actors.geojson keeps its invariants whatever the managers change: valid, sourced, dated, located
inside its commune, deterministic RFC 7946. Its contents (which actors, how many) are never pinned."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from geo.actors.validation import validate_collection
from geo.communes import COMMUNES, OUTLINES
from geo.io.dataset import dumps_actors, load_actors
from geo.projection import to_lambert93
from tests.support import DATASET, PUBLIC_DATA, ROOT

OUTLINE_TOLERANCE_M = 150
"""The copied outlines are simplified: tens of metres of error at their edges (data/SOURCES.md)."""


@pytest.fixture(scope="module")
def collection():
    return json.loads(DATASET.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def actors():
    return load_actors(DATASET)


@pytest.fixture(scope="module")
def outlines():
    features = json.loads(OUTLINES.read_text("utf-8"))["features"]

    def project(coords):
        return np.column_stack(to_lambert93(coords[:, 0], coords[:, 1]))

    return {f["properties"]["code"]: shapely.transform(shape(f["geometry"]), project) for f in features}


def test_dataset_is_valid(collection):
    assert [str(p) for p in validate_collection(collection)] == []


def test_every_actor_carries_its_source_and_its_date(actors):
    for actor in actors:
        assert actor.source.strip() and actor.date_source[:4].isdigit(), actor.id


def test_every_location_says_where_it_comes_from(actors):
    for actor in (a for a in actors if a.location):
        assert actor.location.source in ("source", "geocoded", "manager"), actor.id
        if actor.location.source == "source":
            assert actor.location.reference, actor.id
        if actor.location.source == "geocoded":
            assert actor.location.score is not None and actor.location.geocoder, actor.id


def test_every_located_actor_lies_in_its_commune(actors, outlines):
    for actor in (a for a in actors if a.location):
        point = Point(to_lambert93(actor.location.lon, actor.location.lat))
        if actor.code_insee in outlines:
            assert outlines[actor.code_insee].distance(point) <= OUTLINE_TOLERANCE_M, actor.id
        else:
            lon_min, lat_min, lon_max, lat_max = COMMUNES[actor.code_insee].bbox
            assert lon_min <= actor.location.lon <= lon_max and lat_min <= actor.location.lat <= lat_max


def test_dataset_file_is_deterministic():
    text = DATASET.read_text(encoding="utf-8")
    assert dumps_actors(load_actors(DATASET)) == text


def test_dataset_is_sorted_by_id_with_unique_ids(collection):
    ids = [feature["id"] for feature in collection["features"]]
    assert ids == sorted(set(ids))


def test_dataset_follows_rfc_7946(collection):
    assert set(collection) == {"type", "features"}
    for feature in collection["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            assert 1.4 < lon < 3.6 and 48.1 < lat < 49.3  # longitude first: Île-de-France


# --- The transcription script, on the copied public sources (not on today's curated file) -----------


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory):
    target = tmp_path_factory.mktemp("transcription") / "actors.geojson"
    result = subprocess.run(
        [
            sys.executable,
            "scripts/transcribe_sources.py",
            str(PUBLIC_DATA / "actors_sources.csv"),
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(target.read_text("utf-8"))


@pytest.fixture(scope="module")
def source_rows():
    import csv

    with open(PUBLIC_DATA / "actors_sources.csv", encoding="utf-8", newline="") as stream:
        return {row["name"]: row for row in csv.DictReader(stream)}


def test_transcription_writes_a_valid_dataset(transcribed):
    assert transcribed["features"] and validate_collection(transcribed) == []


def test_transcription_copies_source_date_and_stated_coordinates_only(transcribed, source_rows):
    for feature in transcribed["features"]:
        properties = feature["properties"]
        row = source_rows.get(properties["nom"]) or next(
            r for r in source_rows.values() if r["name"].startswith(properties["nom"])
        )
        assert properties["source"] == row["source"]
        assert properties["date_source"][:4] in row["source"] + row["notes"] + row["date_source"]
        if row["lat"]:
            assert feature["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]
            assert properties["location_source"] == "source"
        else:
            assert feature["geometry"] is None and properties["statut"] == "a_verifier"


def test_transcription_leaves_out_rows_without_a_date(transcribed, source_rows):
    undated = {name for name, row in source_rows.items() if not any(c.isdigit() for c in row["date_source"])}
    assert undated and not undated & {f["properties"]["nom"] for f in transcribed["features"]}


# --- Facts the transcription must not go beyond (issue 11), on the transcribed copy of the sources --


def _transcribed(transcribed, actor_id):
    return next(f for f in transcribed["features"] if f["id"] == actor_id)["properties"]


def test_transcription_keeps_the_name_the_source_gives(transcribed):
    assert _transcribed(transcribed, "mission-locale-epinay-sur-seine-miij-antenne")["nom"] == (
        "Mission locale (Épinay-sur-Seine)"
    )  # « MIIJ antenne » was read from a website


def test_transcription_drops_a_website_of_another_commune(transcribed):
    assert _transcribed(transcribed, "regie-quatre-vingt-treize")["site_web"] == ""


def test_transcription_keeps_no_mobile_number(transcribed):
    import phonenumbers

    for feature in transcribed["features"]:
        phone = feature["properties"]["telephone"]
        if phone:
            kind = phonenumbers.number_type(phonenumbers.parse(phone))
            assert kind != phonenumbers.PhoneNumberType.MOBILE, feature["id"]


def test_transcription_dates_an_actor_by_the_file_its_source_cites(transcribed):
    for actor_id in ("mission-locale-montreuil", "cap-emploi-93-unirh-93"):
        assert _transcribed(transcribed, actor_id)["date_source"] == "2019-10-15"


def test_transcription_applies_no_residence_rule_to_a_digital_help_desk(transcribed):
    ccas = _transcribed(transcribed, "centre-communal-d-action-sociale-ccas-de-bagnolet")
    assert ccas["zone_eligibilite"] == []


def test_transcription_states_2022_hours_as_of_2022_and_free_where_the_source_says_so(transcribed):
    morillon = _transcribed(transcribed, "maison-de-quartier-centre-social-esperanto-place-le-morillon")
    assert morillon["description"].startswith("Horaires relevés en 2022")
    assert "sur place" not in morillon["description"]
    assert morillon["frais"] == "gratuit"


def test_transcription_never_says_an_actor_is_active(transcribed):
    assert {f["properties"]["statut"] for f in transcribed["features"]} == {"a_verifier"}


def test_transcription_copies_the_siret_its_source_states(transcribed, source_rows):
    for feature in transcribed["features"]:
        siret = feature["properties"]["siret"]
        if siret:
            row = source_rows.get(feature["properties"]["nom"]) or next(
                r for r in source_rows.values() if r["name"].startswith(feature["properties"]["nom"])
            )
            assert siret in row["notes"], feature["id"]
    assert sum(1 for f in transcribed["features"] if f["properties"]["siret"]) >= 10


def test_transcription_puts_no_age_limit_on_a_youth_desk_whose_source_gives_none(transcribed):
    from geo.actors.model import actor_from_feature
    from geo.search.eligibility import Resident, check_eligibility

    feature = next(f for f in transcribed["features"] if f["id"] == "espace-services-jeunesse-le-petit-lien")
    desk = actor_from_feature(feature)
    assert (desk.age_min, desk.age_max) == (None, None)
    assert check_eligibility(desk, Resident(age=30, commune="93014")).eligible
