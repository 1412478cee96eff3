"""The quartiers prioritaires: `carto data sync` brings the ANCT's outlines for the communes served
(from a loopback server serving made-up ones, tests/fixtures/qpv-fictifs.geojson), and then a point
and an address know their QPV — in the API, on the results page, where the chip is ticked."""

from __future__ import annotations

import json
import os
import shutil
import zipfile

import httpx
import pytest

from geo.io.sync import SyncError, sync_qpv
from geo.qpv import QpvOutlines
from tests.support import ROOT

MADE_UP = ROOT / "tests" / "fixtures" / "qpv-fictifs.geojson"
INSIDE = {"lat": 48.8630, "lon": 2.4520}  # in « Quartier fictif des Essais », Montreuil
OUTSIDE = {"lat": 48.8560, "lon": 2.4380}


@pytest.fixture
def qpv_server(serve_folder, tmp_path):
    """The made-up outlines served as the ANCT publishes them: a ZIP holding the WGS84 GeoJSON (and
    a decoy), and the GeoJSON alone."""
    folder = tmp_path / "anct"
    folder.mkdir()
    shutil.copy(MADE_UP, folder / "qpv.geojson")
    with zipfile.ZipFile(folder / "qpv.zip", "w") as archive:
        archive.writestr("GEOJSON/LISEZMOI.txt", "leurre")
        archive.writestr("GEOJSON/QP2024_France_Hexagonale_Outre_Mer_LB93.geojson", "{}")
        archive.write(MADE_UP, "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson")
    (folder / "lambert.geojson").write_text(
        MADE_UP.read_text("utf-8").replace("2.4", "652000.4").replace("48.8", "6862000.8"), "utf-8"
    )
    return serve_folder(folder)


@pytest.mark.parametrize("name", ["qpv.zip", "qpv.geojson"])
def test_the_sync_keeps_the_quarters_of_the_communes_served(qpv_server, tmp_path, name):
    with httpx.Client() as client:
        target, count = sync_qpv(f"{qpv_server}/{name}", ["93048", "93006"], tmp_path, client, "2026-12-02")
    written = json.loads(target.read_text("utf-8"))
    assert count == 2 and written["date"] == "2026-12-02" and written["source"].endswith(name)
    codes = [f["properties"]["code"] for f in written["features"]]
    assert codes == ["QN093FICTIFA", "QN093FICTIFB"]  # the Paris one left out
    assert written["features"][1]["properties"]["communes"] == ["93006", "93048"]  # « 93006, 93048 »


def test_a_commune_without_quarters_is_no_error(qpv_server, tmp_path):
    with httpx.Client() as client:
        _, count = sync_qpv(f"{qpv_server}/qpv.geojson", ["93079"], tmp_path, client, "2026-12-02")
    assert count == 0


@pytest.mark.parametrize("name, said", [("lambert.geojson", "illisible"), ("absent.geojson", "404")])
def test_a_file_that_is_not_the_wgs84_outlines_is_refused_and_nothing_written(
    qpv_server, tmp_path, name, said
):
    with httpx.Client() as client, pytest.raises(SyncError, match=said):
        sync_qpv(f"{qpv_server}/{name}", ["93048"], tmp_path, client, "2026-12-02")
    assert not (tmp_path / "qpv.geojson").exists()


def test_a_point_knows_its_quarter(qpv_server, tmp_path):
    with httpx.Client() as client:
        target, _ = sync_qpv(f"{qpv_server}/qpv.geojson", ["93048", "93006"], tmp_path, client, "2026-12-02")
    outlines = QpvOutlines.from_file(target)
    assert outlines.at(INSIDE["lon"], INSIDE["lat"]).nom == "Quartier fictif des Essais"
    assert outlines.at(OUTSIDE["lon"], OUTSIDE["lat"]) is None


@pytest.fixture
def app(make_app, qpv_server):
    app = make_app(QPV_URL=f"{qpv_server}/qpv.zip")
    with app.app_context():
        from webmap.commands.data import sync_qpv_outlines

        assert "2 quartier(s) prioritaire(s)" in sync_qpv_outlines()
    return app


