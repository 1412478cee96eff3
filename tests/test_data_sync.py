"""`carto data sync` downloads commune outlines from a (local) server into the instance folder."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from geo.communes import OUTLINES, TARGET_COMMUNES
from tests.support import ROOT

MADE_UP_QPV = ROOT / "tests" / "fixtures" / "qpv-fictifs.geojson"


@pytest.fixture
def boundaries_server(serve_folder, tmp_path):
    """The copied public outlines (data/sources/) served over HTTP as a département's communes, as
    geo.api.gouv.fr would; beside them, one bare Feature where a collection is expected."""
    folder = tmp_path / "boundaries-served"
    folder.mkdir()
    outlines = OUTLINES.read_text("utf-8")
    (folder / "communes-93-seine-saint-denis.geojson").write_text(outlines, "utf-8")
    one_feature = json.loads(outlines)["features"][0]
    (folder / "departement-93-seine-saint-denis.geojson").write_text(json.dumps(one_feature), "utf-8")
    shutil.copy(MADE_UP_QPV, folder / "qpv.geojson")  # made-up quarters, as the ANCT's file
    return serve_folder(folder)


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ban_server(serve_folder, tmp_path, synthetic_ban_csv):
    """The synthetic BAN file served as the official adresses-93.csv would be."""
    folder = tmp_path / "ban-served"
    folder.mkdir()
    (folder / "adresses-93.csv").write_bytes(synthetic_ban_csv.read_bytes())
    return serve_folder(folder) + "/adresses-{departement}.csv"


def test_sync_writes_the_five_communes_outlines_and_the_address_index(
    make_app, boundaries_server, ban_server, instance_path
):
    url = boundaries_server + "/communes-{departement}-seine-saint-denis.geojson"
    runner = make_app(CONTOURS_URL=url, BAN_URL=ban_server, QPV_URL=boundaries_server + "/qpv.geojson")
    result = runner.test_cli_runner().invoke(args=["data", "sync"])

    assert result.exit_code == 0, result.output
    assert "2 quartier(s) prioritaire(s) écrit(s)" in result.output
    written = json.loads((instance_path / "contours" / "communes.geojson").read_text("utf-8"))
    assert [f["properties"]["code"] for f in written["features"]] == sorted(TARGET_COMMUNES)
    names = {f["properties"]["nom"] for f in written["features"]}
    assert names == {"Montreuil", "Bagnolet", "Clichy-sous-Bois", "Épinay-sur-Seine", "Villetaneuse"}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in written["features"])
    assert "5 contours" in result.output
    assert (instance_path / "ban" / "index.sqlite").is_file()
    assert "adresses BAN indexées" in result.output


def test_sync_offline_says_so_and_keeps_previous_outlines(make_app, closed_port, instance_path):
    previous = instance_path / "contours" / "communes.geojson"
    previous.parent.mkdir(parents=True)
    previous.write_text("previous", encoding="utf-8")
    url = f"http://127.0.0.1:{closed_port}/communes-{{departement}}.geojson"
    ban_url = f"http://127.0.0.1:{closed_port}/adresses-{{departement}}.csv.gz"
    qpv_url = f"http://127.0.0.1:{closed_port}/qpv.zip"
    runner = make_app(CONTOURS_URL=url, BAN_URL=ban_url, QPV_URL=qpv_url, HTTP_TIMEOUT=2.0).test_cli_runner()

    result = runner.invoke(args=["data", "sync"])

    assert result.exit_code == 1
    assert "contours des communes non mis à jour" in result.output
    assert "quartiers prioritaires non mis à jour" in result.output
    assert "BAN 93 non téléchargée" in result.output
    assert "hors ligne" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert previous.read_text(encoding="utf-8") == "previous"


def test_sync_refuses_a_response_missing_a_commune(make_app, serve_folder, tmp_path, instance_path):
    full = json.loads(OUTLINES.read_text("utf-8"))
    full["features"] = [f for f in full["features"] if f["properties"]["code"] != "93079"]
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "93.geojson").write_text(json.dumps(full), encoding="utf-8")
    url = serve_folder(tmp_path / "served") + "/{departement}.geojson"

    result = make_app(CONTOURS_URL=url).test_cli_runner().invoke(args=["data", "sync"])

    assert result.exit_code == 1
    assert "93079" in result.output
    assert not (instance_path / "contours" / "communes.geojson").exists()


def test_sync_refuses_something_else_than_a_feature_collection(make_app, boundaries_server):
    url = boundaries_server + "/departement-{departement}-seine-saint-denis.geojson"

    result = make_app(CONTOURS_URL=url).test_cli_runner().invoke(args=["data", "sync"])

    assert result.exit_code == 1
    assert "FeatureCollection" in result.output


def test_sync_reports_http_errors(make_app, boundaries_server):
    runner = make_app(CONTOURS_URL=boundaries_server + "/absent-{departement}.geojson").test_cli_runner()

    result = runner.invoke(args=["data", "sync"])

    assert result.exit_code == 1
    assert "404" in result.output


def test_sync_fetches_the_timetable_and_the_streets_and_imports_them(
    make_app, serve_folder, boundaries_server, ban_server, instance_path, tmp_path
):
    from tests.transit_world import write_world

    world = write_world(tmp_path / "monde-servi")  # made up: tests/transit_world.py
    served = serve_folder(world.feed.parent)
    app = make_app(
        CONTOURS_URL=boundaries_server + "/communes-{departement}-seine-saint-denis.geojson",
        BAN_URL=ban_server,
        QPV_URL=boundaries_server + "/qpv.geojson",
        TRANSIT_GTFS_URL=f"{served}/{world.feed.name}",
        TRANSIT_OSM_URL=f"{served}/{world.streets.name}",
    )
    result = app.test_cli_runner().invoke(args=["data", "sync"])

    assert result.exit_code == 0, result.output
    assert "Horaires : Réseau fictif (tests), valables du 01/01/2026 au 31/12/2027" in result.output
    assert "Réseau piéton : 225 nœuds" in result.output and "Trajets hors ligne : " in result.output
    assert (instance_path / "transit" / "feed.json").is_file()
    assert app.test_client().get("/api/v1/nearest?lat=48.86&lon=2.44").get_json()["transports"]["a_jour"]

    broken = make_app(
        TRANSIT_GTFS_URL=f"{served}/absent.zip", CONTOURS_URL=f"{served}/absent-{{departement}}"
    )
    again = broken.test_cli_runner().invoke(args=["data", "sync"])
    assert again.exit_code == 1 and "horaires des transports non mis à jour" in again.output
    assert "absent.zip a répondu 404" in again.output
    assert (instance_path / "transit" / "feed.json").is_file()  # the feed kept is untouched
