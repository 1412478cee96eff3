"""What a person sees, in a real Chromium (Debian's) driven by Playwright, against a live server
(fixtures: tests/browser_fixtures.py)."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import serve
from tests.support import (
    EVERY_FIELD,
    fictional_collection,
    fictional_feature,
    made_up_hash,
    migrate_instance,
    pick,
    write_json,
)
from tests.test_pages import XSS, xss_feature

sync_api = pytest.importorskip("playwright.sync_api")


def tile_requests_only(urls):
    return [u for u in urls if "tile" not in u and not u.endswith(".png")]


def test_volunteer_types_an_address_picks_a_suggestion_and_opens_a_popup(page, live, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=5)
    page.goto(live + "/")
    typed = f"{address.numero} {address.nom_voie[:14]}"
    page.get_by_role("combobox", name="Adresse").press_sequentially(typed, delay=20)
    suggestion = page.get_by_role("option").filter(has_text=address.nom_voie).first
    suggestion.wait_for()
    suggestion.dispatch_event("mousedown")
    assert "Adresse choisie" in page.locator("#lieu-choisi").inner_text()  # no search before the needs
    assert "lat=" not in page.url
    page.get_by_role("button", name="Chercher").click()

    page.wait_for_selector("#liste-resultats li")
    assert page.locator("#liste-resultats li").count() >= 3
    assert page.locator(".leaflet-marker-icon").count() >= 3
    page.locator(".leaflet-marker-icon").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    first_in_list = page.locator("#liste-resultats li h3 a").first.inner_text()
    page.locator(".show-on-map").first.click()
    assert page.locator(".leaflet-popup-content .carto-popup-name").inner_text() == first_in_list
    assert page.errors == []


def test_tap_on_the_map_searches_from_that_point(page, live):
    page.goto(live + "/")
    page.locator(".folium-map").click(position={"x": 200, "y": 150})
    assert "Point choisi sur la carte" in page.locator("#lieu-choisi").inner_text()
    page.get_by_label("Trouver un emploi").check()
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_selector("#liste-resultats li")
    assert "lat=" in page.url and "lon=" in page.url and "besoin=emploi" in page.url


def test_keyboard_only_reaches_the_results(page, live, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=9)
    page.goto(live + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "adresse":
            break
    page.keyboard.type(f"{address.numero} {address.nom_voie} Montreuil", delay=10)
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "besoin"  # on to the needs
    page.keyboard.press("Space")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Chercher":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#liste-resultats li")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#liste-resultats') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('#liste-resultats') !== null")


def test_embed_with_filters_shows_only_matching_markers(page, live):
    page.goto(live + "/embed/carte?commune=93048&besoin=formation")
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster")
    titles = page.evaluate(MARKER_TITLES)
    assert sorted(titles) == ["Agence emploi fictive de Montreuil", "Mission locale fictive de Montreuil"]


MARKER_TITLES = """() => {
    const map = window[Object.keys(window).find(key => key.startsWith('map_'))];
    const titles = [];
    map.eachLayer(layer => {
        if (layer.getLayers && layer.refreshClusters) {  // a marker cluster: every marker inside
            layer.getLayers().forEach(marker => titles.push(marker.options.title));
        } else if (layer.options && layer.options.cartoId) {
            titles.push(layer.options.title);
        }
    });
    return titles;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lat=48.86&lon=2.44",
        "/carte",
        "/acteurs/insertion-fictive-montreuil",
        "/embed/carte?liste=1",
        "/embed",
    ],
)
def test_no_request_leaves_the_service_but_tiles(page, live, path):
    page.goto(live + path)
    page.wait_for_load_state("networkidle")
    assert tile_requests_only(page.outside) == []
    assert page.errors == []
    assert page.refused == []  # the policy lets the page's own scripts, styles and images run


def test_the_content_security_policy_blocks_a_script_the_page_did_not_ship(page, live):
    page.goto(live + "/carte")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = 1'; document.body.append(s); }""")
    assert page.evaluate("window.injected") is None
    assert any("script-src" in text for text in page.refused)


