"""A phone verification with nothing changed, in Chromium at 360 px (a manager calls from a phone):
from the queue, two taps — plus the call — leave the actor verified, `actif`, with its date and its
author in the history."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser_fixtures import manager_site
from tests.web_support import MADE_UP_MANAGER, MADE_UP_PASSWORD
from webmap.services import current_store

pytestmark = pytest.mark.browser

MANAGER, PASSWORD = MADE_UP_MANAGER, MADE_UP_PASSWORD
ACTOR = "recyclerie-fictive-montreuil"  # never verified in the made-up dataset


@pytest.fixture
def site(make_app):
    app, base, server = manager_site(make_app(SECURE_COOKIES=False))
    yield app, base
    server.shutdown()


def test_a_verification_with_nothing_changed_is_two_taps_from_the_queue(browser, site):
    app, base = site
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", has_touch=True)
    page = context.new_page()
    try:
        page.goto(base + "/connexion")
        page.get_by_label("Adresse e-mail").fill(MANAGER)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/gestion/")
        page.goto(base + "/gestion/a-verifier")
        taps = 0

        item = page.locator("li", has_text="Recyclerie fictive")
        item.get_by_role("link", name="Vérifier par téléphone").tap()
        taps += 1
        page.get_by_role("heading", name="Vérifier par téléphone : Recyclerie fictive").wait_for()
        button = page.get_by_role("button", name="Rien n’a changé : tout est confirmé, c’est ouvert")
        assert button.bounding_box()["y"] < 740  # in view without scrolling
        button.tap()
        taps += 1
        page.get_by_text("Recyclerie fictive : vérifié par téléphone.").wait_for()

        assert taps == 2
        with app.app_context():
            stored = current_store().get(ACTOR)
            revision = current_store().history(ACTOR)[0]
        assert (stored.actor.statut, stored.actor.date_verification) == ("actif", dt.date.today())
        assert revision.author == f"{MANAGER} (vérifié par téléphone)"
        page.goto(f"{base}/gestion/acteurs/{ACTOR}/historique")
        assert "vérifié par téléphone" in page.inner_text("main")
    finally:
        context.close()
