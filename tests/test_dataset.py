"""data/actors.geojson: faithful to the shared public sources, deterministic, valid RFC 7946."""

from __future__ import annotations

import csv
import json
import re

import pytest

from geo.actors.kinds import KINDS
from geo.io.dataset import dumps_actors, load_actors
from tests.conftest import DATASET


@pytest.fixture
def source_rows(shared_data):
    with open(shared_data / "actors_sources.csv", encoding="utf-8", newline="") as stream:
        return {row["name"]: row for row in csv.DictReader(stream)}


@pytest.fixture
def actors():
    return load_actors(DATASET)


def test_dataset_has_every_dated_actor_of_the_sources(actors, source_rows):
    dated = {name for name, row in source_rows.items() if re.search(r"\d{4}", row["date_source"])}
    assert {actor.nom for actor in actors} == dated
    assert len(actors) >= 20


def test_every_actor_carries_its_source_and_its_date(actors, source_rows):
    for actor in actors:
        assert actor.source == source_rows[actor.nom]["source"]
        assert actor.date_source and source_rows[actor.nom]["date_source"].startswith(actor.date_source)


def test_stated_coordinates_equal_the_sources_values(actors, source_rows):
    located = [actor for actor in actors if actor.location]
    assert len(located) == sum(1 for row in source_rows.values() if row["lat"])
    for actor in located:
        row = source_rows[actor.nom]
        assert (actor.location.lon, actor.location.lat) == (float(row["lon"]), float(row["lat"]))
        assert actor.location.source == "source"
        assert actor.location.reference in row["source"] + row["notes"]


def test_no_actor_has_coordinates_its_source_does_not_state(actors, source_rows):
    for actor in actors:
        if not source_rows[actor.nom]["lat"]:
            assert actor.location is None
            assert actor.statut == "a_verifier"


def test_thematiques_and_publics_come_from_the_kind_mapping(actors):
    for actor in actors:
        kind = KINDS[actor.kind]
        assert actor.thematiques == kind.thematiques
        assert actor.publics == kind.publics
        assert (actor.age_min, actor.age_max) == (kind.age_min, kind.age_max)


def test_dataset_file_is_deterministic():
    text = DATASET.read_text(encoding="utf-8")
    assert dumps_actors(load_actors(DATASET)) == text


def test_dataset_is_sorted_by_id_with_unique_ids():
    ids = [feature["id"] for feature in json.loads(DATASET.read_text(encoding="utf-8"))["features"]]
    assert ids == sorted(set(ids))


def test_dataset_follows_rfc_7946():
    data = json.loads(DATASET.read_text(encoding="utf-8"))
    assert set(data) == {"type", "features"}
    for feature in data["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            # RFC 7946: longitude first, WGS84; these are all in Île-de-France.
            assert 1.4 < lon < 3.6 and 48.1 < lat < 49.3
