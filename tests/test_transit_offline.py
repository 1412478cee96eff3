"""The offline page's trips by public transport: minutes from each IRIS's centre, computed ahead, within
their stated bound of the engine's own trip from any door of that IRIS.

On the made-up world (tests/transit_world.py), with made-up « quartiers » (fictifs): squares of 5 × 5
nodes of the grid, each centred on its middle node, and made-up places to go to.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.projection import to_lambert93
from geo.transit.engine import MAX_TRAVEL_MIN
from geo.transit.offline import BOUND_MARGIN_MIN, DEPARTURES, departure_moments, for_pack, offline_minutes
from tests.support import write_json
from tests.transit_world import (
    END_OF_LINE,
    STEP_M,
    WALK_M_PER_MIN,
    World,
    door_to_door_of,
    end_of_line_actors,
    served_with_world,
    write_world,
)

THURSDAY = dt.date(2026, 12, 3)
QUARTERS = {f"QUARTIER-FICTIF-{i}-{j}": (i, j) for i in (2, 7, 12) for j in (2, 7, 12)}
PLACES = {"lieu-fictif-est": (14, 7), "lieu-fictif-nord": (8, 13), "lieu-fictif-sud-ouest": (0, 0)}


@pytest.fixture(scope="module")
def door_to_door(tmp_path_factory):
    world = write_world(tmp_path_factory.mktemp("monde-fictif"))
    return door_to_door_of(world, tmp_path_factory.mktemp("instance"), THURSDAY)


@pytest.fixture(scope="module")
def computed(door_to_door):
    centres = {code: World.lonlat(*node) for code, node in QUARTERS.items()}
    places = {place: World.lonlat(*node) for place, node in PLACES.items()}
    return offline_minutes(door_to_door, centres, places, THURSDAY)


def test_the_departures_are_those_of_the_coming_week():
    tuesday_morning, tuesday_afternoon, saturday = departure_moments(THURSDAY)
    assert f"{tuesday_morning:%A %d %H:%M}" == "Tuesday 08 08:30"
    assert f"{tuesday_afternoon:%A %d %H:%M}" == "Tuesday 08 14:00"
    assert f"{saturday:%A %d %H:%M}" == "Saturday 05 10:00"


def test_from_every_door_of_a_quarter_the_engine_is_within_the_stated_bound(door_to_door, computed):
    """The minutes said offline for a quarter, against the engine's door-to-door trip from each of its
    25 doors at the same departure: never further apart than the walk between the door and the
    quarter's centre plus ``BOUND_MARGIN_MIN``."""
    moments = departure_moments(THURSDAY)
    checked, outside = 0, []
    for code, rows in computed["minutes"].items():
        ci, cj = QUARTERS[code]
        for place, row in rows.items():
            destination = _xy(PLACES[place])
            for moment, minutes in zip(moments, row, strict=True):
                if minutes is None:
                    continue
                for door in [(ci + di, cj + dj) for di in range(-2, 3) for dj in range(-2, 3)]:
                    [trip] = door_to_door.ride(_xy(door), [destination], moment, [MAX_TRAVEL_MIN])
                    if trip is None:
                        continue  # on foot all the way from this door
                    walk_min = (abs(door[0] - ci) + abs(door[1] - cj)) * STEP_M / WALK_M_PER_MIN
                    checked += 1
                    if abs(trip.minutes - minutes) > walk_min + BOUND_MARGIN_MIN:
                        outside.append((code, place, f"{moment:%a %H:%M}", door, minutes, trip.minutes))
    assert outside == [], (checked, outside)
    assert checked > 200  # the check is about trips, not about finding none


def test_a_centre_served_by_a_ride_has_minutes_that_beat_the_walk(door_to_door, computed):
    """The far corner's quarter rides the bus east in the morning; a quarter at the place itself has none."""
    west = computed["minutes"]["QUARTIER-FICTIF-2-7"]["lieu-fictif-est"]
    [walk] = door_to_door.walk(_xy((2, 7)), [_xy(PLACES["lieu-fictif-est"])])
    assert west[0] is not None and west[0] < walk.minutes
    assert "lieu-fictif-est" not in computed["minutes"].get("QUARTIER-FICTIF-12-7", {})
    assert [d["label"] for d in computed["departs"]] == [d.label for d in DEPARTURES]


def test_an_actor_moved_since_is_left_out_of_the_pack(computed):
    places = {place: World.lonlat(*node) for place, node in PLACES.items()}
    kept = for_pack(computed, places)
    moved = for_pack(computed, {**places, "lieu-fictif-est": World.lonlat(13, 7)})

    assert any("lieu-fictif-est" in rows for rows in kept["minutes"].values())
    assert not any("lieu-fictif-est" in rows for rows in moved["minutes"].values())
    assert kept["marge_minutes"] == BOUND_MARGIN_MIN and "environ" in kept["libelle"]


def test_the_import_computes_them_and_the_pack_carries_them(make_app, tmp_path):
    """An actor at the bus's last stop; the made-up grid lies over IRIS of Montreuil and Bagnolet."""
    actors = end_of_line_actors()
    app = make_app(ACTORS_FILE=str(write_json(tmp_path / "acteurs-fictifs.geojson", actors)))
    world = write_world(tmp_path / "monde")
    result = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed), str(world.streets)])
    assert result.exit_code == 0, result.output
    assert "Trajets hors ligne : " in result.output

    pack = app.test_client().get("/api/v1/pack").get_json()
    trips = pack["transports"]
    assert [d["label"] for d in trips["departs"]] == [d.label for d in DEPARTURES]
    served = [code for code, rows in trips["minutes"].items() if END_OF_LINE in rows]
    outlines = {sector["code"] for sector in pack["contours"]["iris"]}
    assert served and set(served) <= outlines  # the IRIS the offline page finds a point in


def _xy(node: tuple[int, int]) -> tuple[float, float]:
    x, y = to_lambert93(*World.lonlat(*node))
    return float(x), float(y)


@pytest.fixture
def transit_live(tmp_path):
    with served_with_world(tmp_path, end_of_line_actors()) as served:
        yield served


def test_offline_the_card_says_the_quarter_s_trip_as_approximate(browser, transit_live):
    import httpx

    from geo.communes import iris_at
    from geo.search.hours import PARIS
    from tests.test_offline_browser import first_visit

    _, base = transit_live
    lon, lat = World.lonlat(0, 6)
    row = httpx.get(base + "/api/v1/pack").json()["transports"]["minutes"][iris_at(lon, lat).code]
    morning = row[END_OF_LINE][0]
    assert morning is not None
    tuesday = departure_moments(dt.date.today())[0].replace(minute=25)
    context, page = first_visit(browser, base)
    try:
        page.clock.set_fixed_time(tuesday.astimezone(PARIS).isoformat())
        context.set_offline(True)
        page.goto(base + f"/?lat={lat:.5f}&lon={lon:.5f}&besoin=emploi")
        page.wait_for_selector("#liste-resultats li")
        said = page.locator("#liste-resultats li .transports").inner_text()
        assert said == (
            f"En transports : environ {morning} min depuis le centre du quartier (en semaine vers 8 h 30)"
        )
    finally:
        context.close()
