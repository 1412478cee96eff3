"""Public transport door to door, checked on a made-up world against a plain reference.

The world (tests/transit_world.py) is made up: a street grid over Montreuil, a bus and a tram line.
The engine's earliest arrivals and rides must equal a time-expanded Dijkstra's (tests/
transit_reference.py) for hundreds of random trips, walks to and from the stops included; the
comparison must catch a shifted departure and a missing change time.
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile

import networkx as nx
import pytest

from geo.projection import to_lambert93
from geo.search.hours import PARIS
from geo.search.network import NetworkWalk, import_osm
from geo.transit.door_to_door import ACCESS_MAX_MIN, DoorToDoor
from geo.transit.feed import Feed, FeedError, import_feed
from geo.transit.journey import arrival_words
from tests import transit_reference as reference
from tests.transit_world import (
    BUS_STOPS,
    SIZE,
    STEP_M,
    TRAM_STOPS,
    World,
    door_to_door_of,
    walks_on_grid,
    write_world,
)

THURSDAY, SATURDAY = dt.date(2026, 12, 3), dt.date(2026, 12, 5)
Node = tuple[int, int]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return write_world(tmp_path_factory.mktemp("monde-fictif"))


@pytest.fixture(scope="module")
def door_to_door(world, tmp_path_factory) -> DoorToDoor:
    return door_to_door_of(world, tmp_path_factory.mktemp("instance"), THURSDAY)


def ride(door_to_door: DoorToDoor, origin: Node, destination: Node, leave: dt.datetime):
    [journey] = door_to_door.ride(_xy(origin), [_xy(destination)], leave, [reference.MAX_TRAVEL_MIN])
    return journey


def test_a_trip_is_said_with_its_line_stops_and_times(door_to_door):
    journey = ride(door_to_door, (0, 6), (14, 7), dt.datetime(2026, 12, 3, 8, 1, tzinfo=PARIS))

    assert journey.label == "23 min en bus (ligne F1)"
    assert journey.changes == 0
    assert journey.words == (
        "3 min à pied jusqu’à l’arrêt Arrêt fictif 0-7 ; Bus F1 à 08:10 à l’arrêt Arrêt fictif 0-7, "
        "7 arrêts, descendre à Arrêt fictif 14-7 (08:24). Arrivée à 08:24."
    )


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        ("Mo-Fr 08:00-12:00", "arrivée à 08:24, avant la fermeture (12:00)"),
        ("Mo-Fr 09:00-12:00", "arrivée à 08:24, avant l’ouverture (09:00)"),
        ("Mo-Fr 14:00-17:00", "arrivée à 08:24, avant l’ouverture (14:00)"),
        ("Sa 09:00-12:00", "arrivée à 08:24 : fermé à cette heure-là"),
        ("", "arrivée à 08:24"),
    ],
)
def test_the_arrival_is_said_against_the_opening_hours(door_to_door, hours, said):
    journey = ride(door_to_door, (0, 6), (14, 7), dt.datetime(2026, 12, 3, 8, 1, tzinfo=PARIS))
    assert arrival_words(journey, hours) == said


def test_a_change_is_counted_and_named(door_to_door):
    journey = ride(door_to_door, (0, 6), (8, 13), dt.datetime(2026, 12, 3, 8, 1, tzinfo=PARIS))

    assert [(r.mode, r.line) for r in journey.rides] == [("bus", "F1"), ("tram", "FT")]
    assert journey.label == f"{journey.minutes} min en bus F1 puis tram FT, 1 changement"


def test_fewer_buses_after_eight_and_no_tram_at_the_weekend(door_to_door):
    before = ride(door_to_door, (0, 6), (14, 7), dt.datetime(2026, 12, 3, 19, 41, tzinfo=PARIS))
    after = ride(door_to_door, (0, 6), (14, 7), dt.datetime(2026, 12, 3, 20, 1, tzinfo=PARIS))
    saturday = ride(door_to_door, (0, 6), (8, 13), dt.datetime(2026, 12, 5, 8, 1, tzinfo=PARIS))

    assert before.rides[0].departure.strftime("%H:%M") == "19:50"
    assert after.rides[0].departure.strftime("%H:%M") == "20:30"
    assert saturday is None or all(r.line == "F1" for r in saturday.rides)


def test_engine_matches_the_reference_on_random_trips(world, door_to_door):
    questions = _questions(random.Random(26), 300)
    days = {day: reference.service_day(world.feed, day) for day in (THURSDAY, SATURDAY)}

    wrong = _disagreements(door_to_door, questions, lambda q: _reference(days[q[2].date()], q))

    assert wrong == []
    found = sum(ride(door_to_door, *q) is not None for q in questions)
    assert found > len(questions) // 3  # the check is about trips, not about finding none


@pytest.mark.parametrize("mutation", ["a departure shifted by a minute", "no time to change"])
def test_the_comparison_catches_a_wrong_answer(world, door_to_door, mutation):
    questions = _questions(random.Random(26), 300)
    if mutation == "no time to change":
        day = reference.service_day(world.feed, THURSDAY)
        mutated = lambda q: _reference(day, q, change_min=0)  # noqa: E731
    else:  # the bus the first trip above takes, a minute late
        day = reference.service_day(world.feed, THURSDAY, shift=("F1-SEMAINE-0-0490", 1))
        mutated = lambda q: _reference(day, q)  # noqa: E731
        questions.append(((0, 6), (14, 7), dt.datetime(2026, 12, 3, 8, 1, tzinfo=PARIS)))
    thursday = [q for q in questions if q[2].date() == THURSDAY]

    assert _disagreements(door_to_door, thursday, mutated)


def test_walking_follows_the_grid_as_networkx_and_manhattan_say(world):
    walk = NetworkWalk(import_osm(world.streets))
    grid = nx.grid_2d_graph(SIZE, SIZE)
    rng = random.Random(4)
    for _ in range(50):
        a, b = [(rng.randrange(SIZE), rng.randrange(SIZE)) for _ in range(2)]
        [time] = walk.walk(_xy(a), [_xy(b)])
        blocks = nx.shortest_path_length(grid, a, b)
        assert blocks == abs(a[0] - b[0]) + abs(a[1] - b[1])
        assert time.metres == pytest.approx(blocks * STEP_M, rel=0.005, abs=1)


def test_the_feed_says_its_dates_and_an_incomplete_one_is_refused(world, tmp_path):
    folder = tmp_path / "transit"
    feed = import_feed(world.feed, folder)
    assert (feed.start, feed.end) == (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert (feed.stops, feed.routes) == (len(set(BUS_STOPS) | set(TRAM_STOPS)), 2)
    assert feed.out_of_date(dt.date(2028, 1, 1)) and not feed.out_of_date(THURSDAY)

    broken = tmp_path / "sans-horaires.zip"
    with zipfile.ZipFile(world.feed) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if name != "stop_times.txt":
                target.writestr(name, source.read(name))
    with pytest.raises(FeedError, match="stop_times.txt"):
        import_feed(broken, folder)
    assert Feed.read(folder) == feed  # the feed kept is untouched


# -- the reference's side -------------------------------------------------------------------------
def _questions(rng: random.Random, count: int) -> list[tuple[Node, Node, dt.datetime]]:
    questions = []
    for _ in range(count):
        origin, destination = [(rng.randrange(SIZE), rng.randrange(SIZE)) for _ in range(2)]
        day = rng.choice([THURSDAY, SATURDAY])
        minute = rng.randrange(5 * 60 + 30, 23 * 60 + 30)
        leave = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), PARIS)
        questions.append((origin, destination, leave))
    return questions


def _reference(day, question, change_min: int = reference.CHANGE_MIN) -> tuple[int, int] | None:
    origin, destination, leave = question
    minute = leave.hour * 60 + leave.minute
    return reference.earliest(
        day,
        walks_on_grid(origin, ACCESS_MAX_MIN),
        walks_on_grid(destination, ACCESS_MAX_MIN),
        minute,
        change_min=change_min,
    )


def _disagreements(door_to_door, questions, expected) -> list[tuple]:
    wrong = []
    for question in questions:
        journey = ride(door_to_door, *question)
        got = None
        if journey is not None:
            arrival = journey.arrival
            got = (arrival.hour * 60 + arrival.minute, len(journey.rides))
        want = expected(question)
        if got != want:
            wrong.append((question, got, want))
    return wrong


def _xy(node: Node) -> tuple[float, float]:
    return to_lambert93(*World.lonlat(*node))
