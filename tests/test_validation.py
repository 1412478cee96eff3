"""The validator on made-up records: what it accepts, what it refuses, and that it never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.actors.validation import validate_collection, validate_feature, validate_properties
from tests.support import examples, fictional_collection, fictional_feature, write_json


def fields_of(problems):
    return {problem.field for problem in problems}


def test_fictional_actor_is_valid():
    assert validate_feature(fictional_feature()) == []


@pytest.mark.parametrize(
    "email",
    [
        "contact@exemple-fictif.fr",
        "accueil.montreuil@exemple-fictif.fr",
        "franceservices93@exemple-fictif.fr",
    ],
)
def test_generic_mailboxes_are_accepted(email):
    assert validate_feature(fictional_feature(courriel=email)) == []


@pytest.mark.parametrize("email", ["jean.dupont@exemple-fictif.fr", "m-lopez@exemple-fictif.fr"])
def test_personal_mailboxes_are_refused(email):
    assert fields_of(validate_feature(fictional_feature(courriel=email))) == {"courriel"}


def test_actor_without_location_needs_no_location_source():
    feature = fictional_feature(geometry=None, location_source=None)
    assert validate_feature(feature) == []


def test_location_source_without_coordinates_is_refused():
    feature = fictional_feature(geometry=None)
    assert fields_of(validate_feature(feature)) == {"location_source"}


def test_geocoded_location_keeps_score_and_geocoder():
    feature = fictional_feature(
        location_source="geocoded", location_score=0.93, location_geocoder="ban-local"
    )
    assert validate_feature(feature) == []
    missing = fictional_feature(location_source="geocoded")
    assert fields_of(validate_feature(missing)) == {"location_score", "location_geocoder"}


@pytest.mark.parametrize("date", ["2019", "2019-07", "2019-07-15"])
def test_partial_source_dates_are_accepted(date):
    assert validate_feature(fictional_feature(date_source=date)) == []


@pytest.mark.parametrize("date", ["2019-13", "2019-02-30", "15/07/2019", "2999-01-01"])
def test_impossible_source_dates_are_refused(date):
    assert fields_of(validate_feature(fictional_feature(date_source=date))) == {"date_source"}


def test_actor_outside_reference_communes_gets_format_checks_only():
    feature = fictional_feature(
        code_postal="75011",
        code_insee="75111",
        commune="Paris",
        geometry={"type": "Point", "coordinates": [2.38, 48.86]},
    )
    assert validate_feature(feature) == []


def test_category_slugs_are_not_thematiques():
    problems = validate_feature(fictional_feature(thematiques=["trouver-un-emploi"]))
    assert fields_of(problems) == {"thematiques"}


def test_public_holidays_in_opening_hours_are_understood():
    assert validate_feature(fictional_feature(horaires_accueil="Mo-Fr 09:00-12:00; PH off")) == []


def test_validate_properties_serves_forms_and_api():
    problems = validate_properties("acteur-fictif", {"nom": "X"})
    assert {"nom", "kind", "source", "date_source", "statut"} <= fields_of(problems)
    assert all(problem.actor_id == "acteur-fictif" for problem in problems)


def test_feature_without_id_is_named_by_its_position():
    feature = fictional_feature(id=None)
    problems = validate_collection(fictional_collection(fictional_feature(), feature))
    assert [(p.actor_id, p.field) for p in problems] == [("#2", "id")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=examples(300), deadline=None)
@given(
    name=st.sampled_from(sorted(fictional_feature()["properties"]) + ["geometry", "id"]), value=json_values
)
def test_validator_never_raises_on_any_field_value(name, value):
    feature = fictional_feature()
    if name in ("geometry", "id"):
        feature[name] = value
    else:
        feature["properties"][name] = value
    problems = validate_feature(feature)
    assert all(problem.field and problem.message for problem in problems)


@settings(max_examples=examples(100), deadline=None)
@given(data=json_values)
def test_collection_validator_never_raises(data):
    validate_collection(data)


@pytest.mark.parametrize(
    "field, value",
    [
        ("telephone", 143628424),
        ("location_score", [1]),
        ("nom", ["Acteur fictif"]),
        ("description", None),
        ("age_min", 16.0),
        ("age_max", True),
        ("publics", "jeunes"),
        ("thematiques", [["imbriqué"]]),
        ("frequence_verification", "6"),
        ("location_score", float("nan")),
        ("code_postal", "93100\n"),
        ("courriel", {"contact": "x"}),
    ],
)
def test_wrong_types_are_refused_on_their_field(field, value):
    assert fields_of(validate_feature(fictional_feature(**{field: value}))) == {field}


@pytest.mark.parametrize(
    "field, longest",
    [("nom", 150), ("description", 2000), ("adresse", 200), ("source", 500), ("horaires_accueil", 500)],
)
def test_text_fields_have_a_documented_maximum(field, longest):
    from geo.actors.validation import TEXT_LIMITS

    assert TEXT_LIMITS[field] == longest
    problems = validate_feature(fictional_feature(**{field: "x" * (longest + 1)}))
    assert [p.field for p in problems] == [field] and f"{longest} au plus" in problems[0].message


def test_lists_are_bounded():
    problems = validate_feature(fictional_feature(zone_eligibilite=["93048"] * 51))
    assert fields_of(problems) == {"zone_eligibilite"}


def test_unknown_fields_are_refused_by_name():
    assert fields_of(validate_feature(fictional_feature(telephone_portable="06 00 00 00 00"))) == {
        "telephone_portable"
    }


@pytest.mark.parametrize("actor_id", ["a" * 81, "acteur-fictif\n", "Acteur-Fictif", "acteur--fictif"])
def test_identifiers_are_short_lowercase_slugs(actor_id):
    assert fields_of(validate_feature(fictional_feature(id=actor_id))) == {"id"}


def test_a_web_address_that_cannot_be_parsed_is_a_problem_not_a_crash():
    assert fields_of(validate_feature(fictional_feature(site_web="http://["))) == {"site_web"}


def test_the_command_line_validator_sees_a_numeric_phone(tmp_path):
    from webmap import create_app

    path = write_json(
        tmp_path / "fictif.geojson", fictional_collection(fictional_feature(telephone=143628424))
    )
    result = (
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i")})
        .test_cli_runner()
        .invoke(args=["actors", "validate", str(path)])
    )
    assert result.exit_code == 1 and "telephone" in result.output


def test_the_official_vocabulary_is_the_schema_packages():
    """Slugs of data·inclusion v1.0.2+ are accepted, the dropped « siae » is refused."""
    from geo.actors.validation import validate_feature

    current = fictional_feature(reseaux_porteurs=["aci", "ei"], publics=["tous-publics"])
    assert validate_feature(current) == []
    dropped = fictional_feature(reseaux_porteurs=["siae"])
    assert [p.field for p in validate_feature(dropped)] == ["reseaux_porteurs"]


@pytest.mark.parametrize(
    "email",
    [
        'accueil"@evil.fr',
        "accueil<x>@evil.fr",
        'contact"x@evil.fr',
        "contact@exemple-fictif.test",
        "Accueil <contact@exemple-fictif.fr>",
        " contact@exemple-fictif.fr",
        "contact@[192.0.2.1]",
    ],
)
def test_an_e_mail_data_inclusion_would_refuse_is_refused(email):
    """One rule (geo.mailbox): what the validator accepts, the national schema's EmailStr accepts."""
    assert fields_of(validate_feature(fictional_feature(courriel=email))) == {"courriel"}


def test_an_account_s_e_mail_follows_the_same_rule(runner):
    refused = runner.invoke(
        args=["users", "add", "x@asso.test", "--password-stdin"], input="mot-de-passe-fictif-123\n"
    )
    assert refused.exit_code == 2 and "adresse e-mail invalide" in refused.output
    added = runner.invoke(
        args=["users", "add", "benevole-fictif@example.org", "--password-stdin"],
        input="mot-de-passe-fictif-123\n",
    )
    assert added.exit_code == 0, added.output
