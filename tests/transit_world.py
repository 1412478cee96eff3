"""A made-up world over Montreuil for the transit tests (fictif: no real street, stop, line or time).

A square grid of streets (15 × 15 nodes, 200 m apart), written as an OSM ``.osm.pbf``, and a GTFS
feed with two made-up lines over it: bus « F1 » along the middle east–west street, every 10 minutes
on weekdays until 20:00 then every 30 minutes, every 20 minutes at weekends; tram « FT » along a
north–south street, every 15 minutes on weekdays only. They share one stop. Every time is a whole
minute. Nothing here is a real timetable.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOUTH_WEST = (2.425, 48.855)  # (lon, lat), in Montreuil
STEP_M = 200.0
SIZE = 15
HOP_MIN = 2
BUS_STOPS = [(i, 7) for i in range(0, SIZE, 2)]
TRAM_STOPS = [(8, j) for j in range(1, SIZE, 2)]
SHARED = (8, 7)


@dataclass(frozen=True)
class World:
    streets: Path
    feed: Path

    @staticmethod
    def lonlat(i: float, j: float) -> tuple[float, float]:
        """The place of grid node (i east, j north)."""
        lon0, lat0 = SOUTH_WEST
        return (
            lon0 + i * STEP_M / (111_320 * math.cos(math.radians(lat0))),
            lat0 + j * STEP_M / 111_320,
        )


def stop_id(node: tuple[int, int]) -> str:
    return f"FICTIF:{node[0]:02d}-{node[1]:02d}"


WALK_M_PER_MIN = 4.5 * 1000 / 60


def walks_on_grid(node: tuple[int, int], longest_min: float) -> dict[str, int]:
    """Whole minutes (rounded up) along the grid from ``node`` to each stop within ``longest_min``:
    Manhattan blocks, as a resident walks the grid."""
    walks = {}
    for stop in set(BUS_STOPS) | set(TRAM_STOPS):
        minutes = (abs(node[0] - stop[0]) + abs(node[1] - stop[1])) * STEP_M / WALK_M_PER_MIN
        if minutes <= longest_min:
            walks[stop_id(stop)] = math.ceil(minutes - 1e-6)
    return walks


END_OF_LINE = "acteur-fictif-au-bout-de-la-ligne"
FAR_FROM_THE_BUS = "acteur-fictif-loin-du-bus"


def end_of_line_actors(*, far_from_the_bus: bool = False) -> dict:
    """Made-up actors (a GeoJSON collection): one at the bus's last stop (open weekday mornings), and,
    if asked, one 29 minutes' walk from the west end that no ride reaches sooner."""
    from tests.support import fictional_collection, fictional_feature

    features = [
        fictional_feature(
            id=END_OF_LINE,
            nom="Acteur fictif au bout de la ligne",
            geometry={"type": "Point", "coordinates": list(World.lonlat(14, 7))},
            horaires_accueil="Mo-Fr 08:00-12:00",
        )
    ]
    if far_from_the_bus:
        features.append(
            fictional_feature(
                id=FAR_FROM_THE_BUS,
                nom="Acteur fictif loin du bus",
                geometry={"type": "Point", "coordinates": list(World.lonlat(4, 13))},
            )
        )
    return fictional_collection(*features)


@contextlib.contextmanager
def served_with_world(folder: Path, actors: dict) -> Iterator[tuple[Any, str]]:
    """The app on a real port with ``actors`` and the made-up world imported (``carto transit
    import``: streets, timetable, offline trips): the app and its URL."""
    from tests.browser_fixtures import served_app
    from tests.support import write_json

    world = write_world(folder / "monde")
    actors_file = write_json(folder / "acteurs-fictifs.geojson", actors)
    with served_app(folder / "instance", ACTORS_FILE=str(actors_file)) as (app, url):
        result = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed), str(world.streets)])
        assert result.exit_code == 0, result.output
        yield app, url


def door_to_door_of(world: World, instance: Path, today: dt.date):
    """The engine on the made-up world, as the service builds it: walks along its streets."""
    from geo.search.network import NetworkWalk, import_osm
    from geo.transit.door_to_door import DoorToDoor, Stops
    from geo.transit.engine import NigiriRouter
    from geo.transit.feed import import_feed

    feed = import_feed(world.feed, instance / "transit")
    return DoorToDoor(NetworkWalk(import_osm(world.streets)), NigiriRouter(feed, today), Stops.of_feed(feed))


