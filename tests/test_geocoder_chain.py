"""The chain: configured order, fallbacks, coverage, cache."""

from __future__ import annotations

import pytest

from geo.geocoding import GeocodeResult, GeocoderUnavailable
from geo.geocoding.chain import GeocoderChain


def result(backend: str, score: float) -> GeocodeResult:
    return GeocodeResult(
        label=f"résultat fictif de {backend}",
        lon=2.44,
        lat=48.86,
        score=score,
        type="street",
        backend=backend,
        citycode="93048",
    )


class FakeGeocoder:
    """A made-up back-end that records what it is asked."""

    def __init__(self, name, score=0.9, covers=True, unavailable=False):
        self.name, self.score, self._covers, self.unavailable = name, score, covers, unavailable
        self.calls = 0

    def covers(self, *, citycode=None, postcode=None):
        return self._covers if citycode or postcode else True

    def search(self, q, **options):
        self.calls += 1
        if self.unavailable:
            raise GeocoderUnavailable(f"{self.name} hors ligne")
        return [result(self.name, self.score)] if self.score is not None else []

    def reverse(self, lon, lat, **options):
        return self.search("")


def test_first_good_answer_wins():
    local, remote = FakeGeocoder("local"), FakeGeocoder("remote")

    assert GeocoderChain([local, remote]).search("12 rue x")[0].backend == "local"
    assert remote.calls == 0


def test_unavailable_geocoder_is_skipped():
    chain = GeocoderChain([FakeGeocoder("local", unavailable=True), FakeGeocoder("remote")])
    assert chain.search("12 rue x")[0].backend == "remote"


def test_geocoder_not_covering_the_commune_is_not_asked():
    local = FakeGeocoder("local", covers=False)
    chain = GeocoderChain([local, FakeGeocoder("remote")])

    assert chain.search("12 rue x", citycode="75056")[0].backend == "remote"
    assert local.calls == 0


def test_weak_answer_asks_the_next_and_keeps_the_best():
    chain = GeocoderChain(
        [FakeGeocoder("local", score=0.3), FakeGeocoder("remote", score=0.5)], min_score=0.6
    )
    assert chain.search("12 rue x")[0].backend == "remote"

    chain = GeocoderChain(
        [FakeGeocoder("local", score=0.5), FakeGeocoder("remote", score=None)], min_score=0.6
    )
    assert chain.search("12 rue x")[0].backend == "local"


def test_nothing_found_anywhere_is_an_empty_answer():
    chain = GeocoderChain([FakeGeocoder("local", score=None), FakeGeocoder("remote", unavailable=True)])
    assert chain.search("zzz") == []


def test_all_unavailable_raises_with_every_reason():
    chain = GeocoderChain([FakeGeocoder("a", unavailable=True), FakeGeocoder("b", unavailable=True)])

    with pytest.raises(GeocoderUnavailable, match="a hors ligne; b hors ligne"):
        chain.search("12 rue x")


def test_repeated_question_is_answered_from_the_cache():
    local = FakeGeocoder("local")
    chain = GeocoderChain([local])

    chain.search("12 rue x")
    chain.search("12 rue x")
    chain.search("12 rue x", limit=3)

    assert local.calls == 2


def test_failures_are_not_cached():
    flaky = FakeGeocoder("remote", unavailable=True)
    chain = GeocoderChain([flaky])
    with pytest.raises(GeocoderUnavailable):
        chain.search("12 rue x")

    flaky.unavailable = False
    assert chain.search("12 rue x")[0].backend == "remote"
