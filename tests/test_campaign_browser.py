"""« Noter la rencontre » in Chromium: a few taps after a fiche, and an encounter logged with the network
cut waits in the browser, then is counted once when the network returns."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest

from tests.browser_fixtures import serve, wait_until
from tests.support import FICTIONAL_DATASET, made_up_hash, migrate_instance
from webmap.services import current_store

PASSWORD = "mot-de-passe-fictif-123"


@pytest.fixture
def field_app(tmp_path):
    """The app on a real port, with a made-up campaign in Montreuil and its volunteer."""
    from webmap import create_app

    migrate_instance(tmp_path / "instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECURE_COOKIES": False,
            "ACTORS_FILE": str(FICTIONAL_DATASET),
            "GEOCODERS": ("local",),
        }
    )
    with app.app_context():
        store = current_store()
        store.add_user("benevole-fictif@example.org", made_up_hash(PASSWORD), "volunteer")
        campaign = store.add_campaign("Campagne fictive", ["93048"], debut=dt.date(2026, 9, 1))
        store.set_volunteer_team(campaign.id, "benevole-fictif@example.org", None)
    server = serve(app)
    yield app, campaign.id, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@contextmanager
def volunteer_page(browser, base: str, width: int):
    """The campaign's volunteer, logged in on a touch screen of that width; a volunteer lands on
    « Noter la rencontre »."""
    with signed_in(browser, base, width, "benevole-fictif@example.org", "**/rencontre") as opened:
        yield opened


@contextmanager
def signed_in(browser, base: str, width: int, email: str, lands_on: str):
    """``email`` logged in on a touch screen of that width, once on the page it lands on."""
    context = browser.new_context(
        viewport={"width": width, "height": 800 if width < 500 else 1024}, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto(base + "/connexion")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lands_on)
        yield context, page
    finally:
        context.close()


def logged_encounters(app, campaign_id):
    with app.app_context():
        return current_store().tallies(campaign_id)


def test_after_a_fiche_the_volunteer_logs_the_encounter_in_six_taps_or_fewer(browser, field_app):
    app, campaign_id, base = field_app
    with volunteer_page(browser, base, 768) as (_, page):
        page.goto(base + "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
        page.locator("#liste-resultats li").first.get_by_text("Sur la fiche").tap()
        page.get_by_role("button", name="Fiche (1)").tap()
        page.wait_for_selector(".fiche-acteur")
        fiche_actor = page.locator(".fiche-acteur").first.get_attribute("data-actor-id")

        # five taps from the fiche; its actor, « mis en lien : oui », the search's need and age band
        # come pre-selected
        page.get_by_role("link", name="Noter la rencontre").tap()
        page.locator('input[name="en_recherche"][value="oui"]').tap()
        page.locator('input[name="accompagne"][value="non"]').tap()
        page.locator('input[name="demo_mes_offres"][value="oui"]').tap()
        page.get_by_role("button", name="Enregistrer la rencontre").tap()
        page.get_by_text("Rencontre enregistrée").wait_for()

        [logged] = logged_encounters(app, campaign_id)
        assert (
            logged.commune,
            logged.en_recherche,
            logged.accompagne,
            logged.mise_en_lien,
            logged.acteurs,
            logged.demo_mes_offres,
            logged.besoins,
            logged.tranche_age,
        ) == ("93048", "oui", "non", True, (fiche_actor,), True, ("emploi",), "26-44")
        # ready for the next door: nothing of this resident left, the outcome where the volunteer looks
        assert page.evaluate("document.activeElement.id") == "envoi-etat"
        assert page.locator("#rencontre input:checked").count() == 0
        assert page.locator('#rencontre input[name="acteurs"]').count() == 0
        assert page.locator('select[name="tranche_age"]').input_value() == ""
        assert "acteurs=" not in page.url


def test_an_encounter_logged_offline_is_sent_once_the_network_returns(browser, field_app):
    app, campaign_id, base = field_app
    with volunteer_page(browser, base, 360) as (context, page):
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # through the active service worker, which keeps the page for offline use
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.reload()  # in the stairwell: the kept page
        page.wait_for_selector("#rencontre")
        page.locator('input[name="en_recherche"][value="non"]').tap()
        page.get_by_role("button", name="Enregistrer la rencontre").tap()
        page.get_by_text("Pas de réseau : 1 rencontre(s) gardée(s)").wait_for()
        assert logged_encounters(app, campaign_id) == []

        context.set_offline(False)  # the browser fires « online »: the queue leaves
        page.get_by_text("Rencontre enregistrée").wait_for()
        page.reload()  # the next visit finds nothing left to send
        page.wait_for_selector("#rencontre")
        page.wait_for_timeout(300)
        assert page.evaluate("cartoQueue.all().then(waiting => waiting.length)") == 0
        assert [t.en_recherche for t in logged_encounters(app, campaign_id)] == ["non"]


def test_the_encounter_page_fits_a_phone_and_axe_finds_nothing_grave(browser, field_app):
    from axe_playwright_python.sync_playwright import Axe

    from tests.test_field_kit_browser import SIDEWAYS, SMALL_CONTROLS

    _, _, base = field_app
    with volunteer_page(browser, base, 360) as (_, page):
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth)
            .map(el => el.outerHTML.slice(0, 90))""")
        assert not page.evaluate(SIDEWAYS), wide
        assert page.evaluate(SMALL_CONTROLS) == []
        violations = Axe().run(page).response["violations"]
        grave = [v["id"] for v in violations if v["impact"] in ("critical", "serious")]
        assert grave == []