def test_the_api_says_the_quarter_of_the_origin_and_counts_the_resident_in_it(app):
    client = app.test_client()
    inside = client.get("/api/v1/nearest", query_string=INSIDE).get_json()
    assert inside["origin"]["qpv"] == {"code": "QN093FICTIFA", "nom": "Quartier fictif des Essais"}
    assert inside["profil"] == ["qpv"]
    seen = client.get("/api/v1/nearest", query_string={**INSIDE, "qpv_vu": "1"}).get_json()
    assert seen["profil"] == []  # the volunteer unticked it
    outside = client.get("/api/v1/nearest", query_string=OUTSIDE).get_json()
    assert outside["origin"]["qpv"] is None and outside["profil"] == []


def test_the_results_page_says_so_and_ticks_the_chip_once(app):
    client = app.test_client()
    page = client.get("/", query_string=INSIDE).get_data(as_text=True)
    assert (
        "Cette adresse est dans un quartier prioritaire : Quartier fictif des Essais (QN093FICTIFA)" in page
    )
    assert 'name="profil" value="qpv" checked' in page and 'name="qpv_vu" value="1"' in page
    unticked = client.get("/", query_string={**INSIDE, "qpv_vu": "1"}).get_data(as_text=True)
    assert 'name="profil" value="qpv" checked' not in unticked
    assert "Cette adresse est dans un quartier prioritaire" in unticked


def test_before_any_sync_no_quarter_is_said(make_app):
    answer = make_app().test_client().get("/api/v1/nearest", query_string=INSIDE).get_json()
    assert answer["origin"]["qpv"] is None and answer["profil"] == []


def test_a_new_sync_is_read_without_a_restart(app, qpv_server, instance_path):
    client = app.test_client()
    assert client.get("/api/v1/nearest", query_string=INSIDE).get_json()["origin"]["qpv"] is not None
    target = instance_path / "qpv" / "qpv.geojson"
    emptied = {**json.loads(target.read_text("utf-8")), "features": []}
    before = target.stat()
    target.write_text(json.dumps(emptied), "utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))  # a later sync
    assert client.get("/api/v1/nearest", query_string=INSIDE).get_json()["origin"]["qpv"] is None


def test_the_campaign_dashboard_breaks_encounters_down_by_quarter_masking_small_cells(make_app, qpv_server):
    from tests.test_campaigns import MANAGER, encounter, post, with_campaign

    app = with_campaign(make_app(QPV_URL=f"{qpv_server}/qpv.zip"))
    with app.app_context():
        from webmap.commands.data import sync_qpv_outlines

        sync_qpv_outlines()
    client = app.test_client()
    doors = (
        [{**INSIDE, "commune": None}] * 12 + [{**OUTSIDE, "commune": None}] * 9 + [{"commune": "93048"}] * 2
    )
    sent = [encounter(app.campaign_id, **door) for door in doors]
    assert post(client, sent).status_code == 200
    quarters = client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=MANAGER).get_json()
    by_quarter = {key: cell["rencontres"] for key, cell in quarters["repartitions"]["qpv"].items()}
    assert by_quarter == {"QN093FICTIFA": 12, "hors-qpv": "masqué", "non renseigné": "< 5"}  # secret
    page = client.get(f"/gestion/campagnes/{app.campaign_id}", headers=MANAGER).get_data(as_text=True)
    assert "Quartier fictif des Essais (QN093FICTIFA)" in page and "Hors quartier prioritaire" in page


def test_the_sync_says_where_the_file_differs_from_the_anct_s_2024_list(make_app, qpv_server):
    from geo.qpv import listed_quarters

    assert listed_quarters(["93048"])["93048"] == {"QN09309M", "QN09315M", "QN09316M", "QN09318M", "QN09319I"}
    absent = {
        "CONTOURS_URL": f"{qpv_server}/absent-{{departement}}",
        "BAN_URL": f"{qpv_server}/absent-{{departement}}",
    }
    app = make_app(QPV_URL=f"{qpv_server}/qpv.zip", **absent)  # only the quarters are served
    result = app.test_cli_runner().invoke(args=["data", "sync"])
    assert "QN093FICTIFA, QN093FICTIFB absent(s) de la liste 2024 de l’ANCT" in result.output
    assert "93079 : QN09348M de la liste 2024 absent(s) du fichier" in result.output
