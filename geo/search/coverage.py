"""Coverage for the analysis notebooks: how far every address is from the nearest actor of each
thématique (in metres, Lambert-93), and how long a walk each IRIS is from the nearest actor per need."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geo.communes import iris_sectors
from geo.projection import to_lambert93
from geo.search.actor_index import ActorIndex
from geo.search.eligibility import Resident
from geo.search.nearest import NearestResult, Origin, nearest
from geo.search.needs import NEEDS
from geo.search.travel import TravelTimes, WalkingEstimate

DESERT_MINUTES = 20.0
"""A walk longer than this to the nearest actor for a need, and the IRIS is a « service desert » for it."""


@dataclass(frozen=True)
class SectorAccess:
    iris: str
    nom: str
    commune: str
    need: str
    minutes: float | None
    """Walking time from a point inside the IRIS to the nearest actor it may go to; None: none."""
    actor_id: str | None


def access_by_iris(
    index: ActorIndex, needs: Iterable[str] = tuple(NEEDS), travel: TravelTimes | None = None
) -> list[SectorAccess]:
    """For each shipped IRIS and each need, the walk to the nearest located actor offering it that
    a resident of that IRIS may go to (eligibility zones included), from the IRIS's representative
    point (inside it; not weighted by population, which we do not have)."""
    travel = travel or WalkingEstimate()
    rows = []
    for sector, outline in iris_sectors():
        point = outline.representative_point()
        origin = Origin(point.x, point.y, sector.commune)
        for need in needs:
            found: list[NearestResult] = [
                r
                for r in nearest(
                    origin,
                    index,
                    thematiques=list(NEEDS[need].thematiques),
                    k=1,
                    resident=Resident(commune=sector.commune),
                    travel=travel,
                )
                if r.travel is not None
            ]
            best = min(found, key=_minutes, default=None)
            rows.append(
                SectorAccess(
                    sector.code,
                    sector.nom,
                    sector.commune,
                    need,
                    _minutes(best) if best else None,
                    best.actor.id if best else None,
                )
            )
    return rows


def _minutes(result: NearestResult) -> float:
    return result.travel.minutes if result.travel else np.inf


def service_deserts(rows: Iterable[SectorAccess], minutes: float = DESERT_MINUTES) -> list[SectorAccess]:
    """The IRIS × needs with no actor within ``minutes`` of walking, farthest first."""
    far = [row for row in rows if row.minutes is None or row.minutes > minutes]
    return sorted(far, key=lambda row: (-(row.minutes if row.minutes is not None else np.inf), row.iris))


def distance_to_nearest(
    lons: np.ndarray, lats: np.ndarray, index: ActorIndex, thematiques: Sequence[str]
) -> dict[str, np.ndarray]:
    """For each thématique (or category), the distance from each point to its nearest actor.

    ``inf`` where no located actor offers it. The index's k-d tree of each thématique, all points at once.
    """
    points = np.column_stack(to_lambert93(np.asarray(lons, float), np.asarray(lats, float)))
    distances: dict[str, NDArray[np.float64]] = {}
    for thematique in thematiques:
        offering = index.subset("thematique", thematique)
        if offering is None:
            distances[thematique] = np.full(len(points), np.inf)
            continue
        found = offering.tree.query(points, k=1, workers=-1)[0]
        distances[thematique] = np.asarray(found, dtype=np.float64)
    return distances
