"""`carto actors validate`: the curated dataset passes; each kind of problem is named, exit 1 (shown on
made-up actors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import DATASET, FICTIONAL_DATASET, write_json


def _props(data: dict[str, Any], actor_id: str) -> dict[str, Any]:
    return next(f for f in data["features"] if f["id"] == actor_id)["properties"]


def _feature(data: dict[str, Any], actor_id: str) -> dict[str, Any]:
    return next(f for f in data["features"] if f["id"] == actor_id)


def unknown_thematique(data):
    _props(data, "chantier-fictif-montreuil")["thematiques"].append("trouver-du-travail")
    return "chantier-fictif-montreuil", "thematiques", "trouver-du-travail"


def unknown_public(data):
    _props(data, "chantier-fictif-montreuil")["publics"] = ["chomeurs"]
    return "chantier-fictif-montreuil", "publics", "chomeurs"


def unknown_kind(data):
    _props(data, "insertion-fictive-montreuil")["kind"] = "agence_interim"
    return "insertion-fictive-montreuil", "kind", "agence_interim"


def bad_postcode(data):
    _props(data, "insertion-fictive-montreuil")["code_postal"] = "9310"
    return "insertion-fictive-montreuil", "code_postal", "9310"


def bad_insee_code(data):
    _props(data, "insertion-fictive-montreuil")["code_insee"] = "93-48"
    return "insertion-fictive-montreuil", "code_insee", "93-48"


def postcode_of_another_commune(data):
    _props(data, "insertion-fictive-montreuil")["code_postal"] = "93170"
    return "insertion-fictive-montreuil", "code_postal", "Montreuil"


def commune_name_not_matching_code(data):
    _props(data, "insertion-fictive-montreuil")["commune"] = "Bagnolet"
    return "insertion-fictive-montreuil", "commune", "Bagnolet"


def coordinates_far_outside_commune(data):
    # Montreuil's mission locale moved, on paper, to Villetaneuse's coordinates.
    _feature(data, "mission-locale-fictive-montreuil")["geometry"]["coordinates"] = [2.3440, 48.9560]
    return "mission-locale-fictive-montreuil", "geometry", "km de Montreuil"


def latitude_and_longitude_swapped(data):
    coords = _feature(data, "insertion-fictive-montreuil")["geometry"]["coordinates"]
    coords.reverse()
    return "insertion-fictive-montreuil", "geometry", "inversées"


def invalid_opening_hours(data):
    _props(data, "france-services-fictive-villetaneuse")["horaires_accueil"] = "lundi 9h-12h"
    return "france-services-fictive-villetaneuse", "horaires_accueil", "lundi 9h-12h"


def duplicate_id(data):
    _feature(data, "insertion-fictive-montreuil")["id"] = "chantier-fictif-montreuil"
    return "chantier-fictif-montreuil", "id", "2 acteurs"


def missing_source(data):
    _props(data, "insertion-fictive-montreuil")["source"] = ""
    return "insertion-fictive-montreuil", "source", "à renseigner : source de l’information"


def missing_source_date(data):
    del _props(data, "insertion-fictive-montreuil")["date_source"]
    return "insertion-fictive-montreuil", "date_source", "date de la source"


def personal_email(data):
    _props(data, "insertion-fictive-montreuil")["courriel"] = "jeanne.martin@example.org"
    return "insertion-fictive-montreuil", "courriel", "nominative"


def invalid_phone(data):
    _props(data, "insertion-fictive-montreuil")["telephone"] = "01 48 69"
    return "insertion-fictive-montreuil", "telephone", "01 48 69"


def invalid_website(data):
    _props(data, "insertion-fictive-montreuil")["site_web"] = "javascript:alert(1)"
    return "insertion-fictive-montreuil", "site_web", "javascript:alert(1)"


def unknown_statut(data):
    _props(data, "insertion-fictive-montreuil")["statut"] = "ouvert"
    return "insertion-fictive-montreuil", "statut", "ouvert"


def geocoded_without_score(data):
    props = _props(data, "insertion-fictive-montreuil")
    props["location_source"] = "geocoded"
    props["location_score"] = None
    return "insertion-fictive-montreuil", "location_score", "score"


def stated_coordinates_without_reference(data):
    props = _props(data, "insertion-fictive-montreuil")
    props["location_source"] = "source"
    props["location_reference"] = None
    return "insertion-fictive-montreuil", "location_reference", "source"


def inverted_age_range(data):
    props = _props(data, "mission-locale-fictive-montreuil")
    props["age_min"], props["age_max"] = 25, 16
    return "mission-locale-fictive-montreuil", "age_max", "inférieur"


def bad_eligibility_zone(data):
    _props(data, "insertion-fictive-montreuil")["zone_eligibilite"] = ["Montreuil"]
    return "insertion-fictive-montreuil", "zone_eligibilite", "Montreuil"


BREAKERS: list[Callable[[dict[str, Any]], tuple[str, str, str]]] = [
    unknown_thematique,
    unknown_public,
    unknown_kind,
    bad_postcode,
    bad_insee_code,
    postcode_of_another_commune,
    commune_name_not_matching_code,
    coordinates_far_outside_commune,
    latitude_and_longitude_swapped,
    invalid_opening_hours,
    duplicate_id,
    missing_source,
    missing_source_date,
    personal_email,
    invalid_phone,
    invalid_website,
    unknown_statut,
    geocoded_without_score,
    stated_coordinates_without_reference,
    inverted_age_range,
    bad_eligibility_zone,
]


def test_curated_dataset_is_valid(runner):
    result = runner.invoke(args=["actors", "validate", str(DATASET)])
    assert result.exit_code == 0, result.output
    assert "aucun problème" in result.output


def test_validate_defaults_to_configured_dataset(runner):
    result = runner.invoke(args=["actors", "validate"])
    assert result.exit_code == 0, result.output
    assert str(FICTIONAL_DATASET) in result.output


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda b: b.__name__)
def test_validate_names_actor_and_field_of_each_problem(runner, dataset, tmp_path, breaker):
    actor_id, field, fragment = breaker(dataset)
    broken = write_json(tmp_path / "broken.geojson", dataset)

    result = runner.invoke(args=["actors", "validate", str(broken)])

    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(f"{actor_id}: {field}: ")]
    assert lines, result.output
    assert any(fragment in line for line in lines), lines


def test_validate_reports_every_problem_not_just_the_first(runner, dataset, tmp_path):
    unknown_thematique(dataset)
    bad_postcode(dataset)
    broken = write_json(tmp_path / "broken.geojson", dataset)

    result = runner.invoke(args=["actors", "validate", str(broken)])

    assert result.exit_code == 1
    assert "chantier-fictif-montreuil: thematiques:" in result.output
    assert "insertion-fictive-montreuil: code_postal:" in result.output


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "JSON illisible"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ("[]", "FeatureCollection"),
    ],
)
def test_validate_explains_unreadable_files(runner, tmp_path, content, fragment):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")

    result = runner.invoke(args=["actors", "validate", str(path)])

    assert result.exit_code == 1
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_validate_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["actors", "validate", str(tmp_path / "absent.geojson")])

    assert result.exit_code == 1
    assert "introuvable" in result.output