def xss_app(tmp_path, **fields):
    """The app over one made-up actor whose text fields all hold the XSS payload."""
    return app_over(tmp_path, xss_feature(**fields))


def app_over(tmp_path, feature):
    """The app over one made-up actor, with a manager's account."""
    from webmap import create_app
    from webmap.services import current_store

    path = write_json(tmp_path / "acteur-fictif.geojson", fictional_collection(feature))
    migrate_instance(tmp_path / "instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "ACTORS_FILE": str(path),
            "GEOCODERS": ("local",),
            "SECURE_COOKIES": False,
        }
    )
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash(MANAGER_PASSWORD), "manager")
    return app


MANAGER, MANAGER_PASSWORD = "gestionnaire-fictif@example.org", "mot-de-passe-fictif"


def sign_in(page, base: str) -> None:
    """Log in as the made-up manager of ``app_over``, as a person does."""
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill(MANAGER)
    page.get_by_label("Mot de passe").fill(MANAGER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/gestion/")


def watched_page(browser):
    """A page kept on 127.0.0.1, recording every dialog a script would open."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return context, page


def test_xss_payload_in_every_field_runs_no_script_anywhere(browser, tmp_path):
    server = serve(xss_app(tmp_path))
    base = f"http://127.0.0.1:{server.server_port}"
    context, page = watched_page(browser)
    try:
        for url in (
            "/?lat=48.86&lon=2.44",
            "/carte",
            "/acteurs/acteur-fictif-xss",
            "/embed/carte?liste=1",
            "/embed/carte?lat=48.86&lon=2.44&liste=1",
        ):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            markers = page.locator(".leaflet-marker-icon")
            if markers.count():
                markers.first.click(force=True)
                page.wait_for_timeout(100)
            assert page.evaluate("window.pwned") is None, url
        assert page.dialogs == []
    finally:
        context.close()
        server.shutdown()


def test_static_export_shows_the_actors_with_nothing_but_tiles_from_outside(page, make_app, tmp_path):
    out = tmp_path / "carte-export.html"
    result = make_app().test_cli_runner().invoke(args=["export-html", "--commune", "93048", str(out)])
    assert result.exit_code == 0, result.output

    page.goto(out.as_uri())
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster")
    assert len(page.evaluate(MARKER_TITLES)) == 6  # the located made-up actors of Montreuil
    assert tile_requests_only([u for u in page.outside if not u.startswith("file:")]) == []
    assert page.errors == []


def test_back_office_pages_keep_an_xss_payload_inert(browser, tmp_path):
    app = xss_app(tmp_path, source=XSS, horaires_accueil="")
    server = serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    context, page = watched_page(browser)
    try:
        sign_in(page, base)
        for url in (
            "/gestion/",
            "/gestion/a-verifier",
            "/gestion/acteurs/acteur-fictif-xss",
            "/gestion/acteurs/acteur-fictif-xss/historique",
        ):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.pwned") is None, url
        page.goto(base + "/gestion/acteurs/acteur-fictif-xss")
        assert page.locator("#nom").input_value() == XSS  # shown as typed, as text
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.pwned") is None
        assert page.dialogs == []
    finally:
        context.close()
        server.shutdown()


@pytest.mark.parametrize("width", [360, 768])
def test_saving_an_actor_s_page_untouched_changes_none_of_its_fields(browser, tmp_path, width):
    """A manager opens an actor in the back office and presses « Enregistrer »: every field the
    form shows comes back as it was, and no revision is written."""
    from webmap.services import current_store

    app = app_over(tmp_path, fictional_feature(**EVERY_FIELD))
    with app.app_context():
        before = current_store().get("acteur-fictif-complet")
    server = serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/gestion/acteurs/acteur-fictif-complet")
        access = page.get_by_role("group", name="Quand et comment y aller")
        assert access.get_by_text("Comment y aller", exact=True).is_visible()
        assert access.get_by_label("Téléphoner").is_checked()
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_url("**/gestion/acteurs/acteur-fictif-complet")
        with app.app_context():
            after = current_store().get("acteur-fictif-complet")
        assert after.actor == before.actor
        assert after.version == before.version  # nothing changed: no revision
    finally:
        context.close()
        server.shutdown()


@pytest.mark.parametrize("width", [360, 768])
def test_results_lead_to_a_fiche_whose_qr_code_reads_back_its_address(browser, live, width):
    """Tick two actors on the results, open the fiche: it fits the screen, its QR code decodes to its
    own URL, and printed it shows no navigation, form or button."""
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", device_scale_factor=2
    )
    page = context.new_page()
    try:
        page.goto(live + "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
        page.check('input[name="acteurs"][value="insertion-fictive-montreuil"]')
        page.check('input[name="acteurs"][value="chantier-fictif-montreuil"]')
        page.get_by_role("button", name="Fiche (2)").click()
        page.wait_for_selector(".fiche-acteur")
        chosen = "acteurs=insertion-fictive-montreuil&acteurs=chantier-fictif-montreuil"
        own_url = live + "/fiche?" + chosen  # the needs and age band the page carries are not in its QR
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        picture = page.locator(".qr svg").screenshot()
        decoded = decode(Image.open(io.BytesIO(picture)))
        assert [symbol.data.decode() for symbol in decoded] == [own_url]
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Imprimer").is_visible()
        assert not page.locator("header.site").is_visible()
        assert page.locator(".qr svg").is_visible()
    finally:
        context.close()


def test_an_actor_page_fits_a_phone_and_leads_back_to_the_same_results(browser, live):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        results = "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30"
        page.goto(live + results)
        page.wait_for_function("() => sessionStorage.getItem('carto-trajets') !== null")  # search.js ran
        page.click('a[href="/acteurs/insertion-fictive-montreuil"]')
        page.wait_for_selector("#fraicheur")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        trip = page.locator("#trajet")
        page.wait_for_function("() => document.querySelector('#trajet').textContent.trim() !== ''")
        assert trip.inner_text() == "Depuis le domicile du résident : 364 m · environ 6 min à pied"
        back = page.locator("#retour-resultats")
        assert back.text_content() == "← Retour aux résultats" and back.get_attribute("href") == results
        back.click()
        page.wait_for_selector("#liste-resultats li")
        assert page.url == live + results
        another_tab = context.new_page()  # opened without a search: no distance from anybody
        another_tab.goto(live + "/acteurs/insertion-fictive-montreuil")
        assert not another_tab.locator("#trajet").is_visible()
    finally:
        context.close()


def test_long_source_references_wrap_inside_a_folded_section(browser, tmp_path):
    long_reference = "github:exemple-fictif/depot@" + "0123456789abcdef" * 5 + ":chemin/vers/un/fichier.csv"
    feature = fictional_feature(
        id="acteur-fictif-long",
        source=long_reference,
        location_source="source",
        location_reference=long_reference,
    )
    path = write_json(tmp_path / "long-fictif.geojson", fictional_collection(feature))
    from webmap import create_app

    migrate_instance(tmp_path / "instance")
    server = serve(
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "ACTORS_FILE": str(path)})
    )
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/acteurs/acteur-fictif-long")
        assert not page.get_by_text(long_reference + " (2026-01-15)").is_visible()  # folded
        page.get_by_text("Sources").click()
        assert page.get_by_text(long_reference + " (2026-01-15)").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
        server.shutdown()


def test_numbered_pins_match_the_numbered_list(page, live):
    page.goto(live + "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
    page.wait_for_selector(".carto-pin")
    first_pin = page.locator(".carto-pin").first
    assert first_pin.inner_text() == "1"
    assert page.locator(".carto-pin").count() == page.locator("#liste-resultats li").count()
    first_pin.click()
    popup_name = page.locator(".leaflet-popup-content .carto-popup-name").inner_text()
    assert popup_name == page.locator("#liste-resultats li h3 a").first.inner_text()
