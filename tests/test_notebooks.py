"""The notebooks, executed by a Jupyter kernel (nbclient) as a reader would run them, on made-up data.

A probe cell appended at run time reads back, as JSON, the figures the notebook computed; the
notebook's own cells run unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid

import nbformat
import pytest
from nbclient import NotebookClient

from geo.campaigns.model import Encounter
from tests.support import FICTIONAL_DATASET, ROOT, migrate_instance, new_store

NOTEBOOKS = ROOT / "notebooks"


def execute(name: str, probe: str | None = None) -> tuple[nbformat.NotebookNode, object]:
    """Run the notebook in a fresh kernel; the probe's printed JSON, if a probe is given."""
    notebook = nbformat.read(str(NOTEBOOKS / name), as_version=4)
    if probe:
        notebook.cells.append(nbformat.v4.new_code_cell(f"import json as _json\nprint(_json.dumps({probe}))"))
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    found = None
    if probe:
        found = json.loads("".join(o.get("text", "") for o in notebook.cells[-1].outputs))
    return notebook, found


def shown(notebook) -> str:
    """Everything the notebook displayed as text."""
    return "\n".join(
        str(output.get("data", {}).get("text/plain", output.get("text", "")))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


@pytest.fixture
def made_up_actors(monkeypatch):
    monkeypatch.setenv("CARTO_ACTORS_FILE", str(FICTIONAL_DATASET))


def test_overview_finds_the_nearest_agency_in_metres_and_searches_like_the_page(made_up_actors):
    _, found = execute(
        "actors_overview.ipynb",
        probe=(
            "{'distance': float(nearest.set_index('nom_actor').loc['Mission locale fictive de Montreuil', "
            "'distance_m']), "
            "'agence': nearest.set_index('nom_actor').loc['Mission locale fictive de Montreuil', "
            "'nom_agence'], "
            "'first': [r.actor.id for r in outcome.results][:2]}"
        ),
    )
    assert 560 < found["distance"] < 600  # (2.4420, 48.8590) to (2.4400, 48.8640): about 577 m
    assert found["agence"] == "Agence emploi fictive de Montreuil"
    assert found["first"] == ["agence-emploi-fictive-montreuil", "insertion-fictive-montreuil"]


def test_coverage_maps_every_iris_and_lists_the_service_deserts(made_up_actors):
    notebook, found = execute(
        "couverture.ipynb",
        probe=("{'iris': access.iris.nunique(), 'needs': access.need.nunique(), 'deserts': len(deserts)}"),
    )
    assert found["iris"] == 94 and found["needs"] == 8
    assert found["deserts"] > 0  # a made-up world of 15 actors leaves gaps
    images = [
        o
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if "image/png" in o.get("data", {})
    ]
    assert images, "the map is drawn"
    assert "IRIS sans acteur à moins de 20 min" in shown(notebook)


@pytest.fixture
def made_up_campaign_log(tmp_path, monkeypatch):
    """An instance whose store holds a made-up campaign: 200 encounters in Montreuil and Bagnolet."""
    instance = tmp_path / "instance"
    migrate_instance(instance)
    store = new_store(instance / "carto.sqlite")
    campaign = store.add_campaign("Campagne fictive du carnet", ["93048", "93006"])
    rng = random.Random(8)
    store.add_encounters(
        [
            Encounter(
                str(uuid.UUID(int=rng.getrandbits(128))),
                campaign.id,
                dt.date(2026, 10, 5) + dt.timedelta(days=n % 21),
                ("93048", "93006")[n % 2],
                None,
                "oui" if n < 60 else "non",
                "non" if n < 30 else None,
                None,
                n < 20,
                ("mission-locale-fictive-montreuil",) if n < 20 else (),
                n < 9,
            )
            for n in range(200)
        ]
    )
    monkeypatch.setenv("CARTO_INSTANCE_PATH", str(instance))
    return campaign


def test_campaigns_notebook_gives_the_funnel_by_commune_and_week(made_up_campaign_log):
    notebook, found = execute(
        "campagnes.ipynb",
        probe=(
            "{'funnel': funnel['Campagne fictive du carnet'].tolist(), 'weeks': len(weeks), "
            "'communes': breakdown('commune')['commune'].tolist()}"
        ),
    )
    assert found["funnel"] == [200, 60, 30, 20, 9]
    assert found["weeks"] == 3 and sorted(found["communes"]) == ["Bagnolet", "Montreuil"]
    assert "Campagne fictive du carnet" in shown(notebook)


def test_every_notebook_is_executed_here():
    assert {path.name for path in NOTEBOOKS.glob("*.ipynb")} == {
        "actors_overview.ipynb",
        "campagnes.ipynb",
        "couverture.ipynb",
    }
