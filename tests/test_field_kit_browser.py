"""The doorstep flow on a 360 px phone and a 768 px tablet, by touch and by keyboard, in Chromium:
address → results → two actors → fiche → print; nothing scrolls sideways, controls are big enough for
a finger, axe-core finds nothing critical or serious, the focus ring is visible."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from tests.support import pick

WIDTHS = [360, 768]
RESULTS = "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30"
FICHE = "/fiche?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse"
PUBLIC_PAGES = [
    "/",
    RESULTS,
    "/?adresse=",
    "/acteurs/insertion-fictive-montreuil",
    "/carte",
    "/embed",
    "/embed/carte?liste=1&recherche=1&lat=48.86&lon=2.44",
    FICHE,
    FICHE + "&langue=en",
    FICHE + "&langue=ar",
    FICHE + "&format=carte",
    "/connexion",
    "/acteurs/inconnu-fictif",
    "/hors-ligne?lat=48.8600&lon=2.4400&besoin=emploi&age=30",
    "/hors-ligne/fiche?acteurs=mission-locale-fictive-montreuil",
]
MIN_TARGET = 44

SMALL_CONTROLS = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden"; };
  const controls = [...document.querySelectorAll(
      "main button, main input:not([type=hidden]), main select, main summary, main .button, header a, " +
      "main .fiche a, main nav.langues a")]
    .filter(el => !el.closest(".leaflet-container") && visible(el));
  return controls.map(el => {
    // a checkbox or a radio is tapped through its label
    const target = (el.type === "checkbox" || el.type === "radio") ? el.closest("label") || el : el;
    const r = target.getBoundingClientRect();
    return {what: target.outerHTML.slice(0, 80), height: Math.round(r.height)};
  }).filter(c => c.height < MIN_TARGET);
}""".replace("MIN_TARGET", str(MIN_TARGET))

SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


@contextmanager
def on_device(browser, width: int):
    """A page on a touch phone (under 500 px) or tablet, in a context of its own."""
    context = browser.new_context(
        viewport={"width": width, "height": 800 if width < 500 else 1024},
        locale="fr-FR",
        has_touch=True,
        is_mobile=width < 500,
    )
    try:
        yield context.new_page()
    finally:
        context.close()


