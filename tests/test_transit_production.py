"""Trips by public transport under the production server: the street network and the timetable are
built once in gunicorn's master (preloaded), and every worker answers with them, none carrying the
master's handle on the feed's lines across the fork."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.production import gunicorn, made_up_instance, wait_for_log
from tests.support import write_json
from tests.test_transit_search import WEST, next_weekday_at
from tests.transit_world import end_of_line_actors, write_world


def test_every_worker_gives_the_trip_from_the_timetable_the_master_loaded(tmp_path):
    from devtools.measure import children_of
    from webmap import create_app

    instance = made_up_instance(tmp_path)
    actors = end_of_line_actors()
    actors_file = write_json(tmp_path / "acteurs-fictifs-transit.geojson", actors)
    app = create_app(
        {"INSTANCE_PATH": str(instance), "ACTORS_FILE": str(actors_file), "GEOCODERS": ("local",)}
    )
    world = write_world(tmp_path / "monde")
    imported = app.test_cli_runner().invoke(args=["transit", "import", str(world.feed), str(world.streets)])
    assert imported.exit_code == 0, imported.output
    lines = str(instance / "transit" / "lines.sqlite")
    leave = next_weekday_at(8, 1)

    with gunicorn(instance, workers=2, ACTORS_FILE=str(actors_file)) as served:
        said = wait_for_log(served.error_log, "travel times loaded before forking")
        assert "along the streets, by public transport (Réseau fictif (tests), until 2027-12-31)" in said
        with httpx.Client(timeout=30) as client:
            trips = set()
            for _ in range(8):
                answer = client.get(
                    f"{served.url}/api/v1/nearest",
                    params={
                        "lat": f"{WEST[1]:.6f}",
                        "lon": f"{WEST[0]:.6f}",
                        "depart": f"{leave:%Y-%m-%dT%H:%M}",
                    },
                )
                assert answer.status_code == 200
                [result] = answer.json()["results"]
                trips.add((result["transport"]["label"], result["trajet"]["methode"]))
        workers = children_of(served.pid)

        assert trips == {("23 min en bus (ligne F1)", "reseau")}
        assert lines not in _open_files(served.pid)
        assert any(lines in _open_files(worker) for worker in workers)


def _open_files(pid: int) -> set[str]:
    return {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()}
