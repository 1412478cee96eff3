"""The actor record and its GeoJSON form."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.actors.model import Actor, Location, actor_from_feature, actor_to_feature
from geo.actors.validation import validate_feature
from geo.text import fold, slugify

FICTIONAL = Actor(
    id="acteur-fictif",
    nom="Acteur fictif",
    kind="mission_locale",
    source="fixture inventée",
    date_source="2025-03",
    statut="actif",
    thematiques=("se-former--trouver-sa-formation",),
    publics=("jeunes",),
    zone_eligibilite=("93048", "93006"),
    age_min=16,
    age_max=25,
    location=Location(lon=2.44, lat=48.86, source="geocoded", score=0.91, geocoder="ban-local"),
    code_postal="93100",
    code_insee="93048",
    commune="Montreuil",
    date_verification=dt.date(2026, 11, 2),
)


def test_actor_survives_a_round_trip_through_geojson():
    assert actor_from_feature(actor_to_feature(FICTIONAL)) == FICTIONAL


def test_written_actor_is_a_valid_feature():
    assert validate_feature(actor_to_feature(FICTIONAL)) == []


def test_actor_without_location_has_null_geometry():
    feature = actor_to_feature(dataclasses.replace(FICTIONAL, location=None))
    assert feature["geometry"] is None
    assert feature["properties"]["location_source"] is None


def test_actors_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FICTIONAL.nom = "autre"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Mission locale (Épinay-sur-Seine) - MIIJ antenne", "mission-locale-epinay-sur-seine-miij-antenne"),
        ("CREATEUR D'INSTANTS", "createur-d-instants"),
        ("  ", ""),
    ],
)
def test_slugify_examples(text, slug):
    assert slugify(text) == slug


@given(st.text())
def test_slugs_only_hold_lowercase_ascii_digits_and_single_dashes(text):
    slug = slugify(text)
    assert all(ch.isascii() and (ch.isdigit() or ch.islower() or ch == "-") for ch in slug)
    assert "--" not in slug and not slug.startswith("-") and not slug.endswith("-")


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_every_public_a_kind_states_has_its_national_rule():
    """A kind's publics are a fact about every actor of that kind: only a national rule, cited, says so."""
    from geo.actors.kinds import KINDS

    for kind in KINDS.values():
        if kind.publics:
            assert "art. L" in kind.publics_rule or "loi" in kind.publics_rule, kind.slug
