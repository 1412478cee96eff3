"""« Vérifier par téléphone »: the call sheet saves one revision « vérifié par téléphone », with who and
when; only a confirmed opening makes the actor `actif`; the queue puts first what volunteers meet."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.support import made_up_hash
from tests.web_support import csrf_token
from webmap.services import current_store

MANAGER, PASSWORD = "gestionnaire-fictif@example.org", "mot-de-passe-fictif"
ACTOR = "insertion-fictive-montreuil"  # phone +33199000101 in the made-up dataset
SHEET = f"/gestion/acteurs/{ACTOR}/verifier"


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash(PASSWORD), "manager")
    return app


@pytest.fixture
def manager(app):
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    client.post("/connexion", data={"email": MANAGER, "password": PASSWORD, "csrf_token": csrf_token(page)})
    return client


def _sheet(manager):
    page = manager.get(SHEET).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return page, {"csrf_token": csrf_token(page), "version": version}


def _stored(app):
    with app.app_context():
        return current_store().get(ACTOR), current_store().history(ACTOR)[0]


def test_the_sheet_gives_the_number_what_to_say_and_each_fact_as_it_stands(manager):
    page, _ = _sheet(manager)
    assert 'href="tel:+33199000101">Appeler le 01 99 00 01 01</a>' in page
    assert "nos bénévoles orientent des habitants" in page
    for label in (
        "Toujours ouvert au public ?",
        "Adresse",
        "Téléphone",
        "Horaires",
        "Comment y aller",
        "Qui est reçu",
    ):
        assert f"<legend>{label}</legend>" in page
    assert "31 rue des Tests Fictifs, 93100 Montreuil" in page and "horaires inconnus" in page


def test_nothing_changed_is_one_tap_and_dates_the_verification(manager, app):
    _, form = _sheet(manager)
    response = manager.post(SHEET, data={**form, "tout_confirme": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/gestion/a-verifier")
    stored, revision = _stored(app)
    assert (stored.actor.statut, stored.actor.date_verification) == ("actif", dt.date.today())
    assert revision.author == f"{MANAGER} (vérifié par téléphone)"
    assert set(revision.changes) == {"date_verification"}  # already « actif »: nothing else moved


def test_changed_facts_are_written_and_unknown_ones_said(manager, app):
    before, _ = _stored(app)
    _, form = _sheet(manager)
    answers = {"fait-adresse": "confirme", "fait-telephone": "change", "fait-horaires": "change"}
    answers |= {"fait-acces": "change", "fait-publics": "inconnu", "ouvert": "oui"}
    new = {
        "telephone": "+33199000111",
        "horaires_saisie": "grille",
        "grille-1-0-de": "09:00",
        "grille-1-0-a": "12:00",
    }
    new |= {"modes_mobilisation": ["telephoner"], "mobilisable_par": ["usagers"], "publics": ["femmes"]}
    assert manager.post(SHEET, data={**form, **answers, **new}).status_code == 302
    stored, revision = _stored(app)
    actor = stored.actor
    assert (actor.telephone, actor.horaires_accueil) == ("+33199000111", "Tu 09:00-12:00")
    assert (actor.modes_mobilisation, actor.mobilisable_par) == (("telephoner",), ("usagers",))
    assert actor.publics == before.actor.publics  # « inconnu »: the source's stays, whatever was ticked
    assert revision.author == f"{MANAGER} (vérifié par téléphone ; non confirmé : qui est reçu)"


def test_closed_for_good_retires_the_actor(manager, app):
    _, form = _sheet(manager)
    answers = {f"fait-{slug}": "inconnu" for slug in ("adresse", "telephone", "horaires", "acces", "publics")}
    assert manager.post(SHEET, data={**form, **answers, "ouvert": "non"}).status_code == 302
    stored, _ = _stored(app)
    assert stored.actor.statut == "ferme"


def test_an_opening_not_confirmed_verifies_nothing(manager, app):
    before, _ = _stored(app)
    _, form = _sheet(manager)
    answers = {
        f"fait-{slug}": "confirme" for slug in ("adresse", "telephone", "horaires", "acces", "publics")
    }
    assert manager.post(SHEET, data={**form, **answers, "ouvert": "inconnu"}).status_code == 302
    stored, _ = _stored(app)
    assert stored == before  # nothing learnt, nothing written


def test_an_unanswered_question_is_refused_and_nothing_written(manager, app):
    _, form = _sheet(manager)
    response = manager.post(SHEET, data={**form, "fait-adresse": "confirme", "ouvert": "oui"})
    assert response.status_code == 400 and "Répondez à chaque question." in response.get_data(as_text=True)
    stored, _ = _stored(app)
    assert stored.version == 1


def test_a_change_saved_during_the_call_is_not_overwritten(manager, app):
    _, form = _sheet(manager)
    with app.app_context():
        stored = current_store().get(ACTOR)
        import dataclasses

        current_store().update(
            dataclasses.replace(stored.actor, telephone="+33199000122"), stored.version, "autre"
        )
    response = manager.post(SHEET, data={**form, "tout_confirme": "1"})
    assert response.status_code == 409
    stored, _ = _stored(app)
    assert stored.actor.telephone == "+33199000122" and stored.actor.date_verification != dt.date.today()


def test_the_queue_puts_first_the_actors_volunteers_meet_most(app, manager):
    from webmap.shown import shown_tally

    volunteer = app.test_client()
    for _ in range(3):  # searches in Montreuil, never counting who searched or where
        assert volunteer.get("/?lat=48.8611&lon=2.4461&k=3").status_code == 200
    assert volunteer.get("/?lat=48.9100&lon=2.5480&k=1").status_code == 200  # once in Clichy
    with app.app_context():
        shown_tally().flush()
        counts = current_store().shown_counts()
    assert sorted(counts.values()) == [1, 3, 3, 3]
    queue = manager.get("/gestion/a-verifier").get_data(as_text=True)
    first = re.search(r'<li><a href="/gestion/acteurs/([^"]+)"', queue).group(1)
    assert counts.get(first) == 3 and "montré 3 fois" in queue
    assert f'href="/gestion/acteurs/{first}/verifier">Vérifier par téléphone' in queue


def test_leads_are_offered_where_a_manager_verifies_never_imported(make_app):
    """The curated dataset: the Régie de proximité de Villetaneuse has no address; a 2023 list gives one."""
    from tests.support import ROOT

    app = make_app(ACTORS_FILE=str(ROOT / "data" / "actors.geojson"))
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash(PASSWORD), "manager")
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    client.post("/connexion", data={"email": MANAGER, "password": PASSWORD, "csrf_token": csrf_token(page)})
    lead = "piste : adresse indiquée en avril 2023 par la liste des structures des conseillers numériques"
    queue = client.get("/gestion/a-verifier").get_data(as_text=True)
    assert (
        f"{lead} France Services — « 50 RUE ROGER SALENGRO 93430 VILLETANEUSE » — à confirmer par téléphone"
        in queue
    )
    sheet = client.get("/gestion/acteurs/regie-de-proximite-de-villetaneuse/verifier").get_data(as_text=True)
    assert "50 RUE ROGER SALENGRO" in sheet
    to_locate = client.get("/gestion/a-localiser").get_data(as_text=True)
    missing = to_locate.split('id="pistes"')[1]
    assert "Maison de l&#39;emploi de Bagnolet/Montreuil" in missing and "94 Rue Lénine" in missing
    assert "en février 2024 par l’export des structures d’Aidants Connect" in missing
    with app.app_context():
        assert current_store().get("regie-de-proximite-de-villetaneuse").actor.adresse == ""
