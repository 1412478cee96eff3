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
from geo.communes import COMMUNES
from geo.io.dataset import dumps_actors, load_actors
from geo.projection import to_lambert93
from tests.conftest import DATASET, PUBLIC_DATA, ROOT

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
    features = json.loads((PUBLIC_DATA / "communes-5-cibles.geojson").read_text("utf-8"))["features"]
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
    result = subprocess.run([sys.executable, "scripts/transcribe_sources.py",
                             str(PUBLIC_DATA / "actors_sources.csv"), str(target)],
                            cwd=ROOT, capture_output=True, text=True)
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
        row = source_rows[properties["nom"]]
        assert properties["source"] == row["source"]
        assert row["date_source"].startswith(properties["date_source"])
        if row["lat"]:
            assert feature["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]
            assert properties["location_source"] == "source"
        else:
            assert feature["geometry"] is None and properties["statut"] == "a_verifier"


def test_transcription_leaves_out_rows_without_a_date(transcribed, source_rows):
    undated = {name for name, row in source_rows.items() if not any(c.isdigit() for c in row["date_source"])}
    assert undated and not undated & {f["properties"]["nom"] for f in transcribed["features"]}