IN_VIEW = """selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


def assert_fits(page, what: str) -> None:
    assert not page.evaluate(SIDEWAYS), f"{what} scrolls sideways at {page.viewport_size['width']} px"
    small = page.evaluate(SMALL_CONTROLS)
    assert small == [], f"{what}: controls under {MIN_TARGET} px: {small}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_whole_flow_by_touch(browser, live, synthetic_addresses, width):
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=5)
    with on_device(browser, width) as page:
        page.goto(live + "/")
        assert_fits(page, "the search page")
        page.get_by_role("combobox", name="Adresse").press_sequentially(
            f"{address.numero} {address.nom_voie[:14]}", delay=20
        )
        suggestion = page.get_by_role("option").filter(has_text=address.nom_voie).first
        suggestion.wait_for()
        suggestion.dispatch_event("mousedown")  # what a tap on a suggestion fires first
        page.get_by_text("Trouver un emploi").tap()
        page.get_by_label("Âge").fill("30")
        page.get_by_role("button", name="Chercher").tap()
        page.wait_for_selector("#liste-resultats li")
        assert_fits(page, "the results")
        assert page.locator("#titre-resultats").is_visible()  # shown first, the form folded away

        items = page.locator("#liste-resultats li")
        for n in (0, 1):
            items.nth(n).get_by_text("Sur la fiche").tap()
        chosen = [items.nth(n).get_attribute("data-actor-id") for n in (0, 1)]
        items.last.scroll_into_view_if_needed()  # far down the list, the fiche stays one tap away
        assert page.evaluate(IN_VIEW, "#bouton-fiche"), "the fiche's button left the screen"
        page.get_by_role("button", name="Fiche (2)").tap()
        page.wait_for_selector(".fiche-acteur")
        assert [s.get_attribute("data-actor-id") for s in page.locator(".fiche-acteur").all()] == chosen
        assert_fits(page, "the fiche")
        assert "adresse" not in page.url and "lat=" not in page.url and not re.search(r"[?&]age=", page.url)

        page.emulate_media(media="print")
        assert not page.locator("header.site").is_visible()
        assert not page.get_by_role("button", name="Imprimer").is_visible()
        assert page.locator(".qr svg").is_visible()
        pdf_pages = _printed_pages(page)
        assert pdf_pages == 1, f"two actors print on {pdf_pages} A4 pages"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_whole_flow_by_keyboard(browser, live, synthetic_addresses, width):
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=9)
    with on_device(browser, width) as page:
        page.goto(live + "/")
        tab_to(page, "document.activeElement.id === 'adresse'")
        page.keyboard.type(f"{address.numero} {address.nom_voie} Montreuil", delay=10)
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.name") == "besoin"
        page.keyboard.press("Space")
        tab_to(page, "document.activeElement.textContent === 'Chercher'")
        page.keyboard.press("Enter")
        page.wait_for_selector("#liste-resultats li")
        for _ in range(2):
            tab_to(page, "document.activeElement.name === 'acteurs' && !document.activeElement.checked")
            page.keyboard.press("Space")
        tab_to(page, "document.activeElement.textContent === 'Fiche (2)'")
        page.keyboard.press("Enter")
        page.wait_for_selector(".fiche-acteur")
        assert page.locator(".fiche-acteur").count() == 2
        tab_to(page, "document.activeElement.textContent === 'Imprimer'")
        page.evaluate("window.print = () => { window.printed = true; }")
        page.keyboard.press("Enter")
        assert page.evaluate("window.printed") is True


def tab_to(page, condition: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {condition}"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def _printed_pages(page) -> int:
    pdf = page.pdf(format="A4", print_background=False)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_fit_and_axe_finds_nothing_critical_or_serious(browser, live, path, width):
    from axe_playwright_python.sync_playwright import Axe

    with on_device(browser, width) as page:
        page.goto(live + path)
        page.wait_for_load_state("load")
        assert not page.evaluate(SIDEWAYS), f"{path} scrolls sideways at {width} px"
        if not path.startswith("/embed/"):  # an embedded map is sized by the host's iframe
            small = page.evaluate(SMALL_CONTROLS)
            assert small == [], f"{path}: controls under {MIN_TARGET} px: {small}"
        violations = Axe().run(page).response["violations"]
        grave = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in violations
            if v["impact"] in ("critical", "serious")
        ]
        assert grave == [], f"{path} at {width} px: {grave}"


FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  let node = el.parentElement, background = "rgb(255, 255, 255)";
  while (node) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { background = c; break; }
    node = node.parentElement;
  }
  const [a, b] = [lum(rgb(style.outlineColor)), lum(rgb(background))];
  return {what: el.outerHTML.slice(0, 60), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def test_the_focus_ring_is_visible_on_every_stop_of_the_search_page(page, live):
    page.goto(live + RESULTS)
    for _ in range(30):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if "leaflet" in ring["what"]:
            continue  # Leaflet's own controls
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert ring["contrast"] >= 3, ring


def test_enter_on_the_map_chooses_its_centre_as_a_tap_would(page, live):
    page.goto(live + "/")
    page.locator(".folium-map").focus()
    page.keyboard.press("ArrowDown")  # Leaflet pans with the arrows
    page.keyboard.press("Enter")
    assert "Point choisi au centre de la carte" in page.locator("#lieu-choisi").inner_text()
    assert page.locator("#lat").input_value() and page.locator("#lon").input_value()
    assert page.evaluate("document.activeElement.name") == "besoin"


def test_suggestions_say_so_when_the_address_service_is_down(page, live):
    page.route("**/api/v1/geocode*", lambda route: route.fulfill(status=503, body="{}"))
    page.goto(live + "/")
    page.get_by_role("combobox", name="Adresse").press_sequentially("12 rue de Paris", delay=20)
    message = page.locator("#suggestions-etat")
    message.wait_for()
    from webmap.errors import ADDRESS_SERVICE_DOWN  # one message: the one the search itself would give

    assert message.inner_text().lower() == ADDRESS_SERVICE_DOWN.lower() + "."
    assert message.get_attribute("role") == "alert"


def test_an_error_takes_the_focus_and_leads_to_its_field(page, live):
    page.goto(live + "/?age=deux-cents&lat=48.86&lon=2.44")
    assert page.evaluate("document.activeElement.id") == "erreurs"
    page.locator("#erreurs a").first.click()
    assert page.evaluate("document.activeElement.id") == "age"


def test_see_on_the_map_shows_the_whole_popup(browser, live):
    with on_device(browser, 360) as page:
        page.goto(live + RESULTS)
        button = page.locator(".show-on-map").last
        wanted = page.locator(f"#resultat-{button.get_attribute('data-actor')} h3 a").inner_text()
        button.tap()
        page.locator(".leaflet-popup").wait_for()
        # Leaflet moves to the actor, then pans until the popup is inside the map, on the screen
        page.wait_for_function(
            """() => {
          const box = document.getElementById("carte-resultats").getBoundingClientRect();
          const card = document.querySelector(".leaflet-popup").getBoundingClientRect();
          return box.top <= card.top && card.bottom <= box.bottom && box.left <= card.left
            && card.right <= box.right && card.top >= 0 && card.bottom <= window.innerHeight;
        }""",
            timeout=3000,
        )
        assert page.locator(".leaflet-popup .carto-popup-name").inner_text() == wanted


def test_the_map_of_all_actors_fills_a_phone_with_its_layers_folded(browser, live):
    with on_device(browser, 360) as page:
        page.goto(live + "/carte")
        map_box = page.locator(".full-map").bounding_box()
        assert map_box["height"] >= 0.7 * 800
        assert not page.locator(".leaflet-control-layers-list").is_visible()
        page.locator(".leaflet-control-layers-toggle").tap()
        assert page.locator(".leaflet-control-layers-list").is_visible()


def test_the_layers_stay_open_beside_a_large_map(page, live):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live + "/carte")
    assert page.locator(".leaflet-control-layers-list").is_visible()


def test_the_screenshot_script_makes_the_docs_pictures(browser, tmp_path):
    """scripts/screenshots.py keeps docs/screenshots current: the volunteer's flow at 360 and 768 px
    (search, results, fiche in each language, encounter, dashboard), and the printed fiche and cards."""
    import subprocess
    import sys

    from PIL import Image

    from tests.support import ROOT

    subprocess.run(
        [sys.executable, "scripts/screenshots.py", "--out", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=240,
    )
    made = {}
    for path in tmp_path.glob("*.png"):
        with Image.open(path) as picture:
            made[path.name] = picture.size[0]
    screens = ("recherche", "resultats", "resultats-complets", "fiche", "fiche-en", "fiche-ar")
    screens += ("rencontre", "rencontre-enregistree", "tableau-de-bord")
    printed = {"fiche-imprimee.png": 828, "cartes-imprimees.png": 828}  # A4 at 100 dpi
    assert made == {f"{name}-{width}.png": width for name in screens for width in (360, 768)} | printed
    assert set(made) <= {path.name for path in (ROOT / "docs" / "screenshots").glob("*.png")}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_three_actors_print_on_one_a4_page(page, live, language):
    three = FICHE + "&acteurs=agence-emploi-fictive-montreuil" + ("&langue=ar" if language == "ar" else "")
    page.goto(live + three)
    assert page.locator(".fiche-acteur").count() == 3
    page.emulate_media(media="print")
    assert _printed_pages(page) == 1


BOX_BESIDE_WORDS = """() => [...document.querySelectorAll('form.search label')].filter(label =>
    label.querySelector('input[type=checkbox]') && label.querySelector('span')).map(label => {
  const box = label.querySelector('input').getBoundingClientRect();
  const line = label.querySelector('span').getClientRects()[0];
  return {words: label.innerText, apart: Math.abs((box.top + box.bottom) / 2 - (line.top + line.bottom) / 2)};
}).filter(found => found.apart > 12)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_box_of_the_search_sits_beside_its_words(browser, live, width):
    """At 360 px a long label wraps beside its box, never under it (chips, needs, publics)."""
    with on_device(browser, width) as page:
        page.goto(live + "/")
        page.get_by_text("Plus de critères").tap()
        assert page.evaluate(BOX_BESIDE_WORDS) == []
        chips = page.locator("#profil label.chip")
        assert chips.count() == 4 and chips.first.bounding_box()["height"] >= MIN_TARGET


