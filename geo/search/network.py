"""Walking along streets: a street graph from an OSM extract, shortest paths with networkx.

``import_osm`` reads an extract the user supplies (``.osm`` XML through osmnx; ``.pbf`` through
pyrosm when installed) and keeps an undirected graph of walkable ways, nodes in Lambert-93 metres.
``NetworkWalk`` times a walk as: origin → nearest node, shortest path, nearest node → destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from geo.projection import to_lambert93
from geo.search.travel import NETWORK, TravelTime, WalkingEstimate

MAX_SNAP_M = 500.0
"""Beyond this distance to the nearest street node, the network does not know the place."""


class NetworkImportError(ValueError):
    """The extract cannot be read as a street network."""


@dataclass
class StreetNetwork:
    """Nodes (Lambert-93 x, y) and undirected edges (u, v, metres)."""

    nodes: np.ndarray
    edges: np.ndarray

    def __post_init__(self) -> None:
        self.graph: nx.Graph[int] = nx.Graph()
        self.graph.add_nodes_from(range(len(self.nodes)))
        self.graph.add_weighted_edges_from((int(u), int(v), float(w)) for u, v, w in self.edges)
        self.tree = cKDTree(self.nodes) if len(self.nodes) else None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp.npz")
        np.savez_compressed(temporary, nodes=self.nodes, edges=self.edges)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> StreetNetwork:
        with np.load(path) as data:
            return cls(data["nodes"], data["edges"])


def import_osm(path: Path) -> StreetNetwork:
    """The walkable street network of an OSM extract."""
    suffixes = "".join(Path(path).suffixes).lower()
    if suffixes.endswith(".pbf"):
        graph = _graph_from_pbf(path)
    else:
        graph = _graph_from_xml(path)
    if graph.number_of_nodes() == 0:
        raise NetworkImportError(f"{Path(path).name} : aucune voie dans cet extrait")
    ids = {node: i for i, node in enumerate(graph.nodes)}
    lons = np.array([graph.nodes[n]["x"] for n in graph.nodes])
    lats = np.array([graph.nodes[n]["y"] for n in graph.nodes])
    nodes = np.column_stack(to_lambert93(lons, lats))
    lengths: dict[tuple[int, int], float] = {}
    for u, v, data in graph.edges(data=True):
        key = (min(ids[u], ids[v]), max(ids[u], ids[v]))
        lengths[key] = min(lengths.get(key, np.inf), float(data["length"]))
    edges = np.array([(u, v, w) for (u, v), w in lengths.items()], dtype=float).reshape(-1, 3)
    return StreetNetwork(nodes, edges)


def _graph_from_xml(path: Path) -> nx.MultiDiGraph[int]:
    try:
        import osmnx
    except ImportError:
        raise NetworkImportError(
            "l’import d’un extrait OSM demande osmnx : pip install 'carto-insertion[network]'"
        ) from None
    if not _has_streets(path):
        raise NetworkImportError(f"{Path(path).name} : aucune voie dans cet extrait")
    try:
        return osmnx.graph_from_xml(path, bidirectional=True, simplify=False, retain_all=True)
    except (ValueError, KeyError, OSError) as error:
        raise NetworkImportError(f"{Path(path).name} : extrait OSM illisible ({error})") from None


def _has_streets(path: Path) -> bool:
    """Whether the extract holds at least one way tagged ``highway``, read without loading it whole."""
    from xml.etree.ElementTree import ParseError, iterparse

    in_way = False
    try:
        for event, element in iterparse(path, events=("start", "end")):
            if element.tag == "way":
                in_way = event == "start"
            elif in_way and event == "end" and element.tag == "tag" and element.get("k") == "highway":
                return True
            if event == "end" and element.tag in ("node", "way", "relation"):
                element.clear()
    except (ParseError, OSError) as error:
        raise NetworkImportError(f"{Path(path).name} : extrait OSM illisible ({error})") from None
    return False


def _graph_from_pbf(path: Path) -> nx.MultiDiGraph[int]:
    try:
        import pyrosm
    except ImportError:
        raise NetworkImportError(
            "les extraits .pbf demandent pyrosm (pip install pyrosm) ; un .osm se lit tel quel"
        ) from None
    nodes, edges = pyrosm.OSM(str(path)).get_network(network_type="walking", nodes=True)
    graph: nx.MultiDiGraph[int] = pyrosm.OSM(str(path)).to_graph(nodes, edges, graph_type="networkx")
    return graph


class NetworkWalk:
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
        self, origin: tuple[float, float], destinations: Sequence[tuple[float, float]]
    ) -> list[TravelTime]:
        if not len(destinations):
            return []
        estimates = self.fallback.walk(origin, destinations)
        if self.network.tree is None:
            return estimates
        snap_origin, origin_node = self.network.tree.query(origin)
        if snap_origin > MAX_SNAP_M:
            return estimates
        snaps, nodes = self.network.tree.query(np.asarray(destinations, dtype=float))
        lengths = nx.single_source_dijkstra_path_length(self.network.graph, int(origin_node))
        times = []
        for estimate, snap, node in zip(estimates, np.atleast_1d(snaps), np.atleast_1d(nodes), strict=True):
            path = lengths.get(int(node))
            if path is None or snap > MAX_SNAP_M:
                times.append(estimate)
                continue
            metres = float(snap_origin + path + snap)
            times.append(TravelTime(metres / self.speed, metres, NETWORK))
        return times
