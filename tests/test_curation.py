"""The managers' back office: roles on every route, CSRF, editing with history, no lost edit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import url_for

from tests.support import made_up_hash
from tests.web_support import csrf_token, form_of
from webmap.auth.services import hash_token
from webmap.services import current_store

ACTOR = "insertion-fictive-montreuil"
"""A made-up actor of tests/fixtures/acteurs-fictifs.geojson."""
PAGE = f"/gestion/acteurs/{ACTOR}"
API = f"/api/v1/actors/{ACTOR}"

PASSWORD = "mot-de-passe-fictif-123"


@pytest.fixture
def app(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        store = current_store()
        store.add_user("gestionnaire-fictif@example.org", made_up_hash(PASSWORD), "manager")
        store.add_user("benevole-fictif@example.org", made_up_hash(PASSWORD), "volunteer")
        store.set_token("gestionnaire-fictif@example.org", hash_token("jeton-fictif"))
    return app


def login(client, email="gestionnaire-fictif@example.org", password=PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password})


@pytest.fixture
def manager(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def curation_routes(app):
    """Every non-public route: the back office, and the API's writing methods."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            methods = rule.methods - {"HEAD", "OPTIONS"}
            if rule.endpoint.startswith(("curation.", "api_write.", "campaigns.")):
                values = {arg: ACTOR if arg == "actor_id" else 1 for arg in rule.arguments}
                for method in methods:
                    routes.append((method, url_for(rule.endpoint, **values)))
    return routes


def test_every_curation_route_refuses_anonymous_people_and_volunteers(app):
    routes = curation_routes(app)
    assert len(routes) >= 12
    anonymous = app.test_client()
    volunteer = app.test_client()
    login(volunteer, "benevole-fictif@example.org")
    for method, path in routes:
        response = anonymous.open(path, method=method)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        else:
            assert response.status_code == 302 and "/connexion" in response.headers["Location"], (
                method,
                path,
            )
        assert volunteer.open(path, method=method).status_code == 403, (method, path)


