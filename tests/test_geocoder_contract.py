"""The contract every geocoder back-end honours: local BAN index, Géoplateforme, Addok (real)."""

from __future__ import annotations

import math

import pytest

from geo.geocoding import RESULT_TYPES, InvalidQuery
from geo.projection import to_lambert93
from tests.support import pick


def metres_between(result, address) -> float:
    x1, y1 = to_lambert93(result.lon, result.lat)
    x2, y2 = to_lambert93(address.lon, address.lat)
    return math.hypot(x1 - x2, y1 - y2)


def test_full_address_finds_that_house(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.numero == 7 and not a.rep)
    query = f"{address.numero} {address.nom_voie} {address.code_postal} {address.nom_commune}"

    best = any_geocoder.search(query)[0]

    assert best.type == "housenumber"
    assert best.housenumber == "7"
    assert best.citycode == address.code_insee
    assert metres_between(best, address) < 25
    assert best.score >= 0.6


def test_address_typed_without_accents_in_capitals_is_found(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.numero == 4 and not a.rep and "é" in a.nom_voie)
    typed = f"{address.numero} {address.nom_voie} {address.nom_commune}".upper().replace("É", "E")

    best = any_geocoder.search(typed)[0]

    assert (best.housenumber, best.street) == ("4", address.nom_voie)
    assert metres_between(best, address) < 25


def test_street_alone_gives_the_street(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, skip=40)

    best = any_geocoder.search(f"{address.nom_voie} {address.nom_commune}")[0]

    assert best.type == "street"
    assert best.street == address.nom_voie and best.citycode == address.code_insee


def test_results_are_ordered_limited_and_well_formed(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, skip=100)

    results = any_geocoder.search(address.nom_voie.split()[-1], limit=3)

    assert 1 <= len(results) <= 3
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    for result in results:
        assert 0 <= result.score <= 1
        assert result.type in RESULT_TYPES
        assert result.backend == any_geocoder.name
        assert result.label and result.citycode and result.postcode


def test_citycode_filter_keeps_one_commune(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93079", skip=30)

    results = any_geocoder.search(address.nom_voie, limit=10, citycode="93079")

    assert address.nom_voie in {r.street for r in results}
    assert {r.citycode for r in results} == {"93079"}


def test_autocomplete_completes_a_street_name(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: len(a.nom_voie.split()) >= 3, skip=3)
    words = address.nom_voie.split()
    prefix = " ".join(words[:2] + [words[2][:3]])

    results = any_geocoder.search(f"{prefix}", autocomplete=True, limit=10, citycode=address.code_insee)

    assert address.nom_voie in {r.street for r in results}


@pytest.mark.parametrize("query", ["", "   ", "ab", "\x00\x01"])
def test_blank_or_too_short_queries_find_nothing(any_geocoder, query):
    assert any_geocoder.search(query) == []


def test_reverse_finds_the_address_at_a_point(any_geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, skip=77)

    best = any_geocoder.reverse(address.lon, address.lat)[0]

    assert best.type == "housenumber"
    assert best.street == address.nom_voie
    assert metres_between(best, address) < 25


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g.reverse(200.0, 48.8),
        lambda g: g.reverse(2.4, -95.0),
        lambda g: g.search("rue de paris", limit=0),
        lambda g: g.search("rue de paris", near=(2.4, 123.0)),
    ],
)
def test_impossible_arguments_are_refused_before_any_work(any_geocoder, call):
    with pytest.raises(InvalidQuery):
        call(any_geocoder)
