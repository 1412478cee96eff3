"""`carto nearest` and `carto network import` as typed in a terminal."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support import ROOT, pick


def test_nearest_from_a_point_prints_distance_walk_eligibility_and_hours(runner):
    result = runner.invoke(args=["nearest", "--lat", "48.8600", "--lon", "2.4400", "--k", "2", "--age", "22"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].split()[:5] == ["acteur", "distance", "trajet", "éligible", "horaires"]
    assert "Mission locale fictive de Montreuil" in lines[4] and "184 m" in lines[4]
    assert "environ 3 min à pied" in lines[4]


def test_nearest_json_has_every_field(runner):
    result = runner.invoke(
        args=[
            "nearest",
            "--lat",
            "48.86",
            "--lon",
            "2.44",
            "--age",
            "30",
            "--thematique",
            "se-former",
            "--tous",
            "--json",
        ]
    )

    payload = json.loads(result.output)
    assert payload["origin"]["lat"] == 48.86
    first, last = payload["results"][0], payload["results"][-1]
    assert set(first) >= {
        "id",
        "nom",
        "distance_m",
        "trajet",
        "eligible",
        "raisons",
        "a_verifier",
        "ouvert",
        "horaires_label",
        "placement",
    }
    assert first["eligible"] and first["trajet"]["methode"] == "estimation"
    assert not last["eligible"] and last["raisons"]


def test_nearest_from_an_address_geocodes_it(make_app, instance_path, synthetic_index, synthetic_addresses):
    (instance_path / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance_path / "ban" / "index.sqlite")
    runner = make_app().test_cli_runner()
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048")

    result = runner.invoke(
        args=["nearest", "--address", f"{address.numero} {address.nom_voie} Montreuil", "--json"]
    )

    origin = json.loads(result.output)["origin"]
    assert (origin["lon"], origin["lat"], origin["citycode"]) == (address.lon, address.lat, "93048")
    assert origin["score"] > 0.9


@pytest.mark.parametrize(
    "args, message",
    [
        (["nearest"], "donnez --address, ou --lat et --lon"),
        (["nearest", "--lat", "48.8"], "donnez --address, ou --lat et --lon"),
        (["nearest", "--lat", "95", "--lon", "2.4"], "coordonnées invalides"),
        (["nearest", "--lat", "48.86", "--lon", "2.44", "--thematique", "cuisine"], "thématique inconnue"),
        (["nearest", "--lat", "48.86", "--lon", "2.44", "--public", "tous"], "public inconnu"),
        (["nearest", "--lat", "48.86", "--lon", "2.44", "--k", "0"], "--k"),
    ],
)
def test_nearest_usage_errors(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and message in result.output


def test_unknown_address_is_a_clear_error(runner):
    result = runner.invoke(args=["nearest", "--address", "12 rue de nulle part"])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_network_import_then_nearest_walks_the_streets(runner, instance_path):
    result = runner.invoke(args=["network", "import", str(ROOT / "tests" / "fixtures" / "reseau-fictif.osm")])

    assert result.exit_code == 0, result.output
    assert (instance_path / "network" / "streets.npz").is_file()
    nearest = runner.invoke(args=["nearest", "--lat", "48.8600", "--lon", "2.4400", "--k", "1", "--json"])
    assert json.loads(nearest.output)["results"][0]["trajet"]["methode"] == "reseau"


def test_network_import_refuses_an_empty_extract(runner, tmp_path):
    empty = tmp_path / "vide-fictif.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")

    result = runner.invoke(args=["network", "import", str(empty)])

    assert result.exit_code == 1 and "aucune voie" in result.output
