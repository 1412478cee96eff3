"""The engines considered for trips by public transport, asked the same questions on the made-up world.

    .venv/bin/pip install ferrobus==0.2.1   # not a dependency: only this comparison uses it
    .venv/bin/python benchmarks/transit_engines.py [--questions 300] [--seed 26]

On tests/transit_world.py's made-up streets, bus and tram (fictif), from random doors to random
doors on weekdays and at weekends, as tests/test_transit.py asks nigiri (the engine kept):
- nigiri (pynigiri 0.1.5), with walks to the stops from our street network, against the reference
  (tests/transit_reference.py: a time-expanded Dijkstra, 2 minutes to change);
- ferrobus 0.2.1, which walks its own way on the same OSM extract and changes at a stop in no time:
  its fastest trip (``find_routes_one_to_many``) against the trip it details (``detailed_journey``,
  the one a fiche would say): the second should arrive when the first says.
Prints how many answers disagree, and each engine's time per question.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from devtools.measure import stated_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' made-up world
    from geo.search.network import NetworkWalk, import_osm
    from geo.transit.door_to_door import DoorToDoor, Stops
    from geo.transit.engine import NigiriRouter
    from geo.transit.feed import import_feed
    from tests import test_transit as checks
    from tests import transit_reference as reference
    from tests.transit_world import World, write_world

    with (
        tempfile.TemporaryDirectory(prefix="carto-engines-") as scratch,
        stated_load("transit engines on the made-up world"),
    ):
        world = write_world(Path(scratch))
        feed = import_feed(world.feed, Path(scratch) / "transit")
        router = NigiriRouter(feed, checks.THURSDAY)
        door_to_door = DoorToDoor(NetworkWalk(import_osm(world.streets)), router, Stops.of_feed(feed))
        questions = checks._questions(random.Random(args.seed), args.questions)
        days = {day: reference.service_day(world.feed, day) for day in (checks.THURSDAY, checks.SATURDAY)}
        began = time.perf_counter()
        wrong = checks._disagreements(
            door_to_door, questions, lambda q: checks._reference(days[q[2].date()], q)
        )
        took = (time.perf_counter() - began) / len(questions) * 1e3
        print(
            f"nigiri: {len(wrong)} of {len(questions)} answers differ from the reference; "
            f"{took:.2f} ms a question"
        )
        _ferrobus(world, World, questions, Path(scratch))


def _ferrobus(world, World, questions, scratch: Path) -> None:
    try:
        import ferrobus
    except ImportError:
        print("ferrobus: not installed (pip install ferrobus==0.2.1)")
        return
    import zipfile

    folder = scratch / "gtfs"
    zipfile.ZipFile(world.feed).extractall(folder)
    models = {}
    inconsistent, compared, times = 0, 0, []
    for origin, destination, leave in questions:
        day = leave.date()
        if day not in models:
            models[day] = ferrobus.create_transit_model(str(world.streets), [str(folder)], day, 1200)
        model = models[day]
        (a_lon, a_lat), (b_lon, b_lat) = World.lonlat(*origin), World.lonlat(*destination)
        start = ferrobus.create_transit_point(a_lat, a_lon, model, 1200, 10)
        end = ferrobus.create_transit_point(b_lat, b_lon, model, 1200, 10)
        seconds = leave.hour * 3600 + leave.minute * 60
        began = time.perf_counter()
        [fastest] = ferrobus.find_routes_one_to_many(model, start, [end], seconds, 3)
        detailed = ferrobus.detailed_journey(model, start, end, seconds, 3)
        times.append(time.perf_counter() - began)
        if fastest is None or not fastest.get("used_transit") or detailed in (None, "null"):
            continue
        legs = json.loads(detailed)["features"]
        arrivals = [leg["properties"]["arrival_time"] for leg in legs if "arrival_time" in leg["properties"]]
        if not arrivals:  # its points (the doors) carry no time
            continue
        compared += 1
        inconsistent += max(arrivals) != seconds + fastest["travel_time_seconds"]
    print(
        f"ferrobus: of {compared} trips by transit, {inconsistent} detailed trips do not arrive when its "
        f"own fastest time says; {statistics.median(times) * 1e3:.2f} ms a question (both calls)"
    )


if __name__ == "__main__":
    main()