def test_a_volunteer_logs_out_from_their_pages_and_the_worker_forgets_their_page(browser, field_app):
    """Offline after a logout, the tablet shows neither the campaigns nor the session's CSRF token;
    the field pack of public actors stays."""
    _, _, base = field_app
    with volunteer_page(browser, base, 360) as (context, page):
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now through the worker, which keeps the encounter page
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        kept = (
            "() => caches.open('carto-donnees').then(cache => cache.keys())"
            ".then(keys => keys.map(request => new URL(request.url).pathname))"
        )
        wait_until(page, f"({kept})().then(paths => paths.includes('/rencontre'))")
        page.goto(base + "/")
        with page.expect_navigation():
            page.get_by_role("button", name="Se déconnecter").tap()
        assert page.get_by_role("button", name="Se déconnecter").count() == 0
        paths = page.evaluate(kept)
        assert "/rencontre" not in paths and "/api/v1/pack" in paths

        context.set_offline(True)
        page.goto(base + "/rencontre")
        page.wait_for_load_state()
        assert "Campagne fictive" not in page.locator("body").inner_text()
        assert 'name="csrf_token"' not in page.content()


@pytest.mark.parametrize("width", [360, 768])
def test_the_dashboard_fits_a_phone_and_a_single_week_keeps_its_chart_in_proportion(
    browser, field_app, width, tmp_path
):
    import uuid

    from geo.campaigns.encounters import read_encounter

    app, campaign_id, base = field_app
    with app.app_context():
        store = current_store()
        store.add_user("gestionnaire-fictif@example.org", made_up_hash(PASSWORD), "manager")
        campaign = store.campaign(campaign_id)
        encounters = [
            read_encounter(
                {
                    "id": str(uuid.uuid4()),
                    "campagne": campaign_id,
                    "date": "2026-11-16",
                    "commune": "93048",
                    "en_recherche": "oui",
                    "accompagne": "non",
                },
                0,
                campaigns=lambda _: campaign,
                known_actor=lambda _: True,
                today=dt.date(2026, 11, 30),
                team=lambda _: None,
            )[0]
            for _ in range(12)
        ]
        store.add_encounters(encounters)
    with signed_in(browser, base, width, "gestionnaire-fictif@example.org", "**/gestion/") as (_, page):
        page.goto(f"{base}/gestion/campagnes/{campaign_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        chart = page.locator('svg[aria-labelledby="semaines-titre"]').bounding_box()
        assert chart["height"] <= chart["width"] * 220 / 640 + 1 and chart["height"] < 300
        page.screenshot(path=str(tmp_path / f"tableau-de-bord-{width}.png"), full_page=True)


def test_from_an_empty_search_to_a_logged_encounter_in_twelve_taps(browser, field_app):
    """The whole doorstep, counted: a tap on the map at the door, the need, a chip of the profile,
    « Chercher », two actors on the fiche, « Fiche (2) », « Noter la rencontre », three answers,
    « Enregistrer » — 12 taps and no keystroke (an address typed instead of the tap: one tap more and
    its characters). The encounter keeps the fiche's actors, the need and the age band."""
    app, campaign_id, base = field_app
    with volunteer_page(browser, base, 360) as (_, page):
        taps = []

        def tap(locator) -> None:
            locator.tap()
            taps.append(locator)

        page.goto(base + "/")
        tap(page.locator(".folium-map"))
        page.get_by_text("Point choisi sur la carte").wait_for()
        tap(page.get_by_text("Trouver un emploi"))
        tap(page.get_by_text("moins de 26 ans"))
        tap(page.get_by_role("button", name="Chercher"))
        cards = page.locator("#liste-resultats > li")
        for n in (0, 1):
            tap(cards.nth(n).get_by_text("Sur la fiche"))
        chosen = (cards.nth(0).get_attribute("data-actor-id"), cards.nth(1).get_attribute("data-actor-id"))
        tap(page.get_by_role("button", name="Fiche (2)"))
        tap(page.get_by_role("link", name="Noter la rencontre"))
        tap(page.locator('input[name="en_recherche"][value="oui"]'))
        tap(page.locator('input[name="accompagne"][value="non"]'))
        tap(page.locator('input[name="demo_mes_offres"][value="non"]'))
        tap(page.get_by_role("button", name="Enregistrer la rencontre"))
        page.get_by_text("Rencontre enregistrée").wait_for()
        assert len(taps) == 12
        [logged] = logged_encounters(app, campaign_id)
        assert (set(logged.acteurs), logged.besoins, logged.tranche_age) == (
            set(chosen),
            ("emploi",),
            "moins-de-26",
        )


def test_an_odd_address_never_breaks_the_encounter_page(browser, field_app):
    """What the page reads from its own address is checked: a made-up band is ignored, the need kept."""
    _, _, base = field_app
    with volunteer_page(browser, base, 360) as (_, page):
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/rencontre?besoin=emploi&tranche_age=%22%5D%20x&acteurs=%3Cb%3E")
        page.wait_for_selector("#rencontre")
        page.wait_for_function("() => document.querySelector('input[name=besoin][value=emploi]').checked")
        assert page.locator('select[name="tranche_age"]').input_value() == ""
        assert page.locator('#rencontre input[name="acteurs"]').count() == 0 and errors == []
