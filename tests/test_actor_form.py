"""The actor form a manager can use: grouped with what matters at the door first, the commune chosen
by name, the thématiques in a searchable picker, the national vocabularies folded."""

from __future__ import annotations

import re

import pytest

from tests.web_support import form_of, signed_in, with_manager
from webmap.services import current_store

ACTOR = "insertion-fictive-montreuil"
PAGE = f"/gestion/acteurs/{ACTOR}"


@pytest.fixture
def app(make_app):
    return with_manager(make_app(WTF_CSRF_ENABLED=False))


@pytest.fixture
def manager(app):
    return signed_in(app)


def test_the_form_is_grouped_with_what_matters_at_the_door_first(manager):
    page = manager.get(PAGE).get_data(as_text=True)
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert legends == [
        "Qui et où",
        "Quand et comment y aller",
        "Qui est reçu, pour quoi",
        "Vocabulaires nationaux (data·inclusion)",
        "Sources",
    ]
    assert '<details class="groupe-replie"><summary>Vocabulaires nationaux' in page
    assert "Code INSEE" not in page
    commune = re.search(r'<select id="code_insee" name="code_insee">(.*?)</select>', page, re.S).group(1)
    assert '<option selected value="93048">Montreuil (93048)</option>' in commune
    assert 'id="thematiques-filtre"' in page  # the picker, the ticked ones first
    ticked = re.findall(r'name="thematiques" value="([^"]+)"( checked)?', page)
    assert [checked for _, checked in ticked] == sorted((c for _, c in ticked), reverse=True)


def test_the_commune_chosen_by_name_writes_its_name(manager, app):
    data = form_of(app, ACTOR, code_insee="93006", code_postal="93170", commune="Montreuil")
    assert manager.post(PAGE, data=data).status_code == 302
    with app.app_context():
        actor = current_store().get(ACTOR).actor
    assert (actor.code_insee, actor.commune) == ("93006", "Bagnolet")


def test_a_commune_the_service_does_not_know_stays_as_it_is(manager, app):
    import dataclasses

    with app.app_context():
        stored = current_store().get(ACTOR)
        current_store().update(
            dataclasses.replace(stored.actor, code_insee="75120", code_postal="75020", commune="Paris 20e"),
            stored.version,
            "import",
        )
    page = manager.get(PAGE).get_data(as_text=True)
    assert '<option selected value="75120">75120</option>' in page
    assert manager.post(PAGE, data=form_of(app, ACTOR, telephone="+33199000109")).status_code == 302
    with app.app_context():
        assert current_store().get(ACTOR).actor.commune == "Paris 20e"


def test_a_field_in_error_opens_its_folded_group(manager, app):
    page = manager.post(PAGE, data=form_of(app, ACTOR, siret="123")).get_data(as_text=True)
    assert '<details class="groupe-replie">' not in page and 'id="siret-erreur"' in page
