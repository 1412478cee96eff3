"""Shared fixtures: a fresh app per test in its own instance folder, and made-up actors."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from webmap import create_app

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "actors.geojson"
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR") or ROOT.parent / "shared" / "data")
"""Read-only public data: ../shared/data beside the checkout, or SHARED_DATA_DIR."""


@pytest.fixture
def shared_data() -> Path:
    """The read-only public data beside the checkout (also present in CI)."""
    assert SHARED_DATA.is_dir(), (f"{SHARED_DATA} is missing: tests need ../shared/data beside the "
                                   "checkout, or SHARED_DATA_DIR")
    return SHARED_DATA


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    return tmp_path / "instance"


@pytest.fixture
def make_app(instance_path: Path):
    def make(**config: Any):
        return create_app({"TESTING": True, "INSTANCE_PATH": str(instance_path), **config})
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def dataset() -> dict[str, Any]:
    """A fresh copy of the curated dataset, to break in a test."""
    return json.loads(DATASET.read_text(encoding="utf-8"))


def fictional_feature(**properties: Any) -> dict[str, Any]:
    """A valid, entirely made-up actor (name and id say so); ``properties`` override its fields."""
    feature: dict[str, Any] = {
        "type": "Feature",
        "id": properties.pop("id", "acteur-fictif-de-test"),
        "geometry": properties.pop("geometry", {"type": "Point", "coordinates": [2.4400, 48.8600]}),
        "properties": {
            "nom": "Acteur fictif de test",
            "kind": "association_accompagnement_emploi",
            "source": "fixture de test inventée",
            "date_source": "2026-01-15",
            "statut": "actif",
            "adresse": "1 rue Fictive",
            "code_postal": "93100",
            "code_insee": "93048",
            "commune": "Montreuil",
            "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi"],
            "publics": [],
            "horaires_accueil": "Mo-Fr 09:00-12:00",
            "location_source": "manager",
        },
    }
    feature["properties"].update(properties)
    return feature


def fictional_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [copy.deepcopy(f) for f in features]}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
