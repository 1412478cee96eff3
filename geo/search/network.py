"""Walking along streets: a street graph from an OSM extract, shortest paths with SciPy.

``import_osm`` reads an extract the user supplies (``.osm`` XML or ``.osm.pbf``, through pyosmium)
and keeps an undirected graph of walkable ways, nodes in Lambert-93 metres. ``NetworkWalk`` times a
walk as: origin → nearest node, shortest path (SciPy's Dijkstra on a sparse matrix), nearest node →
destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from geo.projection import to_lambert93
from geo.search.travel import BEYOND, NETWORK, OnFoot, TravelTime, WalkingEstimate

MAX_SNAP_M = 500.0
"""Beyond this distance to the nearest street node, the network does not know the place."""
MAX_DETOUR, DETOUR_M = 3.0, 2000.0
"""The streets are walked up to three times the farthest destination's straight line, plus 2 km
(around a railway, a river, a motorway): a place farther along them than that is given the estimate,
as one the extract cannot reach."""


class NetworkImportError(ValueError):
    """The extract cannot be read as a street network."""


@dataclass
class StreetNetwork:
    """Nodes (Lambert-93 x, y) and undirected edges (u, v, metres)."""

    nodes: np.ndarray
    edges: np.ndarray

    def __post_init__(self) -> None:
        from scipy.sparse import coo_array

        size = len(self.nodes)
        u, v, metres = self.edges[:, 0].astype(np.int64), self.edges[:, 1].astype(np.int64), self.edges[:, 2]
        both = (np.concatenate([metres, metres]), (np.concatenate([u, v]), np.concatenate([v, u])))
        self.graph = coo_array(both, shape=(size, size)).tocsr()
        """Each street both ways, as one walks it."""
        self.tree = cKDTree(self.nodes) if size else None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp.npz")
        np.savez_compressed(temporary, nodes=self.nodes, edges=self.edges)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> StreetNetwork:
        with np.load(path) as data:
            return cls(data["nodes"], data["edges"])


NOT_WALKABLE = frozenset(
    {"motorway", "motorway_link", "bus_guideway", "busway", "raceway"}
    | {"construction", "proposed", "planned", "abandoned", "razed"}
)
"""``highway`` values no one walks along (OSM wiki, Key:highway): motorways, which the Code de la
route forbids to pedestrians (art. R421-2), ways for buses or races only, and ways not (or no longer)
built. Also left out: ``motorroad=yes`` (the same ban), ``foot=no``, and ``access=private``/``no``
without ``foot=yes``."""


def import_osm(path: Path) -> StreetNetwork:
    """The walkable street network of an OSM extract (``.osm``, ``.osm.pbf``, compressed or not)."""
    nodes: dict[int, int] = {}
    lonlats: list[tuple[float, float]] = []
    segments: list[tuple[int, int]] = []
    try:
        import osmium
    except ImportError:
        raise NetworkImportError(
            "l’import d’un extrait OSM demande pyosmium : pip install 'carto-insertion[network]'"
        ) from None
    try:
        extract = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for way in extract.with_filter(osmium.filter.KeyFilter("highway")):
            if not isinstance(way, osmium.osm.Way) or not _walkable(way.tags):
                continue
            previous = None
            for node in way.nodes:
                if not node.location.valid():  # clipped out of the extract
                    previous = None
                    continue
                if node.ref not in nodes:
                    nodes[node.ref] = len(lonlats)
                    lonlats.append((node.location.lon, node.location.lat))
                if previous is not None and previous != nodes[node.ref]:
                    segments.append((previous, nodes[node.ref]))
                previous = nodes[node.ref]
    except RuntimeError as error:
        raise NetworkImportError(f"{Path(path).name} : extrait OSM illisible ({error})") from None
    if not segments:
        raise NetworkImportError(f"{Path(path).name} : aucune voie dans cet extrait")
    lons, lats = np.array(lonlats).T
    xy = np.column_stack(to_lambert93(lons, lats))
    pairs = np.unique(np.sort(np.array(segments), axis=1), axis=0)
    lengths = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    return StreetNetwork(xy, np.column_stack([pairs, lengths]).astype(float))


def _walkable(tags: Any) -> bool:
    if tags.get("highway") in NOT_WALKABLE or tags.get("motorroad") == "yes" or tags.get("foot") == "no":
        return False
    return tags.get("access") not in ("private", "no") or tags.get("foot") in ("yes", "designated")


class NetworkWalk(OnFoot):
    """Walking times along the streets; places off the network fall back to the estimate."""

    method = NETWORK

    def __init__(
        self, network: StreetNetwork, speed_kmh: float = 4.5, fallback: WalkingEstimate | None = None
    ):
        self.network = network
        self.speed = speed_kmh * 1000 / 60
        self.fallback = fallback or WalkingEstimate(speed_kmh=speed_kmh)

    def fastest(self, metres: float) -> float:
        """No street is shorter than the straight line; off the network, the estimate's detour."""
        return min(metres / self.speed, self.fallback.fastest(metres))

    def walk(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        within_m: float | None = None,
    ) -> list[TravelTime]:
        if not len(destinations):
            return []
        estimates = self.fallback.walk(origin, destinations)
        if self.network.tree is None:
            return estimates
        snap_origin, origin_node = self.network.tree.query(origin)
        if snap_origin > MAX_SNAP_M:
            return estimates
        from scipy.sparse.csgraph import dijkstra

        snaps, nodes = self.network.tree.query(np.asarray(destinations, dtype=float))
        if within_m is None:
            straight = max(estimate.metres / self.fallback.detour_factor for estimate in estimates)
            limit = straight * MAX_DETOUR + DETOUR_M
        else:
            limit = within_m
        origins = np.array([int(origin_node)])
        lengths = dijkstra(self.network.graph, indices=origins, limit=limit)[0]
        times = []
        for estimate, snap, node in zip(estimates, np.atleast_1d(snaps), np.atleast_1d(nodes), strict=True):
            path = lengths[int(node)]
            if snap > MAX_SNAP_M:
                times.append(estimate)
                continue
            if not np.isfinite(path):
                times.append(estimate if within_m is None else BEYOND)
                continue
            metres = float(snap_origin + path + snap)
            times.append(TravelTime(metres / self.speed, metres, NETWORK))
        return times
