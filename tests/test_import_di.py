"""`carto actors import-di`: fresh records from data·inclusion's API, previewed then applied all or nothing,
against a loopback server serving made-up records built from the schema package's own models."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from werkzeug.wrappers import Response

from tests.support import made_up_hash
from webmap.services import current_store

TOKEN = "jeton-data-inclusion-fictif"
UNVERIFIED = "chantier-fictif-montreuil"
VERIFIED = "insertion-fictive-montreuil"  # verified by a manager in the made-up dataset


def made_up_records():
    """Two structures (one we hold, one new) and a service, valid under data_inclusion.schema.v1."""
    from data_inclusion.schema import v1

    updated = dt.date(2026, 10, 1)
    held = v1.Structure(
        source="source-fictive",
        id="source-fictive--insertion",
        nom="Insertion fictive de Montreuil",
        date_maj=updated,
        adresse="31 rue des Tests Fictifs",
        code_postal="93100",
        code_insee="93048",
        commune="Montreuil",
        longitude=2.4381,
        latitude=48.8571,
        telephone="+33199000199",
        reseaux_porteurs=["aci", "ei"],
    )
    unverified = v1.Structure(
        source="source-fictive",
        id="source-fictive--chantier",
        nom="Chantier fictif de Montreuil",
        date_maj=updated,
        code_insee="93048",
        commune="Montreuil",
        code_postal="93100",
        longitude=2.4461,
        latitude=48.8611,
        telephone="+33199000150",
        reseaux_porteurs=["ai"],
    )
    new = v1.Structure(
        source="source-fictive",
        id="source-fictive--atelier",
        nom="Atelier fictif de Bagnolet",
        date_maj=updated,
        adresse="2 rue Imaginaire",
        code_postal="93170",
        code_insee="93006",
        commune="Bagnolet",
        longitude=2.4260,
        latitude=48.8705,
        reseaux_porteurs=["aci"],
    )
    service = v1.Service(
        source="source-fictive",
        id="source-fictive--atelier-accompagnement",
        structure_id="source-fictive--atelier",
        nom="Accompagnement fictif",
        description="Accompagnement fictif vers l’emploi.",
        date_maj=updated,
        thematiques=["trouver-un-emploi--repondre-a-des-offres-demploi"],
        publics=["tous-publics"],
        modes_mobilisation=["se-presenter"],
        mobilisable_par=["usagers"],
    )
    dump = [model.model_dump(mode="json", exclude_none=True) for model in (held, unverified, new)]
    return {"structures": dump, "services": [service.model_dump(mode="json", exclude_none=True)]}


@pytest.fixture
def data_inclusion(httpserver):
    """The API's documented shape: GET /structures and /services with code_commune, page and size,
    a bearer token; pages of {items, total, page, size, pages} — one record per page here."""
    records = made_up_records()
    asked = []

    def pages_of(kind):
        def handler(request):
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return Response(
                    json.dumps({"detail": "Not authenticated"}), 401, content_type="application/json"
                )
            asked.append((kind, request.args.get("code_commune")))
            items = [
                r
                for r in records[kind]
                if kind == "services" or r.get("code_insee") == request.args.get("code_commune")
            ]
            if kind == "services" and request.args.get("code_commune") != "93006":
                items = []
            page = int(request.args.get("page", 1))
            body = {
                "items": items[page - 1 : page],
                "total": len(items),
                "page": page,
                "size": 1,
                "pages": max(len(items), 1),
            }
            return Response(json.dumps(body), 200, content_type="application/json")

        return handler

    for kind in ("structures", "services"):
        httpserver.expect_request(f"/api/v1/{kind}").respond_with_handler(pages_of(kind))
    return httpserver.url_for("/api/v1"), asked


@pytest.fixture
def app(make_app, data_inclusion):
    return make_app(DI_API_URL=data_inclusion[0], DI_API_TOKEN=TOKEN)


def test_dry_run_shows_creations_refreshes_and_verified_differences_and_writes_nothing(app, data_inclusion):
    result = app.test_cli_runner().invoke(args=["actors", "import-di"])

    assert result.exit_code == 0, result.output
    assert "3 structure(s) et 1 service(s) lus ; 2 reconnu(s)" in result.output
    assert "1 création(s), 1 mise(s) à jour" in result.output
    assert f"mise à jour {UNVERIFIED} : " in result.output and "telephone" in result.output
    assert f"vérifié {VERIFIED} : telephone '+33199000101' → '+33199000199' (gardé)" in result.output
    assert "Aperçu seulement" in result.output
    with app.app_context():
        assert current_store().get(UNVERIFIED).actor.telephone == ""
        assert "source-fictive-atelier" not in {s.actor.id for s in current_store().all()}
    communes = {commune for _, commune in data_inclusion[1]}
    assert communes == set(app.config["COMMUNES"])  # the communes served


def test_apply_writes_all_and_keeps_what_a_manager_verified(app):
    result = app.test_cli_runner().invoke(args=["actors", "import-di", "--appliquer"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        store = current_store()
        refreshed = store.get(UNVERIFIED).actor
        created = store.get("source-fictive-atelier").actor
        verified = store.get(VERIFIED).actor
    assert refreshed.telephone == "+33199000150" and refreshed.source == "data·inclusion (source-fictive)"
    assert (refreshed.kind, refreshed.statut) == ("siae_ai", "a_verifier")  # ours stay ours
    assert refreshed.location.source == "source" and refreshed.date_source == "2026-10-01"
    assert (created.kind, created.statut, created.location.source) == ("siae_aci", "a_verifier", "source")
    assert created.modes_mobilisation == ("se-presenter",) and created.publics == ()
    assert verified.telephone == "+33199000101"


def test_overwriting_verified_fields_is_asked_for_and_shown(app):
    result = app.test_cli_runner().invoke(args=["actors", "import-di", "--appliquer", "--ecraser-verifies"])

    assert result.exit_code == 0, result.output
    assert "(remplacé)" in result.output
    with app.app_context():
        assert current_store().get(VERIFIED).actor.telephone == "+33199000199"


def test_a_refused_token_is_a_clear_error(make_app, data_inclusion):
    app = make_app(DI_API_URL=data_inclusion[0], DI_API_TOKEN="faux")
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


def test_the_back_office_previews_then_applies_the_same_import(make_app, data_inclusion):
    import re

    app = make_app(DI_API_URL=data_inclusion[0], DI_API_TOKEN=TOKEN, WTF_CSRF_ENABLED=False)
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
    assert preview.status_code == 200 and "1 création(s), 1 mise(s) à jour" in page
    assert "+33199000101" in page and "+33199000199" in page and "gardés" in page
    with app.app_context():
        assert current_store().get(UNVERIFIED).actor.telephone == ""
    token = re.search(r'name="jeton" value="([0-9a-f]{32})"', page).group(1)

    applied = manager.post("/gestion/import/data-inclusion", data={"jeton": token, "appliquer": "1"})
    assert applied.status_code == 302
    with app.app_context():
        assert current_store().get(UNVERIFIED).actor.telephone == "+33199000150"
        assert current_store().get(VERIFIED).actor.telephone == "+33199000101"
