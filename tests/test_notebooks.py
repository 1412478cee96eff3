"""Notebooks run on the geo core: every code cell executes without error."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_cells_run(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    namespace: dict = {}
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # noqa: S102


def test_overview_finds_the_nearest_agency_in_metres(monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")
    namespace: dict = {}
    cells = json.loads((ROOT / "notebooks" / "actors_overview.ipynb").read_text("utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)  # noqa: S102
    nearest = namespace["nearest"].set_index("nom_actor")
    # Montreuil's mission locale is ~170 m from the Montreuil agency (7 rue Kléber).
    assert 100 < nearest.loc["Mission locale (Montreuil)", "distance_m"] < 250
    assert nearest.loc["Mission locale (Montreuil)", "nom_agence"].startswith("Pôle emploi Montreuil")
