"""Import and export: CSV, GeoJSON, data·inclusion; dry run first, then all or nothing."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from geo.actors.model import actor_from_feature
from geo.io.dataset import load_actors
from geo.io.interchange import CSV_COLUMNS, export, plan_import, read_rows
from tests.support import DATASET, EVERY_FIELD, FICTIONAL_DATASET, fictional_feature, made_up_hash
from webmap.services import current_store

ACTORS = load_actors(FICTIONAL_DATASET)


@pytest.mark.parametrize("dataset", [FICTIONAL_DATASET, DATASET], ids=["fictif", "curated"])
@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_export_then_import_changes_nothing(kind, dataset):
    actors = load_actors(dataset)
    rows = read_rows(export(actors, kind).encode(), kind)
    plan = plan_import(rows, actors)
    assert plan.errors == [] and plan.creations == [] and plan.updates == []
    assert len(plan.unchanged) == len(actors)


@pytest.mark.parametrize("kind", ["csv", "geojson", "data-inclusion"])
def test_every_declared_field_survives_an_export_and_an_import(kind):
    from geo.actors.model import FIELDS, actor_to_feature

    actor = actor_from_feature(fictional_feature(**EVERY_FIELD))
    assert all(actor_to_feature(actor)["properties"][f.name] not in (None, "", []) for f in FIELDS if f.group)
    (row,) = read_rows(export([actor], kind).encode(), kind)
    assert row.problems == ()
    back = actor_from_feature(row.feature)
    if kind == "data-inclusion":  # what the national schema has no field for; its lists are sets
        assert back.nom == actor.nom and set(back.modes_mobilisation) == set(actor.modes_mobilisation)
        assert back.lien_mobilisation == actor.lien_mobilisation
    else:
        assert back == actor


def test_csv_has_the_documented_columns_in_order():
    header = next(csv.reader(io.StringIO(export(ACTORS, "csv"))))
    assert tuple(header) == CSV_COLUMNS


def test_data_inclusion_export_uses_official_names_and_slugs():
    document = json.loads(export(ACTORS, "data-inclusion"))
    structure = next(s for s in document["structures"] if s["id"] == "mission-locale-fictive-montreuil")
    service = next(s for s in document["services"] if s["structure_id"] == "mission-locale-fictive-montreuil")
    assert {
        "nom",
        "adresse",
        "code_postal",
        "code_insee",
        "commune",
        "longitude",
        "latitude",
        "telephone",
        "reseaux_porteurs",
        "date_maj",
    } <= set(structure)
    assert structure["reseaux_porteurs"] == ["mission-locale"]
    assert "se-former--trouver-sa-formation" in service["thematiques"] and service["publics"] == ["jeunes"]


def test_data_inclusion_import_merges_services_into_structures():
    document = json.loads(export(ACTORS, "data-inclusion"))
    rows = read_rows(json.dumps(document).encode(), "data-inclusion")
    first = next(
        r.feature for r in rows if r.feature and r.feature["id"] == "mission-locale-fictive-montreuil"
    )
    assert first["properties"]["publics"] == ["jeunes"]
    assert first["geometry"]["coordinates"] == [2.442, 48.859]


def _csv_with(*features):
    return export([actor_from_feature(f) for f in features], "csv").encode()


def test_one_bad_row_imports_nothing_and_is_named(make_app, tmp_path):
    ok = fictional_feature(id="acteur-fictif-un", nom="Acteur fictif un")
    bad = fictional_feature(id="acteur-fictif-deux", nom="Acteur fictif deux")
    content = (
        _csv_with(ok, bad)
        .decode()
        .replace("Acteur fictif deux,association_accompagnement_emploi", "Acteur fictif deux,type-inconnu")
    )
    path = tmp_path / "import-fictif.csv"
    path.write_text(content, encoding="utf-8")
    app = make_app()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["actors", "import", str(path), "--appliquer"])

    assert result.exit_code == 1
    # Rows are sorted by id: « …-deux » is line 2, after the header.
    assert "ligne 2 : kind : valeur inconnue : 'type-inconnu'" in result.output
    assert "rien n’a été importé" in result.output
    with app.app_context():
        assert {s.actor.id for s in current_store().all()}.isdisjoint({"acteur-fictif-un"})


def test_dry_run_then_apply_with_duplicates_flagged(make_app, tmp_path):
    twin = fictional_feature(
        id="insertion-bis-fictive", nom="Insertion fictive (double)", telephone="+33199000101"
    )
    path = tmp_path / "import-fictif.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [twin]}), encoding="utf-8")
    app = make_app()
    runner = app.test_cli_runner()

    preview = runner.invoke(args=["actors", "import", str(path)])
    assert preview.exit_code == 0 and "1 création(s)" in preview.output
    assert "ressemble à insertion-fictive-montreuil (même téléphone)" in preview.output
    assert "Aperçu seulement" in preview.output
    with app.app_context():
        assert "insertion-bis-fictive" not in {s.actor.id for s in current_store().all()}

    applied = runner.invoke(args=["actors", "import", str(path), "--appliquer"])
    assert applied.exit_code == 0
    with app.app_context():
        assert current_store().get("insertion-bis-fictive").version == 1


def test_export_command_writes_the_reviewable_file(make_app, tmp_path):
    out = tmp_path / "actors.geojson"
    result = make_app().test_cli_runner().invoke(args=["actors", "export", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == FICTIONAL_DATASET.read_text(encoding="utf-8")


def test_unreadable_files_are_refused_clearly(make_app, tmp_path):
    path = tmp_path / "pas-un-import.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = make_app().test_cli_runner().invoke(args=["actors", "import", str(path)])
    assert result.exit_code == 1 and "colonnes absentes" in result.output


@pytest.mark.parametrize("dataset", [FICTIONAL_DATASET, DATASET], ids=["fictif", "curated"])
def test_data_inclusion_export_validates_under_the_official_models(dataset):
    from data_inclusion.schema import v1

    document = json.loads(export(load_actors(dataset), "data-inclusion"))
    for structure in document["structures"]:
        v1.Structure.model_validate(structure)
    for service in document["services"]:
        v1.Service.model_validate(service)
    assert len(document["structures"]) == len(document["services"]) == len(load_actors(dataset))


def test_data_inclusion_export_derives_what_the_schema_needs_and_says_so():
    partial = actor_from_feature(fictional_feature(date_source="2019-07", description="", publics=[]))
    document = json.loads(export([partial], "data-inclusion"))
    structure, service = document["structures"][0], document["services"][0]
    assert structure["date_maj"] == service["date_maj"] == "2019-07-01"
    assert "générée d’après le type d’acteur" in service["description"]
    assert structure["description"] is None  # the structure states nothing it was not given
    assert service["publics"] == ["tous-publics"]
    back = read_rows(json.dumps(document).encode(), "data-inclusion")[0].feature["properties"]
    assert back["publics"] == [] and back["description"] == ""


FORMULAS = (
    '=HYPERLINK("http://evil.example","clic")',
    "+SOMME(1;2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\tTabulation",
    "\rRetour chariot",
)


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_cell_a_spreadsheet_would_run_is_written_as_text_and_read_back(make_app, formula):
    """Through the back office's export, as a manager's spreadsheet receives it; the phone keeps E.164."""
    feature = fictional_feature(
        id="acteur-fictif-formule", nom=f"Fictif {formula}", description=formula, telephone="+33148700000"
    )
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        current_store().create(actor_from_feature(feature), "test")
        current_store().add_user(
            "gestionnaire-fictif@example.org", made_up_hash("mot-de-passe-fictif-123"), "manager"
        )
    client = app.test_client()
    client.post(
        "/connexion", data={"email": "gestionnaire-fictif@example.org", "password": "mot-de-passe-fictif-123"}
    )
    text = client.get("/gestion/export?format=csv").get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(text, newline="")) if r["id"] == "acteur-fictif-formule")
    assert row["description"] == "'" + formula and row["telephone"] == "+33148700000"
    cells = [cell for r in csv.reader(io.StringIO(text, newline="")) for cell in r]
    assert not [
        c
        for c in cells
        if c.startswith(("=", "@", "\t", "\r"))
        or c.startswith(("+", "-"))
        and not re.fullmatch(r"[+-][0-9][0-9 .,]*", c)
    ]
    [back] = [
        r.feature
        for r in read_rows(text.encode(), "csv")
        if r.feature and r.feature["id"] == "acteur-fictif-formule"
    ]
    assert back["properties"]["description"] == formula  # an export imported again changes nothing


def test_the_vocabularies_are_those_of_the_installed_schema_package():
    """The labels pages and checks use are the data·inclusion package's own: a new version of the
    package is a new snapshot (``python -m geo.actors.vocabularies``), or this fails."""
    from geo.actors.vocabularies import SNAPSHOT, from_package

    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == from_package()