def test_every_state_changing_form_refuses_a_request_without_csrf_token(make_app):
    app = make_app()
    with app.app_context():
        current_store().add_user("gestionnaire-fictif@example.org", made_up_hash(PASSWORD), "manager")
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = csrf_token(page)
    assert (
        client.post(
            "/connexion", data={"email": "gestionnaire-fictif@example.org", "password": PASSWORD}
        ).status_code
        != 302
    )
    assert (
        client.post(
            "/connexion",
            data={"email": "gestionnaire-fictif@example.org", "password": PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )
    for method, path in curation_routes(app):
        if method == "POST":
            response = client.post(path, data={"version": "1", "nom": "Nom fictif"})
            assert response.status_code == 400, path
    assert client.post("/deconnexion").status_code == 400
    api = client.patch(API, json={"properties": {}}, headers={"If-Match": '"v1"'})
    assert api.status_code == 400 and "X-CSRFToken" in api.get_json()["parametres"]


def test_wrong_password_is_refused_and_login_is_rate_limited(app):
    client = app.test_client()
    assert login(client, password="faux-mot-de-passe").status_code == 401
    statuses = [login(client, password="faux-mot-de-passe").status_code for _ in range(12)]
    assert 429 in statuses


def test_session_cookie_is_httponly_lax_and_secure(app):
    response = login(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_edit_is_a_revision_with_author_and_field_diff(manager, app):
    form = manager.get(PAGE).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form

    response = manager.post(PAGE, data=form_of(app, ACTOR, telephone="+33199000109"))

    assert response.status_code == 302
    history = manager.get(f"{PAGE}/historique").get_data(as_text=True)
    assert "Version 2 — modification" in history and "gestionnaire-fictif@example.org" in history
    assert "+33199000101" in history and "+33199000109" in history


def test_validation_errors_are_shown_next_to_the_field(manager, app):
    response = manager.post(PAGE, data=form_of(app, ACTOR, code_postal="931"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="code_postal-erreur">valeur invalide : &#39;931&#39; \(5 chiffres\)', page)


def test_stale_edit_shows_both_changes_and_loses_nothing(manager, app):
    mine = form_of(app, ACTOR, telephone="+33199000109")
    theirs = form_of(app, ACTOR, nom="Insertion fictive (nom changé)")
    assert manager.post(PAGE, data=theirs).status_code == 302

    conflict = manager.post(PAGE, data=mine)

    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Insertion fictive (nom changé)" in page and "+33199000109" in page
    with app.app_context():
        assert current_store().get(ACTOR).actor.nom == "Insertion fictive (nom changé)"
    merged = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert merged == "2"


def test_create_warns_about_probable_duplicates(manager, app):
    data = form_of(
        app, ACTOR, nom="Insertion fictive de Montreuil", telephone="+33199000101", statut="a_verifier"
    )
    data["version"] = ""
    warned = manager.post("/gestion/acteurs/nouveau", data=data)
    assert warned.status_code == 409 and "Doublon probable" in warned.get_data(as_text=True)
    data["nom"] = "Insertion fictive (antenne)"
    data["confirmer_doublon"] = "1"
    created = manager.post("/gestion/acteurs/nouveau", data=data)
    assert created.status_code == 302 and created.headers["Location"].endswith(
        "/gestion/acteurs/insertion-fictive-antenne"
    )


def test_retire_verify_restore_and_queue(manager, app):
    home = manager.get("/gestion/").get_data(as_text=True)
    before = int(re.search(r"<strong>(\d+)</strong> acteurs? à vérifier", home).group(1))
    assert manager.post(f"{PAGE}/verifie", data={"version": "1"}).status_code == 302
    home = manager.get("/gestion/").get_data(as_text=True)
    assert int(re.search(r"<strong>(\d+)</strong> acteurs? à vérifier", home).group(1)) == before - 1
    assert manager.post(f"{PAGE}/retirer", data={"version": "2"}).status_code == 302
    assert manager.post(f"{PAGE}/restaurer/1", data={"version": "3"}).status_code == 302
    with app.app_context():
        stored = current_store().get(ACTOR)
    assert (stored.version, stored.actor.statut, stored.actor.date_verification) == (
        4,
        "actif",
        dt.date(2025, 3, 10),
    )  # version 1, as the made-up dataset has it
    stale = manager.post(f"{PAGE}/retirer", data={"version": "1"})
    assert stale.status_code == 409


def test_the_etag_of_a_compressed_answer_names_the_same_version(app):
    client = app.test_client()
    bearer = {"Authorization": "Bearer jeton-fictif"}
    etag = client.get(API, headers={"Accept-Encoding": "br"}).headers["ETag"]
    assert etag == '"v1:br"'
    body = {"properties": {"telephone": "+33199000109"}}
    assert client.patch(API, json=body, headers={**bearer, "If-Match": etag}).status_code == 200
    assert client.patch(API, json=body, headers={**bearer, "If-Match": etag}).status_code == 412


def test_api_changes_need_if_match_and_refuse_stale_versions(app):
    client = app.test_client()
    bearer = {"Authorization": "Bearer jeton-fictif"}
    etag = client.get(API).headers["ETag"]
    assert etag == '"v1"'
    body = {"properties": {"telephone": "+33199000109"}}

    assert client.patch(API, json=body, headers=bearer).status_code == 428
    ok = client.patch(API, json=body, headers={**bearer, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"v2"'
    stale = client.patch(API, json=body, headers={**bearer, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["actuel"]["properties"]["telephone"] == "+33199000109"
    bad = client.patch(API, json={"properties": {"code_postal": "1"}}, headers={**bearer, "If-Match": '"v2"'})
    assert bad.status_code == 400 and "code_postal" in bad.get_json()["parametres"]
    gone = client.delete(API, headers={**bearer, "If-Match": '"v2"'})
    assert gone.status_code == 200 and gone.get_json()["properties"]["statut"] == "ferme"
    assert (
        client.patch(API, json=body, headers={"Authorization": "Bearer faux", "If-Match": '"v3"'}).status_code
        == 401
    )


@pytest.mark.parametrize("actor_id", ["0" * 81, "Majuscules", "double--tiret"])
def test_no_version_is_asked_of_an_id_no_actor_can_have(app, actor_id):
    """DELETE and PATCH of an impossible id: 404, whatever the If-Match (not a 412 « stale »)."""
    client = app.test_client()
    headers = {"Authorization": "Bearer jeton-fictif", "If-Match": '"v0"'}
    assert client.delete(f"/api/v1/actors/{actor_id}", headers=headers).status_code == 404
    assert (
        client.patch(f"/api/v1/actors/{actor_id}", json={"properties": {}}, headers=headers).status_code
        == 404
    )


def test_api_creates_with_a_feature(app):
    client = app.test_client()
    from tests.support import fictional_feature

    created = client.post(
        "/api/v1/actors", json=fictional_feature(), headers={"Authorization": "Bearer jeton-fictif"}
    )
    assert created.status_code == 201 and created.headers["ETag"] == '"v1"'
    again = client.post(
        "/api/v1/actors", json=fictional_feature(), headers={"Authorization": "Bearer jeton-fictif"}
    )
    assert again.status_code == 409


def test_import_through_the_back_office_previews_then_applies(manager, app):
    import io
    import json

    from tests.support import fictional_feature

    upload = json.dumps({"type": "FeatureCollection", "features": [fictional_feature()]}).encode()
    preview = manager.post(
        "/gestion/import",
        data={"format": "geojson", "fichier": (io.BytesIO(upload), "fictif.geojson")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 création(s)" in page
    with app.app_context():
        assert "acteur-fictif-de-test" not in {s.actor.id for s in current_store().all()}
    token = re.search(r'name="jeton" value="([0-9a-f]+)"', page).group(1)

    applied = manager.post("/gestion/import", data={"jeton": token, "format": "geojson", "appliquer": "1"})

    assert applied.status_code == 302
    with app.app_context():
        assert current_store().get("acteur-fictif-de-test").version == 1


def test_export_downloads_each_format(manager):
    for kind, marker in (
        ("csv", "id,nom,kind"),
        ("geojson", '"FeatureCollection"'),
        ("data-inclusion", '"structures"'),
    ):
        response = manager.get(f"/gestion/export?format={kind}")
        assert response.status_code == 200 and marker in response.get_data(as_text=True)
        assert "attachment" in response.headers["Content-Disposition"]


def test_an_actors_own_frequency_decides_when_it_needs_checking():
    import dataclasses
    import datetime as dt

    from geo.actors.model import actor_from_feature
    from geo.actors.verification import verification_queue
    from tests.support import fictional_feature

    checked = dataclasses.replace(
        actor_from_feature(fictional_feature()), date_verification=dt.date(2026, 8, 1)
    )
    monthly = dataclasses.replace(checked, id="acteur-fictif-mensuel", frequence_verification=1)
    queue = verification_queue([checked, monthly], dt.date(2026, 11, 27), months=6)
    assert [(item.actor.id, item.reasons) for item in queue] == [
        ("acteur-fictif-mensuel", ("vérifié le 01/08/2026, il y a plus de 1 mois",))
    ]


def _give_stated_location(app):
    """The made-up actor as if its point came from a source, with a score."""
    import dataclasses

    from geo.actors.model import Location

    with app.app_context():
        stored = current_store().get(ACTOR)
        stated = Location(2.4380, 48.8570, "geocoded", None, 0.93, "local")
        current_store().update(dataclasses.replace(stored.actor, location=stated), stored.version, "fixture")


def test_coordinates_typed_by_hand_become_the_managers(manager, app):
    _give_stated_location(app)
    response = manager.post(PAGE, data=form_of(app, ACTOR, lon="2.4391", lat="48.8575"))
    assert response.status_code == 302
    with app.app_context():
        location = current_store().get(ACTOR).actor.location
    assert (location.lon, location.lat, location.source) == (2.4391, 48.8575, "manager")
    assert (location.score, location.geocoder, location.reference) == (None, None, None)


def test_an_edit_that_leaves_the_point_keeps_its_provenance(manager, app):
    _give_stated_location(app)
    response = manager.post(PAGE, data=form_of(app, ACTOR, description="Nouvelle description fictive"))
    assert response.status_code == 302
    with app.app_context():
        location = current_store().get(ACTOR).actor.location
    assert (location.source, location.score, location.geocoder) == ("geocoded", 0.93, "local")


def test_the_queue_puts_the_weakest_records_first_by_the_national_quality_score(manager, app):
    import dataclasses

    from geo.actors.model import actor_from_feature
    from geo.actors.quality import quality
    from geo.actors.verification import verification_queue
    from tests.support import fictional_feature

    bare = actor_from_feature(fictional_feature(id="acteur-fictif-nu", frais=None, telephone=""))
    complete = dataclasses.replace(
        actor_from_feature(fictional_feature(id="acteur-fictif-complet")),
        frais="gratuit",
        telephone="+33199000111",
        description="Accompagnement fictif vers l’emploi. " * 8,
    )
    assert quality(bare).score < quality(complete).score
    assert "frais" in quality(bare).weakest and "frais" not in quality(complete).weakest
    queue = verification_queue([complete, bare], dt.date(2026, 11, 27))
    assert [item.actor.id for item in queue] == ["acteur-fictif-nu", "acteur-fictif-complet"]
    page = manager.get("/gestion/a-verifier").get_data(as_text=True)
    assert re.search(r"qualité \d+ %", page)
    assert re.search(r'id="qualite">Qualité data·inclusion : \d+ %', manager.get(PAGE).get_data(as_text=True))


def test_the_actors_to_locate_are_listed_with_what_to_look_for(manager, app, tmp_path):
    page = manager.get("/gestion/a-localiser").get_data(as_text=True)
    for name in ("France Travail", "Duo for a Job", "SFMAD", "Simplon"):
        assert f"<strong>{name}</strong>" in page
    assert "Que chercher" in page and 'href="/gestion/acteurs/nouveau?nom=SFMAD"' in page
    form = manager.get("/gestion/acteurs/nouveau?nom=SFMAD").get_data(as_text=True)
    assert re.search(r'<input id="nom" name="nom"[^>]* value="SFMAD"', form)


def test_an_entry_to_locate_is_found_once_a_located_actor_carries_its_name(app):
    from pathlib import Path

    from geo.actors.model import actor_from_feature
    from geo.actors.to_locate import to_locate
    from tests.support import fictional_feature

    duo = actor_from_feature(
        fictional_feature(id="duo-for-a-job-fictif", nom="Duo for a Job (antenne fictive)")
    )
    unlocated = actor_from_feature(
        fictional_feature(id="sfmad-fictif", nom="SFMAD fictif", geometry=None, location_source=None)
    )
    _, entries = to_locate(Path(app.config["TO_LOCATE_FILE"]), [duo, unlocated])
    by_name = {entry.nom: entry for entry in entries}
    assert by_name["Duo for a Job"].found == duo
    assert by_name["SFMAD"].found is None and by_name["Génération"].found is None
