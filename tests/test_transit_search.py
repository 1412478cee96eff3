"""Trips by public transport in the search: imported by a manager, shown on the cards, in the API.

On the made-up world of tests/transit_world.py (streets, a bus and a tram: all fictif), with made-up
actors on its streets. Times are asked for a departure on a weekday of the coming week, since the
engine holds two weeks of timetable from today.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re

import pytest

from geo.search.hours import PARIS
from tests import transit_reference as reference
from tests.support import write_json
from tests.transit_world import (
    END_OF_LINE,
    FAR_FROM_THE_BUS,
    SIZE,
    STEP_M,
    World,
    end_of_line_actors,
    walks_on_grid,
    write_world,
)

EAST_NODE = (14, 7)
EAST = World.lonlat(*EAST_NODE)  # at the bus's last stop
WEST = World.lonlat(0, 6)  # 200 m from its first


@pytest.fixture
def imported(make_app, tmp_path):
    """An app with made-up actors, what ``carto transit import`` said of the made-up world, and the
    world."""
    actors = end_of_line_actors()
    app = make_app(ACTORS_FILE=str(write_json(tmp_path / "acteurs-fictifs-transit.geojson", actors)))
    world = write_world(tmp_path / "monde")
    result = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed), str(world.streets)])
    assert result.exit_code == 0, result.output
    return app, result.output, world


@pytest.fixture
def transit_app(imported):
    return imported[0]


def next_weekday_at(hour: int, minute: int) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


def test_the_import_says_what_it_kept(imported):
    _, said, _ = imported
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


def test_pages_and_api_give_the_references_trips_and_the_fiche_words_them(imported):
    """From random doors of the made-up grid at random weekday times: the walk is the grid's shortest
    path (as networkx's, tests/test_transit.py), and the API's trip arrives when the reference's
    does, with as many rides, wherever a ride beats the walk; the card says those minutes; the fiche
    it leads to words the same rides and arrival."""
    from geo.transit.door_to_door import ACCESS_MAX_MIN

    app, _, world = imported
    client = app.test_client()
    rng = random.Random(26)
    day = next_weekday_at(0, 0).date()
    service = reference.service_day(world.feed, day)
    shown = 0
    for _ in range(40):
        door = (rng.randrange(SIZE), rng.randrange(SIZE))
        minute = rng.randrange(6 * 60, 22 * 60)
        leave = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), PARIS)
        lon, lat = World.lonlat(*door)
        asked = {"lat": round(lat, 6), "lon": round(lon, 6), "depart": leave.strftime("%Y-%m-%dT%H:%M")}
        answer = client.get("/api/v1/nearest", query_string=asked).get_json()
        assert "results" in answer, answer
        [result] = answer["results"]
        want = reference.earliest(
            service, walks_on_grid(door, ACCESS_MAX_MIN), walks_on_grid(EAST_NODE, ACCESS_MAX_MIN), minute
        )
        blocks = abs(door[0] - EAST_NODE[0]) + abs(door[1] - EAST_NODE[1])  # the walk along the grid
        assert result["trajet"]["methode"] == "reseau"
        assert result["trajet"]["metres"] == pytest.approx(blocks * STEP_M, rel=0.005, abs=1), door
        trip = result["transport"]
        if trip is None:  # no ride, or none before the walk would arrive
            assert want is None or want[0] - minute >= math.floor(result["trajet"]["minutes"]), door
            continue
        arrival = dt.datetime.fromisoformat(trip["arrivee"])
        assert (arrival.hour * 60 + arrival.minute, len(trip["trajets"])) == want, (door, leave)
        shown += 1
        if shown > 3:
            continue  # the page and the fiche for the first few
        page = client.get("/", query_string=asked).get_data(as_text=True)
        assert f"En transports : {trip['label']}" in _text(page)
        [value] = re.findall(r'name="trajet" value="([^"]+)"', page)
        fiche = _text(
            client.get("/fiche", query_string={"acteurs": result["id"], "trajet": value}).get_data(
                as_text=True
            )
        )
        first = trip["trajets"][0]
        boarding = f"{first['mode'].capitalize()} {first['ligne']} à {_clock(first['depart'])}"
        assert f"{boarding} à l’arrêt {first['montee']}" in fiche
        assert f"descendre à {first['descente']} ({_clock(first['arrivee'])})" in fiche
        assert f"Arrivée à {_clock(trip['arrivee'])}" in fiche
    assert shown >= 8  # the check is about trips, not about finding none


def test_the_fiche_words_the_trip_in_each_language_and_never_the_door(transit_app):
    client = transit_app.test_client()
    leave = next_weekday_at(8, 1)
    page = client.get(
        "/", query_string={"lat": WEST[1], "lon": WEST[0], "depart": leave.strftime("%Y-%m-%dT%H:%M")}
    )
    [value] = re.findall(r'name="trajet" value="([^"]+)"', page.get_data(as_text=True))
    asked = {"acteurs": END_OF_LINE, "trajet": value}

    french = _text(client.get("/fiche", query_string=asked).get_data(as_text=True))
    english = _text(client.get("/fiche", query_string={**asked, "langue": "en"}).get_data(as_text=True))
    arabic = _text(client.get("/fiche", query_string={**asked, "langue": "ar"}).get_data(as_text=True))

    assert "depuis l’arrêt Arrêt fictif 0-7" in french
    assert (
        "Bus F1 à 8 h 10 à l’arrêt Arrêt fictif 0-7, 7 arrêts, descendre à Arrêt fictif 14-7 (8 h 24)"
        in french
    )
    assert "Arrivée à 8 h 24, 14 min après le départ de l’arrêt." in french
    assert (
        "Bus F1 at 8:10 AM from the stop Arrêt fictif 0-7, 7 stops, get off at Arrêt fictif 14-7" in english
    )
    assert "الحافلة F1" in arabic and "عدد المحطات: 7" in arabic
    assert value == f"{END_OF_LINE}~FICTIF:00-07~{leave:%Y-%m-%d}T08:10"
    assert str(WEST[1])[:7] not in value and str(round(WEST[1], 4)) not in french


@pytest.mark.parametrize(
    "value",
    [
        "n-importe-quoi",
        f"{END_OF_LINE}~FICTIF:99-99~2026-12-03T08:10",
        f"{END_OF_LINE}~FICTIF:00-07~2026-13-45T08:10",
    ],
)
def test_a_trip_the_fiche_cannot_word_leaves_the_fiche_whole(transit_app, value):
    answer = transit_app.test_client().get("/fiche", query_string={"acteurs": END_OF_LINE, "trajet": value})
    text = _text(answer.get_data(as_text=True))
    assert (
        answer.status_code == 200
        and "Acteur fictif au bout de la ligne" in text
        and "En transports" not in text
    )


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
    inline = re.sub(r"</?bdi>", "", html)  # isolates a name in its line, as a reader sees it
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).replace("&#39;", "’")


def _clock(moment: str) -> str:
    """« 8 h 10 », as the fiche says an ISO time."""
    at = dt.datetime.fromisoformat(moment)
    return f"{at.hour} h" + (f" {at.minute:02d}" if at.minute else "")


def test_il_peut_prendre_le_bus_ranks_by_the_shorter_of_walk_and_ride(make_app, tmp_path):
    """Two made-up actors: one 29 min away on foot with no quicker ride, one 40 min on foot but 23 by
    the bus. On foot the first comes first (alone at k = 1); « il peut prendre le bus », the second."""
    actors = end_of_line_actors(far_from_the_bus=True)
    app = make_app(ACTORS_FILE=str(write_json(tmp_path / "acteurs-fictifs-bus.geojson", actors)))
    world = write_world(tmp_path / "monde")
    assert (
        app.test_cli_runner()
        .invoke(args=["transit", "import", str(world.feed), str(world.streets)])
        .exit_code
        == 0
    )
    client = app.test_client()
    asked = {
        "lat": f"{WEST[1]:.6f}",
        "lon": f"{WEST[0]:.6f}",
        "depart": f"{next_weekday_at(8, 1):%Y-%m-%dT%H:%M}",
    }

    def order(**more):
        body = client.get("/api/v1/nearest", query_string={**asked, **more}).get_json()
        return [(r["id"], r["transport"]["minutes"] if r["transport"] else None) for r in body["results"]]

    assert order() == [(FAR_FROM_THE_BUS, None), (END_OF_LINE, 23)]
    assert order(transports="1") == [
        (END_OF_LINE, 23),
        (FAR_FROM_THE_BUS, None),
    ]
    assert order(k="1") == [(FAR_FROM_THE_BUS, None)]
    assert order(k="1", transports="1") == [(END_OF_LINE, 23)]

    page = _text(client.get("/", query_string={**asked, "transports": "1"}).get_data(as_text=True))
    assert "Classés par le plus court du trajet à pied et en transports, parmi les 15 acteurs" in page
    assert page.index("Acteur fictif au bout de la ligne") < page.index("Acteur fictif loin du bus")


@pytest.mark.parametrize("width", [360, 768])
def test_the_volunteer_ticks_il_peut_prendre_le_bus_and_the_bus_trip_comes_first(browser, tmp_path, width):
    from tests.transit_world import served_with_world

    leave = next_weekday_at(8, 1)
    with served_with_world(tmp_path, end_of_line_actors(far_from_the_bus=True)) as (_, base):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        page = context.new_page()
        try:
            page.goto(f"{base}/?lat={WEST[1]:.6f}&lon={WEST[0]:.6f}&depart={leave:%Y-%m-%dT%H:%M}")
            cards = page.locator("#liste-resultats li h3 a")
            assert cards.all_inner_texts() == [
                "Acteur fictif loin du bus",
                "Acteur fictif au bout de la ligne",
            ]
            page.get_by_text("Modifier la recherche").click()  # the form folds once there are results
            page.get_by_label("Il peut prendre le bus").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Chercher").click()
            assert cards.all_inner_texts() == [
                "Acteur fictif au bout de la ligne",
                "Acteur fictif loin du bus",
            ]
            first = page.locator("#liste-resultats li").first
            assert "En transports : 23 min en bus (ligne F1)" in first.inner_text()
            assert "Classés par le plus court du trajet à pied et en transports" in page.inner_text(
                "#ordre-resultats"
            )
            page.screenshot(path=str(tmp_path / f"il-peut-prendre-le-bus-{width}.png"), full_page=True)
        finally:
            context.close()


def test_carto_nearest_takes_the_departure_and_il_peut_prendre_le_bus(make_app, tmp_path):
    app = make_app(
        ACTORS_FILE=str(write_json(tmp_path / "acteurs.geojson", end_of_line_actors(far_from_the_bus=True)))
    )
    world = write_world(tmp_path / "monde")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["transit", "import", str(world.feed), str(world.streets)]).exit_code == 0
    where = ["nearest", "--lat", f"{WEST[1]:.6f}", "--lon", f"{WEST[0]:.6f}", "--k", "1"]
    leave = f"{next_weekday_at(8, 1):%Y-%m-%dT%H:%M}"

    on_foot = runner.invoke(args=[*where, "--depart", leave])
    by_bus = runner.invoke(args=[*where, "--depart", leave, "--transports"])
    wrong = runner.invoke(args=[*where, "--depart", "demain"])

    assert "Acteur fictif loin du bus" in on_foot.output
    assert (
        "Acteur fictif au bout de la ligne" in by_bus.output
        and "ou 23 min en bus (ligne F1)" in by_bus.output
    )
    assert wrong.exit_code == 2 and "une heure (08:30)" in wrong.output


def test_what_a_feed_names_is_escaped_on_the_fiche_and_kept_whole():
    """A stop's or line's name comes from the imported feed: text, isolated (``<bdi>``), never markup."""
    from webmap.volunteer.fiche import _filled, _isolated

    said = _filled(
        "%(line)s, arrêt %(stop)s à %(time)s", line=_isolated("F1"), stop=_isolated("<b>x</b>"), time="<i>"
    )
    assert str(said) == "<bdi>F1</bdi>, arrêt <bdi>&lt;b&gt;x&lt;/b&gt;</bdi> à &lt;i&gt;"
