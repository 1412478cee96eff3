"""Trips by public transport in the search: imported by a manager, shown on the cards, in the API.

On the made-up world of tests/transit_world.py (streets, a bus and a tram: all fictif), with made-up
actors on its streets. Times are asked for a departure on a weekday of the coming week, since the
engine holds two weeks of timetable from today.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geo.search.hours import PARIS
from tests.support import fictional_collection, fictional_feature, write_json
from tests.transit_world import World, write_world

EAST = World.lonlat(14, 7)  # at the bus's last stop
WEST = World.lonlat(0, 6)  # 200 m from its first


@pytest.fixture
def imported(make_app, tmp_path):
    """An app with made-up actors, and what ``carto transit import`` said of the made-up world."""
    actors = fictional_collection(
        fictional_feature(
            id="acteur-fictif-au-bout-de-la-ligne",
            nom="Acteur fictif au bout de la ligne",
            geometry={"type": "Point", "coordinates": list(EAST)},
            horaires_accueil="Mo-Fr 08:00-12:00",
        )
    )
    app = make_app(ACTORS_FILE=str(write_json(tmp_path / "acteurs-fictifs-transit.geojson", actors)))
    world = write_world(tmp_path / "monde")
    result = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed), str(world.streets)])
    assert result.exit_code == 0, result.output
    return app, result.output


@pytest.fixture
def transit_app(imported):
    return imported[0]


def next_weekday_at(hour: int, minute: int) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


def test_the_import_says_what_it_kept(imported):
    _, said = imported
    assert "Réseau piéton : 225 nœuds" in said
    assert (
        "Horaires : Réseau fictif (tests), valables du 01/01/2026 au 31/12/2027, 14 arrêts, 2 lignes" in said
    )


def test_a_card_says_the_trip_and_the_arrival_before_closing(transit_app):
    leave = next_weekday_at(8, 1)
    page = transit_app.test_client().get(
        "/", query_string={"lat": WEST[1], "lon": WEST[0], "depart": leave.strftime("%Y-%m-%dT%H:%M")}
    )
    text = _text(page.get_data(as_text=True))

    assert "min à pied" in text and "environ" not in text  # along the imported streets
    assert "En transports : 23 min en bus (ligne F1), arrivée à 08:24, avant la fermeture (12:00)" in text


def test_the_api_gives_the_trip_ride_by_ride(transit_app):
    leave = next_weekday_at(8, 1)
    answer = transit_app.test_client().get(
        "/api/v1/nearest", query_string={"lat": WEST[1], "lon": WEST[0], "depart": leave.isoformat()[:16]}
    )
    body = answer.get_json()
    [result] = body["results"]

    assert body["transports"]["a_jour"] is True and body["transports"]["valable_au"] == "2027-12-31"
    trip = result["transport"]
    assert trip["minutes"] == 23 and trip["changements"] == 0
    assert trip["depart"] == leave.isoformat() and trip["arrivee"] == leave.replace(minute=24).isoformat()
    assert trip["trajets"] == [
        {
            "ligne": "F1",
            "mode": "bus",
            "montee": "Arrêt fictif 0-7",
            "descente": "Arrêt fictif 14-7",
            "arrets": 7,
            "depart": leave.replace(minute=10).isoformat(),
            "arrivee": leave.replace(minute=24).isoformat(),
        }
    ]
    assert result["trajet"]["methode"] == "reseau" and result["trajet"]["minutes"] > trip["minutes"]


def test_no_trip_where_walking_is_quicker_or_no_bus_runs(transit_app):
    client = transit_app.test_client()
    near = World.lonlat(13, 7)
    late = next_weekday_at(23, 50)
    walking = client.get("/api/v1/nearest", query_string={"lat": near[1], "lon": near[0]}).get_json()
    night = client.get(
        "/api/v1/nearest", query_string={"lat": WEST[1], "lon": WEST[0], "depart": late.isoformat()[:16]}
    ).get_json()

    assert walking["results"][0]["transport"] is None
    assert night["results"][0]["transport"] is None


def test_a_feed_past_its_dates_is_said_and_walking_alone_is_given(make_app, tmp_path):
    app = make_app()
    world = write_world(tmp_path / "monde", valid_until=dt.date.today() - dt.timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed)])
    assert result.exit_code == 0 and "ne sont pas valables aujourd’hui" in result.output

    page = app.test_client().get("/", query_string={"lat": 48.864, "lon": 2.44})
    api = app.test_client().get("/api/v1/nearest", query_string={"lat": 48.864, "lon": 2.44}).get_json()

    assert "Horaires des transports en commun périmés (valables du 01/01/2026 au" in _text(
        page.get_data(as_text=True)
    )
    assert api["transports"]["a_jour"] is False and all(r["transport"] is None for r in api["results"])


@pytest.mark.parametrize(
    ("value", "problem"),
    [("25:00", "une heure (08:30)"), ("2020-01-01T08:00", "dans les 14 jours"), ("demain", "une heure")],
)
def test_a_departure_that_cannot_be_read_is_refused_in_words(client, value, problem):
    answer = client.get("/api/v1/nearest", query_string={"lat": 48.864, "lon": 2.44, "depart": value})
    assert answer.status_code == 400 and problem in answer.get_json()["parametres"]["depart"]


def test_an_archive_that_is_not_a_feed_is_refused(runner, tmp_path):
    bogus = tmp_path / "pas-un-gtfs.zip"
    bogus.write_bytes(b"not a zip")
    result = runner.invoke(args=["transit", "import", str(bogus)])
    assert result.exit_code != 0 and "archive GTFS illisible" in result.output


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "’")
