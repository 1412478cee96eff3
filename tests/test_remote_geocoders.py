"""Géoplateforme client specifics: format, rate limit, 429 and Retry-After, offline."""

from __future__ import annotations

import json

import httpx
import pytest

from geo.geocoding import GeocoderUnavailable
from geo.geocoding.remote import RateLimiter, geoplateforme
from tests.support import ROOT

RECORDED = json.loads((ROOT / "tests" / "fixtures" / "geoplateforme-search-fictif.json").read_text())


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client():
    with httpx.Client(timeout=2) as client:
        yield client


@pytest.fixture
def service(httpserver, client, sleeps):
    return geoplateforme(client, httpserver.url_for("/geocodage"), per_second=1000, sleep=sleeps.append)


def test_results_are_read_from_the_documented_format(service, httpserver):
    httpserver.expect_request("/geocodage/search").respond_with_json(RECORDED)

    results = service.search("12 rue fictive de test montreuil", limit=3)

    assert [(r.type, r.housenumber, r.citycode) for r in results] == [
        ("housenumber", "12", "93048"),
        ("street", None, "93048"),
    ]
    assert results[0].label == "12 Rue Fictive de Test 93100 Montreuil"
    assert (results[0].lon, results[0].lat, results[0].score) == (2.441232, 48.861124, 0.9675)
    assert results[1].street == "Rue Fictive de Test"
    assert all(r.backend == "geoplateforme" for r in results)


def test_search_sends_the_documented_parameters(service, httpserver):
    httpserver.expect_request(
        "/geocodage/search",
        query_string={
            "index": "address",
            "q": "12 rue de paris",
            "limit": "4",
            "autocomplete": "1",
            "citycode": "93048",
            "lon": "2.44",
            "lat": "48.86",
        },
    ).respond_with_json({"type": "FeatureCollection", "features": []})

    assert (
        service.search("12  rue de paris ", limit=4, autocomplete=True, citycode="93048", near=(2.44, 48.86))
        == []
    )


def test_reverse_sends_lon_lat(service, httpserver):
    httpserver.expect_request(
        "/geocodage/reverse",
        query_string={
            "index": "address",
            "lon": "2.44",
            "lat": "48.86",
            "limit": "1",
        },
    ).respond_with_json(RECORDED)

    assert service.reverse(2.44, 48.86)[0].housenumber == "12"


def test_429_waits_as_told_then_retries(service, httpserver, sleeps):
    httpserver.expect_ordered_request("/geocodage/search").respond_with_json(
        {"code": 429, "message": "Too Many Requests"}, status=429, headers={"Retry-After": "2"}
    )
    httpserver.expect_ordered_request("/geocodage/search").respond_with_json(RECORDED)

    results = service.search("12 rue fictive")

    assert results[0].housenumber == "12"
    assert 2.0 in sleeps


def test_429_that_persists_makes_the_service_unavailable(service, httpserver, sleeps):
    httpserver.expect_request("/geocodage/search").respond_with_json(
        {"code": 429}, status=429, headers={"Retry-After": "600"}
    )

    with pytest.raises(GeocoderUnavailable, match="trop de requêtes"):
        service.search("12 rue fictive")
    assert sleeps == []  # Ten minutes is longer than a volunteer waits: the next geocoder answers.


def test_429_retries_a_bounded_number_of_times(service, httpserver, sleeps):
    httpserver.expect_request("/geocodage/search").respond_with_json(
        {"code": 429}, status=429, headers={"Retry-After": "1"}
    )

    with pytest.raises(GeocoderUnavailable, match="trop de requêtes"):
        service.search("12 rue fictive")
    # The rate limiter's own spacing (1 ms) may sleep too: the retries are the waits of a second.
    assert [seconds for seconds in sleeps if seconds >= 0.5] == [1.0, 1.0]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_make_the_service_unavailable(service, httpserver, status):
    httpserver.expect_request("/geocodage/search").respond_with_data("oops", status=status)

    with pytest.raises(GeocoderUnavailable, match=str(status)):
        service.search("12 rue fictive")


def test_non_json_answer_makes_the_service_unavailable(service, httpserver):
    httpserver.expect_request("/geocodage/search").respond_with_data("<html>maintenance</html>")

    with pytest.raises(GeocoderUnavailable):
        service.search("12 rue fictive")


def test_offline_is_a_clear_unavailability(client):
    offline = geoplateforme(client, "http://127.0.0.1:9/geocodage")

    with pytest.raises(GeocoderUnavailable, match="hors ligne"):
        offline.search("12 rue de paris")


def test_rate_limiter_spaces_calls_under_the_limit():
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(40, clock=lambda: now[0], sleep=sleep)
    for _ in range(41):
        limiter.wait()

    assert now[0] >= 1.0  # 41 calls at 40/s span at least a second
    assert all(abs(w - 1 / 40) < 1e-9 for w in waits)
