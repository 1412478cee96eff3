"""The notebooks' coverage batch agrees with a point-by-point computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.projection import to_lambert93
from geo.search.actor_index import ActorIndex
from geo.search.coverage import distance_to_nearest
from tests.test_nearest import EAST_300M, NORTH_100M, THEMES, WORLD


def test_distance_to_nearest_actor_of_each_thematique():
    lons, lats = np.array([2.4400, 2.4441]), np.array([48.8600, 48.8600])
    index = ActorIndex(WORLD)

    distances = distance_to_nearest(lons, lats, index, [THEMES[1], THEMES[2], "creer-une-entreprise"])

    for point, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        x, y = to_lambert93(lon, lat)
        for thematique in (THEMES[1], THEMES[2]):
            expected = min(
                math.hypot(x - ax, y - ay)
                for ax, ay, actor in (
                    (*to_lambert93(a.location.lon, a.location.lat), a) for a in index.located
                )
                if thematique in actor.thematiques
            )
            assert distances[thematique][point] == pytest.approx(expected, abs=0.01)
    assert np.isinf(distances["creer-une-entreprise"]).all()
    assert NORTH_100M.thematiques[0] == THEMES[1] and EAST_300M.thematiques[0] == THEMES[2]
