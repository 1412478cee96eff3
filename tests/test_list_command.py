"""`carto actors list` and the installed `carto` console script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import fictional_collection, fictional_feature, write_json


def test_list_shows_a_readable_table_of_all_actors(runner):
    result = runner.invoke(args=["actors", "list"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["id", "nom", "type", "commune", "localisé", "statut"]
    assert "Mission locale fictive de Montreuil" in result.output
    assert "15 acteur(s)." in result.output


def test_list_filters_by_commune(runner):
    result = runner.invoke(args=["actors", "list", "--commune", "93079"])

    assert result.exit_code == 0, result.output
    assert "France services fictive de Villetaneuse" in result.output
    assert "Montreuil" not in result.output


def test_list_filters_by_thematique_or_its_category(runner):
    exact = runner.invoke(args=["actors", "list", "--thematique", "trouver-un-emploi--maintien-dans-lemploi"])
    category = runner.invoke(args=["actors", "list", "--thematique", "se-former"])

    assert "Cap emploi fictif 93" in exact.output and "Insertion fictive" not in exact.output
    assert "École numérique fictive" in category.output and "Insertion fictive" not in category.output


def test_list_combines_filters(runner):
    result = runner.invoke(args=["actors", "list", "--commune", "93014", "--thematique", "numerique"])

    assert "Bus France services fictif" in result.output
    assert "Point jeunes fictif de Clichy" in result.output
    assert "Agence emploi fictive" not in result.output


@pytest.mark.parametrize("option, value", [("--commune", "75056"), ("--thematique", "cuisine")])
def test_list_refuses_unknown_filter_values(runner, option, value):
    result = runner.invoke(args=["actors", "list", option, value])

    assert result.exit_code == 2
    assert value in result.output and option in result.output


def test_list_says_when_nothing_matches(make_app, tmp_path):
    path = write_json(tmp_path / "one.geojson", fictional_collection(fictional_feature()))
    runner = make_app(ACTORS_FILE=str(path)).test_cli_runner()

    result = runner.invoke(args=["actors", "list", "--commune", "93014"])

    assert result.exit_code == 0
    assert "Aucun acteur ne correspond." in result.output


def test_list_on_a_broken_dataset_points_to_validate(make_app, tmp_path):
    broken = fictional_feature(code_postal="1")
    path = write_json(tmp_path / "broken.geojson", fictional_collection(broken))
    runner = make_app(ACTORS_FILE=str(path)).test_cli_runner()

    result = runner.invoke(args=["actors", "list"])

    assert result.exit_code == 1
    assert "carto actors validate" in result.output


def _carto() -> str:
    found = shutil.which("carto", path=str(Path(sys.executable).parent))
    assert found, "the carto console script is not installed in this environment"
    return found


def test_carto_console_script_lists_project_and_flask_commands(tmp_path):
    env = {"CARTO_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}

    result = subprocess.run([_carto(), "--help"], capture_output=True, text=True, env=env, check=True)

    for command in ("actors", "data", "routes", "run", "shell"):
        assert f"  {command}" in result.stdout


def test_carto_routes_lists_the_home_page(tmp_path):
    env = {"CARTO_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}

    result = subprocess.run([_carto(), "routes"], capture_output=True, text=True, env=env, check=True)

    assert "volunteer.index" in result.stdout
