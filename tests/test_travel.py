"""Walking times: the labelled estimate, and the street network when one is imported."""

from __future__ import annotations

import pytest

from geo.projection import to_lambert93
from geo.search.network import NetworkImportError, NetworkWalk, StreetNetwork, import_osm
from geo.search.travel import WalkingEstimate
from tests.support import ROOT

FICTIONAL_NETWORK = ROOT / "tests" / "fixtures" / "reseau-fictif.osm"


def test_estimate_is_straight_line_times_detour_at_walking_speed():
    time = WalkingEstimate().walk((0.0, 0.0), [(0.0, 750.0)])[0]
    assert time.metres == pytest.approx(975.0)  # 750 m × 1.3
    assert time.minutes == pytest.approx(13.0)  # 975 m at 4.5 km/h
    assert time.label == "environ 13 min à pied"


def test_estimate_settings_are_honoured():
    time = WalkingEstimate(detour_factor=1.0, speed_kmh=3.0).walk((0, 0), [(0, 1000)])[0]
    assert time.minutes == pytest.approx(20.0)


@pytest.fixture(scope="module")
def network():
    return import_osm(FICTIONAL_NETWORK)


def test_network_walk_follows_the_streets(network):
    south_east, north_east = to_lambert93(2.4510, 48.8600), to_lambert93(2.4510, 48.8618)

    by_street = NetworkWalk(network).walk(south_east, [north_east])[0]
    estimate = WalkingEstimate().walk(south_east, [north_east])[0]

    assert by_street.method == "reseau" and by_street.label == f"{round(by_street.minutes)} min à pied"
    assert by_street.metres == pytest.approx(1810, rel=0.02)  # west 805 m, north 200 m, east 805 m
    assert by_street.metres > 5 * estimate.metres


def test_places_off_the_network_fall_back_to_the_estimate(network):
    origin, far = to_lambert93(2.4510, 48.8600), to_lambert93(2.3000, 48.9500)
    assert NetworkWalk(network).walk(origin, [far])[0].method == "estimation"


def test_network_survives_a_save_and_load(network, tmp_path):
    network.save(tmp_path / "reseau.npz")
    loaded = StreetNetwork.load(tmp_path / "reseau.npz")
    assert loaded.graph.nnz == network.graph.nnz and len(loaded.nodes) == len(network.nodes)


def test_an_extract_without_streets_is_refused(tmp_path):
    empty = tmp_path / "vide-fictif.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    with pytest.raises(NetworkImportError):
        import_osm(empty)
