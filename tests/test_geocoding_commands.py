"""`carto ban import|download` and `carto geocode`, as a manager or a volunteer would type them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import pick, serve_files


@pytest.fixture
def offline_app(app):
    return app


@pytest.fixture
def gz_ban(tmp_path, synthetic_ban_csv):
    target = tmp_path / "adresses-93-synthetique.csv.gz"
    with open(synthetic_ban_csv, "rb") as source, gzip.open(target, "wb") as sink:
        shutil.copyfileobj(source, sink)
    return target


@pytest.mark.parametrize("which", ["csv", "gz"])
def test_ban_import_builds_the_index_in_the_instance_folder(
    offline_app, instance_path, which, synthetic_ban_csv, gz_ban
):
    path = synthetic_ban_csv if which == "csv" else gz_ban
    runner = offline_app.test_cli_runner()

    result = runner.invoke(args=["ban", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert (instance_path / "ban" / "index.sqlite").is_file()
    assert "voies de 5 commune(s) indexées" in result.output


def test_ban_import_refuses_a_file_that_is_not_ban(offline_app, tmp_path):
    bad = tmp_path / "adresses.csv"
    bad.write_text("nom,adresse\n", encoding="utf-8")

    result = offline_app.test_cli_runner().invoke(args=["ban", "import", str(bad)])

    assert result.exit_code == 1
    assert "colonnes BAN absentes" in result.output


def test_ban_import_needs_an_existing_file(offline_app, tmp_path):
    result = offline_app.test_cli_runner().invoke(args=["ban", "import", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_ban_download_fetches_the_departement_file_then_indexes_it(make_app, instance_path, gz_ban):
    with serve_files(gz_ban.parent) as url:
        app = make_app(BAN_URL=url + "/adresses-{departement}-synthetique.csv.gz")
        result = app.test_cli_runner().invoke(args=["ban", "download", "--departement", "93"])

    assert result.exit_code == 0, result.output
    assert (instance_path / "ban" / "adresses-93.csv.gz").is_file()
    assert (instance_path / "ban" / "index.sqlite").is_file()


def test_ban_download_offline_says_so(make_app):
    app = make_app(BAN_URL="http://127.0.0.1:9/adresses-{departement}.csv.gz")

    result = app.test_cli_runner().invoke(args=["ban", "download"])

    assert result.exit_code == 1
    assert "hors ligne" in result.output and "Traceback" not in result.output


@pytest.fixture
def indexed_app(offline_app, instance_path, synthetic_index):
    (instance_path / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance_path / "ban" / "index.sqlite")
    return offline_app


def test_geocode_prints_a_table(indexed_app, synthetic_addresses):
    address = pick(synthetic_addresses, skip=9)
    query = f"{address.numero} {address.nom_voie} {address.nom_commune}"

    result = indexed_app.test_cli_runner().invoke(args=["geocode", query, "--limit", "2"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["adresse", "score", "type", "lon", "lat", "source"]
    assert f"{address.numero} {address.nom_voie}" in result.output.splitlines()[2]


def test_geocode_json_is_a_geocodejson_feature_collection(indexed_app, synthetic_addresses):
    address = pick(synthetic_addresses, skip=9)
    query = f"{address.numero} {address.nom_voie} {address.nom_commune}"

    result = indexed_app.test_cli_runner().invoke(args=["geocode", "--json", query])

    collection = json.loads(result.output)
    assert collection["type"] == "FeatureCollection" and collection["query"] == query
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [address.lon, address.lat]}
    assert feature["properties"]["citycode"] == address.code_insee
    assert feature["properties"]["backend"] == "ban-local"


def test_geocode_reverse(indexed_app, synthetic_addresses):
    address = pick(synthetic_addresses, skip=21)

    result = indexed_app.test_cli_runner().invoke(
        args=["geocode", "--json", "--reverse", str(address.lon), str(address.lat)]
    )

    assert json.loads(result.output)["features"][0]["properties"]["street"] == address.nom_voie


@pytest.mark.parametrize(
    "args, message",
    [
        (["geocode"], "donnez une adresse"),
        (["geocode", "x", "--reverse", "2.4", "48.8"], "donnez une adresse"),
        (["geocode", "--reverse", "200", "48.8"], "coordonnées invalides"),
        (["geocode", "12 rue x", "--limit", "0"], "--limit"),
    ],
)
def test_geocode_usage_errors_are_explained(indexed_app, args, message):
    result = indexed_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and message in result.output


def test_geocode_without_index_and_offline_explains(offline_app):
    result = offline_app.test_cli_runner().invoke(args=["geocode", "12 rue de paris"])

    assert result.exit_code == 1
    assert "carto ban import" in result.output and "hors ligne" in result.output


def test_import_then_geocode_from_the_shell(tmp_path, synthetic_ban_csv, synthetic_addresses):
    """The README's promise: any BAN-format file of the five communes, two shell commands."""
    carto = str(Path(sys.executable).parent / "carto")
    env = {**os.environ, "CARTO_INSTANCE_PATH": str(tmp_path / "x"), "CARTO_GEOCODERS": "local"}
    address = pick(synthetic_addresses, skip=33)

    subprocess.run([carto, "ban", "import", str(synthetic_ban_csv)], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [carto, "geocode", "--json", f"{address.numero} {address.nom_voie}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )

    assert json.loads(result.stdout)["features"][0]["properties"]["street"] == address.nom_voie
