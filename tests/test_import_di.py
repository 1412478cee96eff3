"""`carto actors import-di`: fresh records from data·inclusion's API, previewed field by field with the
record behind each value, then applied all or nothing — against a loopback fake of the API that answers
as its code does, over made-up records built with the schema package's own models
(``tests/fake_data_inclusion.py``)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.fake_data_inclusion import TOKEN, FakeDataInclusion
from tests.support import made_up_hash
from webmap.services import current_store

UNVERIFIED = "chantier-fictif-montreuil"
VERIFIED = "insertion-fictive-montreuil"  # verified by a manager in the made-up dataset
ATELIER = "dora-fictif-atelier-bagnolet"
PERMANENCE = "dora-fictif-atelier-permanence-montreuil"
ESPACE = "emplois-de-linclusion-fictif-espace-emploi"
PARIS_PERMANENCE = "dora-fictif-paris-permanence-bagnolet"


@pytest.fixture
def fake(httpserver):
    fake = FakeDataInclusion()
    fake.base_url = fake.serve(httpserver)
    return fake


@pytest.fixture
def app(make_app, fake):
    return make_app(DI_API_URL=fake.base_url, DI_API_TOKEN=TOKEN, DI_SCORE_MINIMUM=0.5)


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["actors", "import-di", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _actors(app):
    with app.app_context():
        return {s.actor.id: s.actor for s in current_store().all()}


def test_the_dry_run_reads_each_commune_then_each_structure_in_full_and_writes_nothing(app, fake):
    before = _actors(app)
    output = _run(app)

    assert "6 structure(s) et 5 service(s) lus ; 2 reconnu(s)" in output
    assert "4 création(s), 1 mise(s) à jour" in output and "Aperçu seulement" in output
    assert _actors(app) == before
    served = set(app.config["COMMUNES"])
    for endpoint in ("structures", "services"):
        assert {a["code_commune"][0] for path, a in fake.asked if path == endpoint} == served
    assert all(a["score_qualite_minimum"] == ["0.5"] for path, a in fake.asked if path == "services")
    details = {path.removeprefix("structures/") for path, _ in fake.asked if path.startswith("structures/")}
    assert "dora--fictif-association-paris" in details  # the structure of a service received here


def test_the_preview_says_each_value_and_the_record_that_states_it(app):
    output = _run(app)

    assert f"création {PERMANENCE} : Atelier fictif de Bagnolet — Permanence fictive à Montreuil" in output
    block = output.split(f"création {PERMANENCE}")[1].split("création")[0]
    service = "[dora · service dora--fictif-atelier-permanence-montreuil, 2026-10-01]"
    assert f"horaires_accueil : We 14:00-17:00   {service}" in block
    assert f"adresse : 12 rue des Essais Fictifs   {service}" in block
    assert f"telephone : +33199000177   {service}" in block
    assert f"mise à jour {UNVERIFIED} : " in output
    update = output.split(f"mise à jour {UNVERIFIED}")[1]
    assert "telephone : +33199000150   [emplois-de-linclusion · structure" in update
    assert f"vérifié {VERIFIED} : telephone '+33199000101' → '+33199000199' (gardé)" in output
    assert "Association fictive de Paris » : aucun service reçu à son adresse" in output


def test_a_structure_and_its_services_become_actors_at_the_services_own_places_and_hours(app):
    _run(app, "--appliquer")
    actors = _actors(app)

    atelier = actors[ATELIER]  # its services received at its address, at their one timetable
    assert (atelier.nom, atelier.commune) == ("Atelier fictif de Bagnolet", "Bagnolet")
    assert atelier.horaires_accueil == "Mo,Th 09:00-12:00; PH off"
    assert (atelier.modes_mobilisation, atelier.frais) == (("se-presenter",), "gratuit")
    permanence = actors[PERMANENCE]  # received elsewhere: its own place, hours and ways in
    assert permanence.nom == "Atelier fictif de Bagnolet — Permanence fictive à Montreuil"
    assert (permanence.adresse, permanence.code_insee) == ("12 rue des Essais Fictifs", "93048")
    assert (permanence.location.lon, permanence.location.lat) == (2.4350, 48.8630)
    assert permanence.horaires_accueil == "We 14:00-17:00"
    assert permanence.modes_mobilisation == ("telephoner", "utiliser-lien-mobilisation")
    assert permanence.lien_mobilisation == "https://www.example.org/candidature-fictive"
    assert (permanence.telephone, permanence.publics) == ("+33199000177", ("jeunes",))
    assert (permanence.kind, permanence.statut) == ("siae_aci", "a_verifier")
    across = actors[PARIS_PERMANENCE]  # a structure in Paris, received in Bagnolet
    assert (across.code_insee, across.horaires_accueil) == ("93006", "Fr 09:00-12:00")
    assert "dora-fictif-association-paris" not in actors  # no one is received at its seat


def test_one_structure_published_by_two_sources_becomes_one_actor(app):
    _run(app, "--appliquer")
    actors = _actors(app)

    merged = [a for a in actors.values() if a.nom == "Espace emploi fictif de Villetaneuse"]
    assert [a.id for a in merged] == [ESPACE]  # the better-scored record names it
    (espace,) = merged
    assert espace.source == "data·inclusion (dora, emplois-de-linclusion)"
    assert espace.telephone == "+33199000170"  # only the other source gives it
    assert espace.site_web == "https://www.example.org/espace-emploi-fictif"
    assert espace.horaires_accueil == "Mo-Th 09:00-12:30; PH off"
    assert espace.date_source == "2026-10-01"


def test_importing_again_changes_nothing(app):
    _run(app, "--appliquer")
    output = _run(app)
    assert "0 création(s), 0 mise(s) à jour" in output


def test_an_actor_held_under_a_duplicates_id_is_refreshed_not_created_twice(app):
    from geo.actors.model import Actor

    with app.app_context():
        current_store().create(
            Actor(
                id="dora-fictif-espace-emploi",
                nom="Espace emploi (ancien nom fictif)",
                kind="association_accompagnement_emploi",
                source="data·inclusion (dora)",
                date_source="2025-06-02",
            ),
            "test",
        )
    output = _run(app)
    assert "mise à jour dora-fictif-espace-emploi" in output
    assert ESPACE not in output.split("mise à jour")[0]  # not among the creations


def test_services_under_the_quality_minimum_are_left_out(app):
    _run(app, "--appliquer")
    atelier = _actors(app)[ATELIER]
    assert "numerique--acceder-a-des-services-en-ligne" not in atelier.thematiques  # scored 0.2


def test_a_service_without_hours_of_its_own_keeps_the_structures(make_app, fake):
    app = make_app(DI_API_URL=fake.base_url, DI_API_TOKEN=TOKEN)  # every score read
    _run(app, "--appliquer")
    actors = _actors(app)
    assert actors[ATELIER].horaires_accueil == "Mo-Fr 09:00-17:00"
    assert actors[ATELIER].thematiques == ("numerique--acceder-a-des-services-en-ligne",)
    accompagnement = actors["dora-fictif-atelier-accompagnement"]  # same place, its own hours
    assert accompagnement.nom == "Atelier fictif de Bagnolet — Accompagnement fictif vers l’emploi"
    assert accompagnement.horaires_accueil == "Mo,Th 09:00-12:00; PH off"


def test_a_value_the_validator_refuses_is_left_out_and_said(make_app, httpserver):
    from tests.fake_data_inclusion import made_up_world

    world = made_up_world()
    world["structures"][2]["courriel"] = "jeanne.dupont@example.org"  # a person's, not a mailbox's
    fake = FakeDataInclusion(world)
    app = make_app(DI_API_URL=fake.serve(httpserver), DI_API_TOKEN=TOKEN)
    output = _run(app, "--appliquer")
    assert "Atelier fictif de Bagnolet : courriel non repris (adresse nominative probable" in output
    assert _actors(app)[ATELIER].courriel == ""


def test_the_search_around_a_point_asks_the_apis_search_nearest_first_without_duplicates(app, fake):
    output = _run(app, "--autour", "48.8630,2.4350", "--rayon", "2")

    (asked,) = [a for path, a in fake.asked if path == "search/services"]
    assert asked["code_commune"] == ["93048"] and asked["exclure_doublons"] == ["true"]
    assert (asked["lat"], asked["lon"], asked["score_qualite_minimum"]) == (["48.863"], ["2.435"], ["0.5"])
    assert "2 structure(s) et 3 service(s) lus" in output
    assert f"création {PERMANENCE}" in output and f"création {PARIS_PERMANENCE}" in output
    assert "Villetaneuse" not in output  # 12 km away


@pytest.mark.parametrize("point", ["48.86", "quarante,deux", "43.30,5.37"])
def test_a_point_outside_the_known_communes_is_refused(app, point):
    result = app.test_cli_runner().invoke(args=["actors", "import-di", "--autour", point])
    assert result.exit_code == 2 and "--autour" in result.output


def test_a_refused_token_is_a_clear_error(make_app, fake):
    app = make_app(DI_API_URL=fake.base_url, DI_API_TOKEN="faux")
    result = app.test_cli_runner().invoke(args=["actors", "import-di"])
    assert result.exit_code == 1 and "401" in result.output and "CARTO_DI_API_TOKEN" in result.output


def test_an_unknown_commune_is_refused(app):
    result = app.test_cli_runner().invoke(args=["actors", "import-di", "--commune", "75056"])
    assert result.exit_code == 2 and "75056" in result.output


def test_a_record_is_recognised_by_its_siret_before_its_name():
    """Renamed at the source and moved 2 km away, the SIRET still says it is our actor."""
    from data_inclusion.schema import v1

    from geo.io.data_inclusion_api import plan_data_inclusion
    from geo.io.dataset import load_actors
    from tests.support import FICTIONAL_DATASET

    renamed = v1.Structure(
        source="source-fictive",
        id="source-fictive--renomme",
        nom="Nouveau nom fictif",
        date_maj=dt.date(2026, 10, 1),
        siret="00000000000093",
        code_insee="93048",
        longitude=2.47,
        latitude=48.87,
    )
    document = {"structures": [renamed.model_dump(mode="json", exclude_none=True)], "services": []}
    result = plan_data_inclusion(document, load_actors(FICTIONAL_DATASET))
    assert result.matched == [("source-fictive-renomme", UNVERIFIED)]
    assert not result.plan.creations


def test_the_back_office_previews_each_value_with_its_source_then_applies(make_app, fake):
    app = make_app(DI_API_URL=fake.base_url, DI_API_TOKEN=TOKEN, WTF_CSRF_ENABLED=False)
    with app.app_context():
        current_store().add_user(
            "gestionnaire-fictif@example.org", made_up_hash("mot-de-passe-fictif"), "manager"
        )
    manager = app.test_client()
    manager.post(
        "/connexion", data={"email": "gestionnaire-fictif@example.org", "password": "mot-de-passe-fictif"}
    )

    preview = manager.post("/gestion/import/data-inclusion")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "5 création(s), 1 mise(s) à jour" in page
    assert "+33199000101" in page and "+33199000199" in page and "gardés" in page
    assert "We 14:00-17:00" in page and "dora · service dora--fictif-atelier-permanence-montreuil" in page
    assert "aucun service reçu à son adresse" in page
    assert _actors(app)[UNVERIFIED].telephone == ""
    token = re.search(r'name="jeton" value="([0-9a-f]{32})"', page).group(1)

    applied = manager.post("/gestion/import/data-inclusion", data={"jeton": token, "appliquer": "1"})
    assert applied.status_code == 302
    actors = _actors(app)
    assert actors[UNVERIFIED].telephone == "+33199000150"
    assert actors[VERIFIED].telephone == "+33199000101"
    assert actors[PERMANENCE].horaires_accueil == "We 14:00-17:00"
