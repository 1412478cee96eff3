"""The actor form's hours grid, as the server reads it: the grid writes the OSM value, a value beyond
the grid stays in the expert field, a grid that makes no sense is refused beside the field."""

from __future__ import annotations

import pytest

from tests.web_support import form_of, signed_in, with_manager

ACTOR = "insertion-fictive-montreuil"
PAGE = f"/gestion/acteurs/{ACTOR}"


@pytest.fixture
def app(make_app):
    return with_manager(make_app(WTF_CSRF_ENABLED=False))


@pytest.fixture
def manager(app):
    return signed_in(app)


def _hours(app):
    from webmap.services import current_store

    with app.app_context():
        return current_store().get(ACTOR).actor.horaires_accueil


def _grid(**inputs):
    return {"horaires_saisie": "grille", **inputs}


def test_the_grid_writes_the_osm_value(manager, app):
    data = form_of(
        app,
        ACTOR,
        **_grid(**{"grille-0-0-de": "09:00", "grille-0-0-a": "12:30", "grille-2-0-de": "14:00"}),
        **{"grille-2-0-a": "17:00", "grille-rdv": "1", "grille-feries": "1"},
    )
    assert manager.post(PAGE, data=data).status_code == 302
    assert _hours(app) == 'Mo 09:00-12:30 "sur rendez-vous"; We 14:00-17:00 "sur rendez-vous"; PH off'
    page = manager.get(PAGE).get_data(as_text=True)
    assert 'name="grille-0-0-de" value="09:00"' in page and 'name="grille-rdv" value="1" checked' in page


def test_a_grid_that_makes_no_sense_is_refused_and_nothing_is_written(manager, app):
    data = form_of(app, ACTOR, **_grid(**{"grille-1-0-de": "12:00", "grille-1-0-a": "09:00"}))
    response = manager.post(PAGE, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "mardi : 12:00–09:00 : la fin doit suivre le début" in page
    assert 'name="grille-1-0-de" value="12:00"' in page  # the manager's inputs, kept
    assert _hours(app) == ""


def test_hours_beyond_the_grid_open_in_the_expert_field_and_are_kept(manager, app):
    three = "Mo-Fr 09:00-12:00,13:00-15:00,16:00-18:00"
    assert manager.post(PAGE, data=form_of(app, ACTOR, horaires_accueil=three)).status_code == 302
    page = manager.get(PAGE).get_data(as_text=True)
    assert "ne tiennent pas dans la grille" in page
    assert 'value="expert" checked' in page and 'value="grille" disabled' in page
    data = form_of(app, ACTOR, horaires_saisie="expert", telephone="+33199000109")
    assert manager.post(PAGE, data=data).status_code == 302
    assert _hours(app) == three


def test_saving_the_grid_unchanged_keeps_the_hours_as_they_were_written(manager, app):
    spelt = "Mo-Fr 09:00-12:00; 2026Dec24-2027Jan02 off"  # the grid would write « 2026 Dec 24-… »
    assert manager.post(PAGE, data=form_of(app, ACTOR, horaires_accueil=spelt)).status_code == 302
    page = manager.get(PAGE).get_data(as_text=True)
    assert 'value="grille" checked' in page
    inputs = {f"grille-{d}-0-{s}": t for d in range(5) for s, t in (("de", "09:00"), ("a", "12:00"))}
    data = form_of(app, ACTOR, **_grid(**inputs, **{"grille-fermeture-du": "2026-12-24"}))
    data["grille-fermeture-au"] = "2027-01-01"
    assert manager.post(PAGE, data=data).status_code == 302
    assert _hours(app) == spelt


def test_the_words_endpoint_says_the_hours_as_the_volunteer_will(manager):
    answer = manager.get(
        "/gestion/horaires/en-mots?horaires_saisie=grille&grille-0-0-de=09:00&grille-0-0-a=12:00"
    )
    said = answer.get_json()
    assert said["valeur"] == "Mo 09:00-12:00" and said["grille"] and len(said["jours"]) == 7
    assert any(words == "9 h – 12 h" for _, words in said["jours"])
    typed = manager.get("/gestion/horaires/en-mots", query_string={"valeur": "24/7"}).get_json()
    assert typed["statut"] == "Ouvert" and not typed["grille"]
    bad = manager.get("/gestion/horaires/en-mots?horaires_saisie=grille&grille-0-0-de=25:00").get_json()
    assert bad["problemes"] == ["lundi : heure illisible (HH:MM)"]