def write_world(folder: Path, *, valid_until: dt.date = dt.date(2027, 12, 31)) -> World:
    folder.mkdir(parents=True, exist_ok=True)
    world = World(folder / "rues-fictives.osm.pbf", folder / "reseau-fictif-gtfs.zip")
    _write_streets(world)
    _write_feed(world, valid_until)
    return world


def _write_streets(world: World) -> None:
    import osmium

    world.streets.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(world.streets))
    try:
        for i in range(SIZE):
            for j in range(SIZE):
                writer.add_node(
                    osmium.osm.mutable.Node(id=_node_id(i, j), location=world.lonlat(i, j), version=1)
                )
        for n in range(SIZE):
            street = [_node_id(n, j) for j in range(SIZE)]
            avenue = [_node_id(i, n) for i in range(SIZE)]
            for way_id, nodes, name in (
                (1 + n, street, f"Rue fictive {n}"),
                (101 + n, avenue, f"Avenue fictive {n}"),
            ):
                tags = {"highway": "residential", "name": name}
                writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=nodes, tags=tags, version=1))
    finally:
        writer.close()


def _node_id(i: int, j: int) -> int:
    return 1 + i * SIZE + j


def _write_feed(world: World, valid_until: dt.date) -> None:
    until = valid_until.strftime("%Y%m%d")
    tables: dict[str, list[list[object]]] = {
        "agency.txt": [
            ["agency_id", "agency_name", "agency_url", "agency_timezone"],
            ["FICTIF", "Réseau fictif (tests)", "https://example.invalid", "Europe/Paris"],
        ],
        "feed_info.txt": [
            ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date", "feed_end_date"],
            ["Réseau fictif (tests)", "https://example.invalid", "fr", "20260101", until],
        ],
        "stops.txt": [["stop_id", "stop_name", "stop_lat", "stop_lon"]],
        "routes.txt": [
            ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
            ["F1", "FICTIF", "F1", "Bus fictif F1", 3],
            ["FT", "FICTIF", "FT", "Tram fictif FT", 0],
        ],
        "calendar.txt": [
            [
                "service_id",
                *"monday tuesday wednesday thursday friday saturday sunday".split(),
                "start_date",
                "end_date",
            ],
            ["SEMAINE", 1, 1, 1, 1, 1, 0, 0, "20260101", until],
            ["WEEKEND", 0, 0, 0, 0, 0, 1, 1, "20260101", until],
        ],
        "trips.txt": [["route_id", "service_id", "trip_id", "direction_id"]],
        "stop_times.txt": [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]],
    }
    for node in sorted(set(BUS_STOPS) | set(TRAM_STOPS)):
        lon, lat = world.lonlat(*node)
        tables["stops.txt"].append(
            [stop_id(node), f"Arrêt fictif {node[0]}-{node[1]}", f"{lat:.7f}", f"{lon:.7f}"]
        )
    runs = [
        ("F1", "SEMAINE", BUS_STOPS, range(6 * 60, 20 * 60, 10)),
        ("F1", "SEMAINE", BUS_STOPS, range(20 * 60, 23 * 60 + 1, 30)),  # fewer buses from 20:00
        ("F1", "WEEKEND", BUS_STOPS, range(7 * 60, 22 * 60 + 1, 20)),
        ("FT", "SEMAINE", TRAM_STOPS, range(6 * 60 + 5, 21 * 60 + 51, 15)),
    ]
    for route, service, stops, starts in runs:
        for start in starts:
            for direction, path in ((0, stops), (1, stops[::-1])):
                trip = f"{route}-{service}-{direction}-{start:04d}"
                tables["trips.txt"].append([route, service, trip, direction])
                for sequence, node in enumerate(path, 1):
                    time = _clock(start + (sequence - 1) * HOP_MIN)
                    tables["stop_times.txt"].append([trip, time, time, stop_id(node), sequence])
    with zipfile.ZipFile(world.feed, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows(rows)
            archive.writestr(name, text.getvalue())


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"
