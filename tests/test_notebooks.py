"""Notebooks run on the geo core: every code cell executes without error."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FICTIONAL_DATASET, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_cells_run(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    namespace: dict = {}
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # noqa: S102


def test_overview_finds_the_nearest_agency_in_metres_and_searches_like_the_page(monkeypatch):
    """On the made-up actors (CARTO_ACTORS_FILE), whose distances are known."""
    monkeypatch.chdir(ROOT / "notebooks")
    monkeypatch.setenv("CARTO_ACTORS_FILE", str(FICTIONAL_DATASET))
    namespace: dict = {}
    cells = json.loads((ROOT / "notebooks" / "actors_overview.ipynb").read_text("utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)  # noqa: S102
    nearest = namespace["nearest"].set_index("nom_actor")
    # (2.4420, 48.8590) to (2.4400, 48.8640): about 577 m in Lambert-93.
    assert 560 < nearest.loc["Mission locale fictive de Montreuil", "distance_m"] < 600
    agency = nearest.loc["Mission locale fictive de Montreuil", "nom_agence"]
    assert agency == "Agence emploi fictive de Montreuil"
    assert [result.actor.id for result in namespace["outcome"].results][:2] == [
        "agence-emploi-fictive-montreuil", "insertion-fictive-montreuil"]  # direct, then to check
