"""Reference data for the communes the association works in, the few others our actors sit in, and any
other a service is set up for (``CARTO_COMMUNES``).

The shipped ones: codes, names, postcodes, EPT and EPCI come from the INSEE Code officiel géographique
as packaged by ``@etalab/decoupage-administratif`` 6.0.0; bounding boxes (WGS84, rounded outwards to
1e-4°) from the IGN Admin Express outlines published by geo.api.gouv.fr. Any other commune is known
from the outlines ``carto data sync`` downloads by département (``register_synced``): its name,
postcodes when the source gives them, and a bounding box and an outline taken from its shape.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely import STRtree
    from shapely.geometry.base import BaseGeometry

from geo.text import fold

BBox = tuple[float, float, float, float]
"""(lon_min, lat_min, lon_max, lat_max) in WGS84 degrees."""


@dataclass(frozen=True)
class Commune:
    """A French commune as the validator and the search need it."""

    code_insee: str
    nom: str
    codes_postaux: tuple[str, ...]
    bbox: BBox
    ept: str | None = None
    ept_code: str | None = None
    epci_code: str | None = None

    @property
    def departement(self) -> str:
        return self.code_insee[:2]


_MGP = "200054781"  # Métropole du Grand Paris (EPCI)

DEPARTEMENTS: Mapping[str, str] = MappingProxyType({"93": "Seine-Saint-Denis"})
GROUPINGS: Mapping[str, str] = MappingProxyType(
    {
        "200057875": "Est Ensemble",
        "200058790": "Grand Paris Grand Est",
        "200057867": "Plaine Commune",
        _MGP: "la Métropole du Grand Paris",
    }
)
"""EPT and EPCI of the five communes, by SIREN, as COG codes appear in ``zone_eligibilite``."""

_ALL = (
    Commune(
        "93048",
        "Montreuil",
        ("93100",),
        (2.4153, 48.8487, 2.4829, 48.8787),
        "Est Ensemble",
        "200057875",
        _MGP,
    ),
    Commune(
        "93006", "Bagnolet", ("93170",), (2.4133, 48.8552, 2.4367, 48.8790), "Est Ensemble", "200057875", _MGP
    ),
    Commune(
        "93014",
        "Clichy-sous-Bois",
        ("93390",),
        (2.5215, 48.8950, 2.5652, 48.9214),
        "Grand Paris Grand Est",
        "200058790",
        _MGP,
    ),
    Commune(
        "93031",
        "Épinay-sur-Seine",
        ("93800",),
        (2.2883, 48.9426, 2.3458, 48.9663),
        "Plaine Commune",
        "200057867",
        _MGP,
    ),
    Commune(
        "93079",
        "Villetaneuse",
        ("93430",),
        (2.3333, 48.9465, 2.3548, 48.9682),
        "Plaine Commune",
        "200057867",
        _MGP,
    ),
    # Outside the five, but home to an actor that serves them (Cap emploi 93).
    Commune("93005", "Aulnay-sous-Bois", ("93600",), (2.4595, 48.9169, 2.5242, 48.9745)),
)

_KNOWN: dict[str, Commune] = {c.code_insee: c for c in _ALL}
COMMUNES: Mapping[str, Commune] = MappingProxyType(_KNOWN)
"""Every commune we hold reference data for, by INSEE code: the shipped ones, and those registered
from synced outlines (``register_synced``). Read-only: it grows only through that function."""
_SYNCED_OUTLINES: dict[str, Any] = {}
_INSEE_CODE = re.compile(r"(?:\d{2}|2[AB])\d{3}")

TARGET_COMMUNES: tuple[str, ...] = ("93048", "93006", "93014", "93031", "93079")
"""The five communes where the association's volunteers go door to door."""


OUTLINES = Path(__file__).with_name("data") / "communes-5-cibles.geojson"
"""The outlines of the five communes, shipped with the package (source and licence: data/SOURCES.md).
They are simplified: a point within a few tens of metres of a border may fall on the wrong side."""


def is_insee_code(code: str) -> bool:
    """Whether ``code`` is shaped like a commune's INSEE code (« 93048 », « 2A004 »)."""
    return bool(_INSEE_CODE.fullmatch(code))


