"""Which actors the field pack carries: every actor that a search from a point of the communes served
could show, and no other. A service holding a whole country's actors then sends a tablet only what its
searches can show, and the offline page still answers as the server does.

An actor is carried when one of these holds:

- it is reserved to residents of the communes served (its zone names one of their areas), since such
  an actor is shown however far it is;
- it has no place, and its zone covers one of those communes;
- it is near enough for a need it offers (or for a search with no need).

« Near enough » is shown as follows, commune by commune (a point of the communes lies in one of them).
Let ``c`` be the centre of the commune's bounding box, and ``R`` the distance from ``c`` to its farthest
outline vertex, so every point of the commune lies within ``R`` of ``c``. For a need, take the
``K_RANGE[1]``-th nearest actor to ``c`` that offers it and that every resident may go to (no age
range, no zone), at distance ``d``. From any point ``p`` of the
commune, those ``K_RANGE[1]`` actors lie within ``d + R``. They are walked to by the same estimate,
and they rank with at most two penalties of ``TOLERANCE_MIN``. So the ``k``-th result
(k ≤ ``K_RANGE[1]``) is never farther from ``p`` than ``d + R`` plus what is walked in
2 × ``TOLERANCE_MIN`` minutes. The ineligible actors shown are nearer than that result. So every actor
a search from ``p`` can show lies within ``d + 2R`` plus that walk of ``c``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo.actors.model import Actor
from geo.communes import commune_outlines
from geo.projection import to_lambert93
from geo.search.eligibility import resident_areas, rules_of
from geo.search.filters import offers_thematiques
from geo.search.needs import NEEDS
from geo.search.ranking import TOLERANCE_MIN
from geo.search.request import K_RANGE
from geo.search.travel import WalkingEstimate


def within_reach(actors: Sequence[Actor], communes: Sequence[str], walk: WalkingEstimate) -> list[Actor]:
    """The actors a search from a point of ``communes`` may show (all of them, when an outline of
    those communes is not known), in their order."""
    outlines = [_vertices(code) for code in communes]
    if not outlines or any(not len(vertices) for vertices in outlines):
        return list(actors)
    areas = frozenset().union(*(resident_areas(code) for code in communes))
    rules = [rules_of(a) for a in actors]
    located = np.array([a.location is not None for a in actors], bool)
    reserved = np.array([bool(set(r.zone) & areas) for r in rules], bool) & located
    serving = np.array([bool(set(a.zone_eligibilite) & areas) for a in actors], bool) & ~located
    anyone = np.array([not r.zone and r.age_min is None and r.age_max is None for r in rules], bool)
    anyone &= located  # those every resident may go to
    xy = np.full((len(actors), 2), np.inf)
    if located.any():
        lons = np.array([a.location.lon for a in actors if a.location is not None])
        lats = np.array([a.location.lat for a in actors if a.location is not None])
        xy[located] = np.column_stack(to_lambert93(lons, lats))
    walked = 2 * TOLERANCE_MIN * walk.speed_kmh * 1000 / 60 / walk.detour_factor  # straight metres
    offers = {
        wanted: np.array([offers_thematiques(a.thematiques, wanted) for a in actors], bool)
        for wanted in [(), *(tuple(need.thematiques) for need in NEEDS.values())]
    }
    near = np.zeros(len(actors), bool)
    for vertices in outlines:  # a point of the communes lies in one of them: its bound is enough
        centre = (vertices.min(axis=0) + vertices.max(axis=0)) / 2
        spread = float(np.hypot(*(vertices - centre).T).max())
        distance = np.hypot(*(xy - centre).T)
        for offering in offers.values():
            candidates = distance[offering & anyone]
            if len(candidates) < K_RANGE[1]:
                near |= offering & located
                continue
            kth = np.partition(candidates, K_RANGE[1] - 1)[K_RANGE[1] - 1]
            near |= offering & (distance <= kth + 2 * spread + walked)
    keep = near | reserved | serving
    return [actor for actor, kept in zip(actors, keep, strict=True) if kept]


def _vertices(commune: str) -> np.ndarray:
    """A commune's outline vertices, in Lambert-93 metres (none when its outline is not known)."""
    import shapely

    outline = commune_outlines().get(commune)
    if outline is None:
        return np.empty((0, 2))
    lonlat = shapely.get_coordinates(outline)
    x, y = to_lambert93(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])
