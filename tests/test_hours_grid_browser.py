"""A manager sets an actor's week with the hours grid in Chromium; the volunteer's card and the
actor's page then say those hours in words."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser_fixtures import manager_site
from tests.web_support import MADE_UP_MANAGER, MADE_UP_PASSWORD
from webmap.services import current_store

pytestmark = pytest.mark.browser

MANAGER, PASSWORD = MADE_UP_MANAGER, MADE_UP_PASSWORD
RECYCLERIE = "recyclerie-fictive-montreuil"  # no hours in the made-up dataset
WRITTEN = "Mo,We,Fr 09:00-12:00; Tu,Th 09:00-12:00,14:00-17:00"


@pytest.fixture
def site(make_app):
    app, base, server = manager_site(make_app(SECURE_COOKIES=False, GEOCODERS=("local",)))
    yield app, base
    server.shutdown()


def test_a_week_set_with_the_grid_is_what_the_volunteer_reads(page, site):
    from geo.search.hours import opening_status, paris_time

    app, base = site
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill(MANAGER)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/gestion/")
    page.goto(f"{base}/gestion/acteurs/{RECYCLERIE}")
    assert page.get_by_label("Avec la grille").is_checked()  # no hours yet: the grid, empty

    for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi"):
        page.get_by_label(f"{day}, plage 1, de").fill("09:00")
        page.get_by_label(f"{day}, plage 1, à").fill("12:00")
    for day in ("mardi", "jeudi"):
        page.get_by_label(f"{day}, plage 2, de").fill("14:00")
        page.get_by_label(f"{day}, plage 2, à").fill("17:00")
    expert = page.locator("#horaires_accueil")
    page.wait_for_function(
        "(written) => document.getElementById('horaires_accueil').value === written", arg=WRITTEN
    )
    assert expert.get_attribute("readonly") is not None  # the grid writes it
    said = page.locator("#horaires-jours li").all_inner_texts()
    assert len(said) == 7 and any("9 h – 12 h, 14 h – 17 h" in line for line in said)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Modifications enregistrées.").wait_for()
    with app.app_context():
        assert current_store().get(RECYCLERIE).actor.horaires_accueil == WRITTEN

    page.goto(f"{base}/?lat=48.8560&lon=2.4530&k=3")
    card = page.locator("li", has_text="Recyclerie fictive").first
    now = paris_time()
    expected = {opening_status(WRITTEN, now + dt.timedelta(minutes=m)).label for m in (0, 1)}
    assert any(label in card.inner_text() for label in expected)
    assert "Horaires inconnus" not in card.inner_text()

    page.goto(f"{base}/acteurs/{RECYCLERIE}")
    rows = page.locator("table.horaires tr").all_inner_texts()
    today = now.date()
    for offset, row in enumerate(rows):
        weekday = (today + dt.timedelta(days=offset)).weekday()
        words = {0: "9 h – 12 h", 1: "9 h – 12 h, 14 h – 17 h", 2: "9 h – 12 h", 3: "9 h – 12 h, 14 h – 17 h"}
        words |= {4: "9 h – 12 h", 5: "fermé", 6: "fermé"}
        assert row.split("\t")[-1].strip() == words[weekday], row