def register_synced(path: Path) -> tuple[str, ...]:
    """Know the communes of an outlines file written by ``carto data sync`` (GeoJSON, properties
    ``code``, ``nom`` and, when the source gives them, ``codesPostaux``): their reference data and their
    outlines. A shipped commune keeps its own. Returns the codes of the file."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]  # before shapely: often absent
    import shapely
    from shapely.geometry import shape

    codes = []
    for feature in features:
        code, properties = str(feature["properties"]["code"]), feature["properties"]
        codes.append(code)
        if code in _outlines():
            continue
        outline = shape(feature["geometry"])
        shapely.prepare(outline)
        lon_min, lat_min, lon_max, lat_max = outline.bounds
        bbox = (
            math.floor(lon_min * 1e4) / 1e4,
            math.floor(lat_min * 1e4) / 1e4,
            math.ceil(lon_max * 1e4) / 1e4,
            math.ceil(lat_max * 1e4) / 1e4,
        )
        postcodes = tuple(str(p) for p in properties.get("codesPostaux") or ())
        _SYNCED_OUTLINES[code] = outline
        _KNOWN.setdefault(code, Commune(code, str(properties.get("nom") or code), postcodes, bbox))
    return tuple(codes)


def commune_at(lon: float, lat: float) -> str | None:
    """The INSEE code of the commune whose outline holds the point, among those shipped or synced; no
    address index needed (a GPS fix or a tap on the map knows its commune at once)."""
    import shapely

    point = shapely.Point(lon, lat)
    return next((code for code, outline in commune_outlines().items() if outline.contains(point)), None)


SERVED_MARGIN_M = 5_000
"""How far beyond the communes served a search may start: a resident across a border, or an API
client asking about the next commune, still gets walking times that mean something; farther, the
answer would be actors kilometres away whose rules were written for other communes."""


def within_reach(lon: float, lat: float, codes: Collection[str]) -> bool:
    """Whether the point lies within ``SERVED_MARGIN_M`` of one of the communes ``codes`` (their
    outlines when shipped or synced, else their bounding box), measured in Lambert-93."""
    from geo.projection import in_lambert93_area, to_lambert93

    if not in_lambert93_area(lon, lat):
        return False
    import shapely

    key = tuple(sorted(code for code in codes if code in COMMUNES))
    return bool(key) and _reach(key, len(_SYNCED_OUTLINES)).contains(shapely.Point(to_lambert93(lon, lat)))


@lru_cache(maxsize=8)
def _reach(codes: tuple[str, ...], synced: int) -> Any:
    """The communes' outlines in Lambert-93, widened by the margin (``synced``: the outlines registered
    when it was built, so that a sync since gives a fresh one)."""
    import numpy as np
    import shapely
    from shapely.geometry import box

    from geo.projection import to_lambert93

    outlines = commune_outlines()
    shapes = [outlines.get(code) or box(*COMMUNES[code].bbox) for code in codes]
    projected = [
        shapely.transform(s, lambda xy: np.column_stack(to_lambert93(xy[:, 0], xy[:, 1]))) for s in shapes
    ]
    reach = shapely.union_all(projected).buffer(SERVED_MARGIN_M)
    shapely.prepare(reach)
    return reach


def commune_outlines() -> dict[str, Any]:
    """The outlines of the communes shipped and synced (shapely geometries, WGS84), by INSEE code."""
    return {**_outlines(), **_SYNCED_OUTLINES}


@lru_cache(maxsize=1)
def _outlines() -> dict[str, BaseGeometry]:
    import shapely
    from shapely.geometry import shape

    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    outlines = {str(f["properties"]["code"]): shape(f["geometry"]) for f in features}
    for outline in outlines.values():
        shapely.prepare(outline)
    return outlines


IRIS_OUTLINES = Path(__file__).with_name("data") / "iris-2022-5-communes.geojson"
"""The 94 IRIS of the five communes (INSEE's statistical sectors, 2022), shipped with the package
(source and licence: data/SOURCES.md)."""


@dataclass(frozen=True)
class Iris:
    code: str
    """INSEE code of the IRIS: the commune's code and four digits (« 930480101 »)."""
    nom: str
    commune: str


def iris_at(lon: float, lat: float) -> Iris | None:
    """The IRIS whose outline holds the point, among the five communes' ones; None elsewhere."""
    import shapely

    tree, sectors = _iris_index()
    point = shapely.Point(lon, lat)
    for position in tree.query(point, predicate="within"):
        return sectors[int(position)]
    return None


@lru_cache(maxsize=1)
def _iris_index() -> tuple[STRtree, list[Iris]]:
    from shapely import STRtree
    from shapely.geometry import shape

    features = json.loads(IRIS_OUTLINES.read_text(encoding="utf-8"))["features"]
    sectors = [
        Iris(f["properties"]["code"], f["properties"]["nom"], f["properties"]["commune"]) for f in features
    ]
    # STRtree.query(point, predicate="within") tests the point within each candidate outline
    return STRtree([shape(f["geometry"]) for f in features]), sectors


def iris_sectors() -> list[tuple[Iris, Any]]:
    """Every shipped IRIS with its outline (a shapely geometry, WGS84), by code."""
    tree, sectors = _iris_index()
    return list(zip(sectors, tree.geometries, strict=True))


def iris_names() -> dict[str, str]:
    """Every shipped IRIS's name by code."""
    return {sector.code: sector.nom for sector in _iris_index()[1]}


def find_commune(name: str) -> Commune | None:
    """The known commune whose name matches ``name``, ignoring case, accents and hyphens."""
    wanted = fold(name)
    return next((c for c in COMMUNES.values() if fold(c.nom) == wanted), None)
