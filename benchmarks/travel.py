"""Trips by public transport at Île-de-France's scale: building the model, its memory, a results page.

    .venv/bin/python benchmarks/travel.py [--scale 1.0] [--searches 200] [--seed 26]

Everything is made up (named « fictif ») at the size of Île-de-France Mobilités' feed: at ``--scale``
1, about 40,000 stops and 10 million stop times — lines of 25 stops 400 m apart, denser towards
Paris, most every 12 minutes on weekdays and 20 at weekends, a few every 4 — and a street grid of
100 m over 12 km × 12 km around Montreuil, written as an OSM ``.osm.pbf``. Measured: writing nothing
(the generator is not timed); ``carto transit import``'s steps (the feed kept with its lines, the
streets read), loading the timetable in the engine and the memory it holds (this process's USS
before and after); then, from random doors in the street grid, the trips to the k = 5 and k = 40
nearest of 2,000 made-up places, each trip searched within the walk's minutes as the search does —
min–median–max over rounds of each round's median and p95, in ms, and how many of the places a ride
reached before the walk would. The goal: a results page's trips (k = 5) add under 20 ms.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from devtools.measure import interleaved, memory_of, spread, stated_load

PARIS_CENTRE = (2.3488, 48.8534)
MONTREUIL = (2.4410, 48.8610)
LINE_STOPS, STOP_SPACING_M, LINES_AT_SCALE_1 = 25, 400.0, 1700
M_PER_DEG_LAT = 111_320.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1: IDFM's size (40,000 stops, 10 M stop times)"
    )
    parser.add_argument("--searches", type=int, default=200, help="searches per round")
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args()
    import os

    from geo.projection import to_lambert93
    from geo.search.hours import PARIS
    from geo.search.network import NetworkWalk, import_osm
    from geo.transit.door_to_door import DoorToDoor, Stops
    from geo.transit.engine import NigiriRouter
    from geo.transit.feed import import_feed

    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="carto-transit-bench-") as scratch,
        stated_load(f"public transport door to door, made-up feed at scale {args.scale:g}"),
    ):
        folder = Path(scratch)
        feed_zip, counts = write_feed(folder / "gtfs-fictif.zip", args.scale, rng)
        streets, nodes = write_streets(folder / "rues-fictives.osm.pbf")
        print(
            f"feed: {counts['stops']:,} stops, {counts['routes']:,} lines, {counts['trips']:,} trips, "
            f"{counts['stop_times']:,} stop times; {feed_zip.stat().st_size / 1e6:.0f} MB zipped"
        )
        print(f"streets: {nodes:,} nodes, 100 m grid, {streets.stat().st_size / 1e6:.1f} MB")

        before = memory_of(os.getpid())["uss"]
        began = time.perf_counter()
        feed = import_feed(feed_zip, folder / "instance" / "transit")
        kept = time.perf_counter() - began
        began = time.perf_counter()
        network = import_osm(streets)
        read = time.perf_counter() - began
        began = time.perf_counter()
        today = dt.date.today()
        router = NigiriRouter(feed, today)
        loaded = time.perf_counter() - began
        walking = NetworkWalk(network)
        door_to_door = DoorToDoor(walking, router, Stops.of_feed(feed))
        after = memory_of(os.getpid())["uss"]
        lines = sum(p.stat().st_size for p in feed.folder.iterdir()) / 1e6
        print(
            f"carto transit import: feed kept with its lines in {kept:.1f} s ({lines:.0f} MB on disk), "
            f"streets read in {read:.1f} s"
        )
        print(
            f"engine: timetable of {router.first} – {router.last} loaded in {loaded:.1f} s; "
            f"this process's memory (USS) {before:.0f} → {after:.0f} MB (+{after - before:.0f} MB "
            "for the timetable, the streets and the stops)"
        )

        leave = _next_weekday(today, dt.time(8, 30), PARIS)
        places = [_around(rng, MONTREUIL, 5500) for _ in range(2000)]
        place_xy = [to_lambert93(*p) for p in places]
        doors = [to_lambert93(*_around(rng, MONTREUIL, 4000)) for _ in range(args.searches)]
        from scipy.spatial import cKDTree

        tree = cKDTree(place_xy)
        for k in (5, 40):
            chosen = [[place_xy[i] for i in tree.query(door, k=k)[1]] for door in doors]

            def trips(q: int, chosen=chosen) -> int:
                walks = walking.walk(doors[q], chosen[q])
                found = door_to_door.ride(doors[q], chosen[q], leave, [w.minutes for w in walks])
                return sum(
                    1 for trip, walk in zip(found, walks, strict=True) if trip and trip.minutes < walk.minutes
                )

            def walks_only(q: int, chosen=chosen) -> int:
                return len(walking.walk(doors[q], chosen[q]))

            measured = interleaved({"walks": walks_only, "walks + trips": trips}, len(doors), 3)
            reached = statistics.mean(measured["walks + trips"].answers)
            print(
                f"\nk = {k}, departure {leave:%A %H:%M}, {len(doors)} doors × 3 rounds (ms, min–median–max)"
            )
            for name, rounds in measured.items():
                print(
                    f"  {name:14} p50 {rounds.spread(50, 1e3, 1):>16}   p95 {rounds.spread(95, 1e3, 1):>16}"
                )
            extra = [
                a - b for a, b in zip(measured["walks + trips"].p(50), measured["walks"].p(50), strict=True)
            ]
            print(
                f"  the trips add {spread([e * 1e3 for e in extra])} ms (p50); "
                f"a ride beats the walk to {reached:.1f} of the {k} places on average"
            )


def write_feed(path: Path, scale: float, rng: random.Random) -> tuple[Path, dict[str, int]]:
    """A made-up GTFS feed, denser towards Paris; stops within 60 m of another are merged."""
    lines = max(10, round(LINES_AT_SCALE_1 * scale))
    stops: list[tuple[float, float]] = []
    grid: dict[tuple[int, int], list[int]] = {}

    def stop_at(lon: float, lat: float) -> int:
        cell = (round(lon * 1000), round(lat * 1000))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for index in grid.get((cell[0] + dx, cell[1] + dy), ()):
                    if _metres((lon, lat), stops[index]) < 60:
                        return index
        stops.append((lon, lat))
        grid.setdefault(cell, []).append(len(stops) - 1)
        return len(stops) - 1

    paths = []
    for _ in range(lines):
        centre = _around(rng, PARIS_CENTRE, 60_000, spread_m=18_000)
        heading = rng.uniform(0, math.pi)
        first = -(LINE_STOPS - 1) / 2
        paths.append(
            [stop_at(*_offset(centre, (first + n) * STOP_SPACING_M, heading)) for n in range(LINE_STOPS)]
        )
    buffers = {name: io.StringIO() for name in ("trips.txt", "stop_times.txt")}
    trips_out, times_out = (
        csv.writer(buffers[n], lineterminator="\n") for n in ("trips.txt", "stop_times.txt")
    )
    trips_out.writerow(["route_id", "service_id", "trip_id", "direction_id"])
    times_out.writerow(["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"])
    counts = {"stops": len(stops), "routes": lines, "trips": 0, "stop_times": 0}
    for number, line in enumerate(paths):
        frequent = number % 100 == 0  # about one line in a hundred every 4 minutes, as a métro
        for service, headway, first, last in (
            ("SEMAINE", 4 if frequent else 12, 5 * 60 + 30, 24 * 60 + 30),
            ("WEEKEND", 6 if frequent else 20, 6 * 60 + 30, 24 * 60),
        ):
            for start in range(first + number % headway, last, headway):
                for direction, calls in ((0, line), (1, line[::-1])):
                    trip = f"L{number}-{service}-{direction}-{start}"
                    trips_out.writerow([f"L{number}", service, trip, direction])
                    for sequence, stop in enumerate(calls):
                        clock = _clock(start + sequence * 2)
                        times_out.writerow([trip, clock, clock, f"S{stop}", sequence])
                    counts["trips"] += 1
                    counts["stop_times"] += len(calls)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\nFICTIF,Réseau fictif (benchmark),"
            "https://example.invalid,Europe/Paris\n",
        )
        archive.writestr(
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
            "SEMAINE,1,1,1,1,1,0,0,20260101,20271231\nWEEKEND,0,0,0,0,0,1,1,20260101,20271231\n",
        )
        archive.writestr(
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\n"
            + "".join(f"S{i},Arrêt fictif {i},{lat:.6f},{lon:.6f}\n" for i, (lon, lat) in enumerate(stops)),
        )
        archive.writestr(
            "routes.txt",
            "route_id,agency_id,route_short_name,route_long_name,route_type\n"
            + "".join(
                f"L{n},FICTIF,{n},Ligne fictive {n},{1 if n % 100 == 0 else 3}\n" for n in range(lines)
            ),
        )
        for name, text in buffers.items():
            archive.writestr(name, text.getvalue())
    return path, counts


def write_streets(path: Path, size: int = 121, step_m: float = 100.0) -> tuple[Path, int]:
    """A made-up street grid centred on Montreuil, as an OSM extract."""
    import osmium

    writer = osmium.SimpleWriter(str(path))
    half = (size - 1) / 2
    try:
        for i in range(size):
            for j in range(size):
                lon, lat = _offset(
                    _offset(MONTREUIL, (i - half) * step_m, 0.0), (j - half) * step_m, math.pi / 2
                )
                writer.add_node(osmium.osm.mutable.Node(id=1 + i * size + j, location=(lon, lat), version=1))
        for n in range(size):
            for way, nodes in (
                (1 + n, [1 + n * size + j for j in range(size)]),
                (size + 1 + n, [1 + i * size + n for i in range(size)]),
            ):
                writer.add_way(
                    osmium.osm.mutable.Way(id=way, nodes=nodes, tags={"highway": "residential"}, version=1)
                )
    finally:
        writer.close()
    return path, size * size


def _around(rng: random.Random, centre: tuple[float, float], radius_m: float, spread_m: float | None = None):
    """A point near ``centre``: uniform in a disc, or normal with ``spread_m`` (capped at the radius)."""
    while True:
        if spread_m is None:
            distance = radius_m * math.sqrt(rng.random())
        else:
            distance = abs(rng.gauss(0, spread_m))
        if distance <= radius_m:
            return _offset(centre, distance, rng.uniform(0, 2 * math.pi))


def _offset(point: tuple[float, float], metres: float, heading: float) -> tuple[float, float]:
    lon, lat = point
    return (
        lon + metres * math.cos(heading) / (M_PER_DEG_LAT * math.cos(math.radians(lat))),
        lat + metres * math.sin(heading) / M_PER_DEG_LAT,
    )


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * M_PER_DEG_LAT * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * M_PER_DEG_LAT)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _next_weekday(today: dt.date, at: dt.time, zone) -> dt.datetime:
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, at, zone)


if __name__ == "__main__":
    main()
