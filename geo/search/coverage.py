"""Coverage batches for the analysis notebooks: how far every address is from the nearest actor of
each thématique (in metres, Lambert-93)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.spatial import cKDTree

from geo.projection import to_lambert93
from geo.search.nearest import ActorIndex


def distance_to_nearest(lons: np.ndarray, lats: np.ndarray, index: ActorIndex,
                        thematiques: Sequence[str]) -> dict[str, np.ndarray]:
    """For each thématique (or category), the distance from each point to its nearest actor.

    ``inf`` where no located actor offers it. One k-d tree per thématique, all points at once.
    """
    points = np.column_stack(to_lambert93(np.asarray(lons, float), np.asarray(lats, float)))
    distances = {}
    for thematique in thematiques:
        mask = index.mask([thematique], None)
        if mask is None or not mask.any():
            distances[thematique] = np.full(len(points), np.inf)
            continue
        tree = cKDTree(index.xy[mask])
        distances[thematique], _ = tree.query(points, k=1, workers=-1)
    return distances