def test_voir_plus_adds_the_next_actors_by_touch_and_keeps_the_ticked_ones(browser, live):
    with on_device(browser, 360) as page:
        page.goto(live + "/?lat=48.8600&lon=2.4400&k=3")
        cards = page.locator("#liste-resultats > li")
        ticked = cards.first.get_attribute("data-actor-id")
        cards.first.get_by_text("Sur la fiche").tap()
        page.get_by_role("link", name="Voir plus d’acteurs").tap()
        page.wait_for_url("**#rang-4")
        page.wait_for_function(
            "() => document.activeElement.closest('li')?.querySelector('.numero').textContent === '4'"
        )  # the first new card has the focus
        assert cards.count() > 3
        assert page.locator(f'#resultat-{ticked} input[name="acteurs"]').is_checked()
        assert page.get_by_role("button", name="Fiche (1)").is_visible()


def test_the_fiche_button_with_nothing_ticked_says_what_to_do_on_the_page(browser, live):
    with on_device(browser, 360) as page:
        page.goto(live + "/?lat=48.8600&lon=2.4400")
        page.get_by_role("button", name="Fiche pour le résident").tap()
        page.get_by_text("Cochez « Sur la fiche » pour 1 à 3 acteurs").wait_for()
        assert "/fiche" not in page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_on_the_curated_data_the_actors_made_for_the_resident_come_first(browser, make_app, width):
    """The issue's doorstep, on data/actors.geojson: for a 24-year-old in central Montreuil looking for a
    job, the Mission locale is among the first three cards; with « reconnu handicapé (RQTH) » ticked,
    Cap emploi 93 (in Aulnay-sous-Bois) is listed, its distance said."""
    from tests.browser_fixtures import serve
    from tests.support import ROOT

    server = serve(make_app(ACTORS_FILE=str(ROOT / "data" / "actors.geojson"), TILES="none"))
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with on_device(browser, width) as page:
            page.goto(base + "/?lat=48.8583&lon=2.4412")  # a tap on the map in central Montreuil
            page.get_by_text("Modifier la recherche").tap()
            page.get_by_text("Trouver un emploi").tap()
            page.get_by_label("Âge").fill("24")
            page.get_by_role("button", name="Chercher").tap()
            names = page.locator("#liste-resultats > li h3 a")
            names.first.wait_for()
            assert any(name.startswith("Mission locale") for name in names.all_inner_texts()[:3])
            page.get_by_text("Modifier la recherche").tap()
            page.get_by_text("reconnu handicapé (RQTH)").tap()
            page.get_by_role("button", name="Chercher").tap()
            cap = page.locator("#liste-resultats > li").filter(has_text="Cap emploi")
            cap.first.wait_for()
            assert " km · environ " in cap.first.locator(".trajet").inner_text()
    finally:
        server.shutdown()
