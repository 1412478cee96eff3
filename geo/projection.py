"""Coordinate handling: the one place that projects WGS84 lon/lat to metres.

Distances are computed in Lambert-93 (EPSG:2154), the official projection for metropolitan France,
never in degrees.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from pyproj import Transformer

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"


LAMBERT93_PROJ4 = (
    "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 "
    "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
)
"""EPSG:2154 as a PROJ string, for the pages' script (proj4js) to measure as the core does."""


LAMBERT93_AREA = (-9.86, 41.15, 10.38, 51.56)
"""Where EPSG:2154 is defined, (lon_min, lat_min, lon_max, lat_max): its area of use in the EPSG
registry (France, mainland and Corsica, onshore and offshore). Beyond it the projection's metres mean
nothing, and at a pole they are infinite."""


def in_lambert93_area(lon: float, lat: float) -> bool:
    """Whether a WGS84 point lies where Lambert-93 measures distances."""
    lon_min, lat_min, lon_max, lat_max = LAMBERT93_AREA
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance in metres between two WGS84 (lon, lat) points, measured in Lambert-93."""
    (x1, y1), (x2, y2) = to_lambert93(*a), to_lambert93(*b)
    return math.hypot(x1 - x2, y1 - y2)


@overload
def to_lambert93(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def to_lambert93(
    lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def to_lambert93(
    lon: float | NDArray[np.float64], lat: float | NDArray[np.float64]
) -> tuple[float, float] | tuple[NDArray[np.float64], NDArray[np.float64]]:
    """WGS84 lon/lat → Lambert-93 metres (x, y), for one point or arrays of them."""
    return _to_lambert93().transform(lon, lat)


@lru_cache(maxsize=1)
def _to_lambert93() -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(WGS84, LAMBERT93, always_xy=True)
