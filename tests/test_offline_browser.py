"""Offline, after one visit: the service worker answers, and a search at points never searched before
gives the actors the server gives, in the same order; a new data version online replaces the pack."""

from __future__ import annotations

import dataclasses
import random
import re

import httpx
import pytest

from geo.communes import COMMUNES
from tests.browser_fixtures import wait_until
from webmap.services import current_store

ITEM = re.compile(r'<li id="resultat-[^"]+" data-actor-id="([^"]+)"')


@pytest.fixture
def offline_live(tmp_path, synthetic_index):
    """The app on a real port (the made-up actors, the synthetic BAN index), returned with its URL."""
    import shutil

    from tests.browser_fixtures import served_app

    (tmp_path / "instance" / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, tmp_path / "instance" / "ban" / "index.sqlite")
    with served_app(tmp_path / "instance", GEOCODERS=("local",)) as served:
        yield served


def first_visit(browser, base):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # a page loaded while the worker installed may stay uncontrolled; this one is not
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(page, "caches.match('/api/v1/pack').then(found => !!found)")
    page.wait_for_load_state("networkidle")  # the visit's own refresh of the pack is over
    return context, page


def test_offline_searches_at_new_points_give_the_server_s_actors_in_its_order(browser, offline_live):
    _, base = offline_live
    context, page = first_visit(browser, base)
    rng = random.Random(21)
    lon_min, lat_min, lon_max, lat_max = COMMUNES["93048"].bbox
    try:
        for _ in range(4):
            need, age = rng.choice(["emploi", "formation", "numerique"]), rng.choice([19, 35, 58])
            query = (
                f"/?lat={rng.uniform(lat_min, lat_max):.5f}&lon={rng.uniform(lon_min, lon_max):.5f}"
                f"&besoin={need}&age={age}"
            )
            expected = ITEM.findall(httpx.get(base + query).text)  # the server's answer; the page never asked
            context.set_offline(True)
            page.goto(base + query)
            page.wait_for_selector("#liste-resultats li")
            offline = [li.get_attribute("data-actor-id") for li in page.locator("#liste-resultats li").all()]
            assert offline == expected and expected
            assert "données du" in page.locator("#etat-hors-ligne").inner_text()
            context.set_offline(False)
    finally:
        context.close()


def test_a_new_data_version_online_replaces_the_pack(browser, offline_live):
    app, base = offline_live
    context, page = first_visit(browser, base)
    try:
        before = page.evaluate("caches.match('/api/v1/pack').then(r => r.json()).then(p => p.version)")
        with app.app_context():
            store = current_store()
            stored = store.get("insertion-fictive-montreuil")
            store.update(dataclasses.replace(stored.actor, telephone="+33199000188"), stored.version, "test")
        page.goto(base + "/carte")  # any visit online refreshes the pack
        wait_until(
            page, f"caches.match('/api/v1/pack').then(r => r.json()).then(p => p.version !== {before!r})"
        )
        context.set_offline(True)
        page.goto(base + "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
        page.wait_for_selector("#liste-resultats li")
        page.locator("#resultat-insertion-fictive-montreuil summary").click()  # « Détails »
        assert "01 99 00 01 88" in page.locator("#resultat-insertion-fictive-montreuil").inner_text()
    finally:
        context.close()


def test_an_offline_page_open_when_a_newer_pack_is_kept_shows_the_newer_data(browser, offline_live):
    """The race a volunteer met: the pack's refresh ended after the offline page had opened, which went
    on showing the old phone number. Now the worker tells the open pages, which search again."""
    app, base = offline_live
    context, page = first_visit(browser, base)
    try:
        context.set_offline(True)
        page.goto(base + "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
        item = page.locator("#resultat-insertion-fictive-montreuil")
        item.locator("summary").click()  # « Détails »
        assert "01 99 00 01 01" in item.inner_text()
        with app.app_context():
            store = current_store()
            stored = store.get("insertion-fictive-montreuil")
            store.update(dataclasses.replace(stored.actor, telephone="+33199000177"), stored.version, "test")
        context.set_offline(False)
        other = context.new_page()
        other.goto(base + "/carte")  # another tab online: its visit refreshes the pack
        item.get_by_text("01 99 00 01 77").wait_for()
        assert page.url.endswith("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")  # no reload, same search
    finally:
        context.close()


def test_the_app_can_be_installed(client):
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    worker = client.get("/sw.js")
    assert worker.headers["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker.headers["Cache-Control"]
    assert "/hors-ligne" in worker.get_data(as_text=True)


def test_a_fiche_opens_offline_with_its_qr_code_and_sms_text(browser, offline_live):
    import io
    from urllib.parse import unquote

    from PIL import Image
    from pyzbar.pyzbar import decode

    _, base = offline_live
    context, page = first_visit(browser, base)
    try:
        fiche = "/fiche?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse"
        online = httpx.get(base + fiche).text
        context.set_offline(True)
        page.goto(base + fiche)
        page.wait_for_selector(".fiche-acteur")
        sections = [s.get_attribute("data-actor-id") for s in page.locator(".fiche-acteur").all()]
        assert sections == ["mission-locale-fictive-montreuil", "france-services-fictive-villetaneuse"]
        text = page.locator("#fiche-hors-ligne").inner_text()
        assert "Y aller sans rendez-vous" in text
        assert "Téléphone : 01 99 00 01 02" in text
        hours = [
            [cell.inner_text() for cell in row.locator("th, td").all()]
            for row in page.locator(".horaires tr").all()
        ]
        server_rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', online)
        assert hours == [list(row) for row in server_rows] and hours  # the server's days and hours
        picture = Image.open(io.BytesIO(page.locator("#qr-fiche svg").screenshot()))
        assert [symbol.data.decode() for symbol in decode(picture)] == [page.url]
        sms = unquote(page.locator("#sms-fiche").get_attribute("href").removeprefix("sms:?body="))
        server_sms = unquote(re.search(r'href="sms:\?body=([^"]+)"', online).group(1))
        assert sms == server_sms and len(sms) < 300
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Imprimer").is_visible()
    finally:
        context.close()


def test_a_new_version_deletes_the_caches_of_the_old_ones(browser, offline_live):
    _, base = offline_live
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "/api/v1/communes")  # same site, no worker yet: an older version's cache
        old = "carto-fichiers-version-ancienne"
        page.evaluate(f"() => caches.open('{old}').then(cache => cache.put('/x', new Response('x')))")
        page.goto(base + "/")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        wait_until(page, f"caches.keys().then(keys => !keys.includes('{old}'))")
        kept = page.evaluate("() => caches.keys()")
        assert [key for key in kept if key.startswith("carto-fichiers-")] and "carto-donnees" in kept
    finally:
        context.close()


def test_an_address_typed_offline_is_found_in_the_kept_addresses_and_searched(
    browser, offline_live, synthetic_addresses
):
    from tests.support import pick

    _, base = offline_live
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=4)
    typed = f"{address.numero} {address.nom_voie}"
    context, page = first_visit(browser, base)
    try:
        page.goto(base + "/?lat=48.8600&lon=2.4400&besoin=emploi")  # a search in Montreuil, online
        kept = "/api/v1/pack/adresses?commune=93048"
        wait_until(page, f"caches.match('{kept}').then(found => !!found)")
        expected = ITEM.findall(
            httpx.get(
                base + "/", params={"adresse": typed, "commune": "93048", "besoin": "emploi", "age": "30"}
            ).text
        )
        context.set_offline(True)
        page.goto(base + "/")
        page.locator("#adresse-hors-ligne").press_sequentially(typed, delay=10)
        page.locator("#suggestions-hors-ligne button").first.click()
        assert "Adresse choisie" in page.locator("#lieu-choisi").inner_text()
        page.get_by_label("Trouver un emploi").check()
        page.locator("#age").fill("30")
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_selector("#liste-resultats li")
        offline = [li.get_attribute("data-actor-id") for li in page.locator("#liste-resultats li").all()]
        assert offline == expected and expected
    finally:
        context.close()


PARITY_SEARCHES = [
    "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30",
    "/?lat=48.8600&lon=2.4400&besoin=emploi&age=30&k=40",
    "/?lat=48.8600&lon=2.4400&profil=moins-de-26-ans&profil=rqth",
    "/?lat=48.8550&lon=2.4300&besoin=emploi&besoin=formation&age=22&k=3",
]
PARITY_FICHES = [
    "/fiche?acteurs=mission-locale-fictive-montreuil",
    "/fiche?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse&langue=en",
    "/fiche?acteurs=mission-locale-fictive-montreuil&acteurs=france-services-fictive-villetaneuse"
    "&acteurs=agence-emploi-fictive-montreuil&langue=ar&besoin=emploi&tranche_age=moins-de-26",
    "/fiche?acteurs=france-services-fictive-villetaneuse&format=carte",
]
CARDS = """() => [...[...document.querySelectorAll('#liste-resultats > li')].map(card => {
  card.querySelectorAll('details').forEach(d => { d.open = true; });
  return card.innerText;
}), ...[...document.querySelectorAll('#voir-plus, #pas-plus, #barre-actions')]
  .filter(shown => shown.checkVisibility()).map(shown => shown.innerText)]"""
FICHE_READ = """selector => {
  const fiche = document.querySelector(selector);
  fiche.querySelectorAll('#etat-hors-ligne').forEach(status => status.remove());  // the offline page's own
  return [document.documentElement.lang, document.documentElement.dir, fiche.innerText,
          [...document.querySelectorAll('.langues a, .fiche-partage a')]
            .map(a => [a.innerText, a.getAttribute('href')])];
}"""


def test_offline_the_volunteer_reads_the_same_cards_and_fiche_as_online(browser, offline_live):
    """What a person reads, compared: every card of a search (its « Détails » unfolded) and the whole
    fiche — languages, card format, the three-actor limit's words, its links (other languages, other
    format, « Noter la rencontre » pre-filled) — online and then offline from the worker's pages."""
    _, base = offline_live
    context, page = first_visit(browser, base)
    try:
        online = {}
        for path in PARITY_SEARCHES:
            page.goto(base + path)
            page.wait_for_selector("#liste-resultats li")
            online[path] = page.evaluate(CARDS)
        for path in PARITY_FICHES:
            page.goto(base + path)
            page.wait_for_selector(".fiche-acteur")
            online[path] = _read_fiche(page, "article.fiche")
        context.set_offline(True)
        for path in PARITY_SEARCHES:
            page.goto(base + path)
            page.wait_for_selector("#liste-resultats li")
            assert page.evaluate(CARDS) == online[path], path
        for path in PARITY_FICHES:
            page.goto(base + path)
            page.wait_for_selector(".fiche-acteur")
            assert _read_fiche(page, "#fiche-hors-ligne") == online[path], path
    finally:
        context.close()


def _read_fiche(page, selector: str) -> list:
    from urllib.parse import unquote

    language, direction, text, links = page.evaluate(FICHE_READ, selector)
    return [language, direction, text, [(words, unquote(href)) for words, href in links]]


def test_offline_an_address_is_searched_in_every_commune_whose_addresses_are_kept(
    browser, offline_live, synthetic_addresses
):
    """A Bagnolet address typed offline, with the addresses of Montreuil and Bagnolet kept: Bagnolet's
    street is proposed first, with or without the commune's name typed."""
    from tests.support import pick

    _, base = offline_live
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93006", skip=3)
    context, page = first_visit(browser, base)
    try:
        for commune in ("93048", "93006"):  # what the volunteer's campaigns would have kept
            kept = f"/api/v1/pack/adresses?commune={commune}"
            page.evaluate(f"fetch('{kept}').then(r => r.text())")
            wait_until(page, f"caches.match('{kept}').then(found => !!found)")
        page.reload()
        status = page.locator("#pret-hors-ligne")
        status.filter(has_text="adresses de Bagnolet et Montreuil").wait_for()
        assert re.fullmatch(
            r"Prêt hors ligne : données du \d\d/\d\d, adresses de Bagnolet et Montreuil\.",
            status.inner_text(),
        )
        context.set_offline(True)
        for typed in (
            f"{address.numero} {address.nom_voie}",
            f"{address.numero} {address.nom_voie} Bagnolet",
        ):
            page.goto(base + "/")
            page.get_by_text("Adresses gardées : Bagnolet, Montreuil").wait_for()
            page.locator("#adresse-hors-ligne").press_sequentially(typed, delay=5)
            first = page.locator("#suggestions-hors-ligne button").first
            first.wait_for()
            assert first.inner_text().startswith(f"{address.numero} {address.nom_voie}"), typed
            assert first.inner_text().endswith("Bagnolet"), typed
    finally:
        context.close()


def test_offline_voir_plus_adds_the_next_actors_and_keeps_the_ticked_ones(browser, offline_live):
    _, base = offline_live
    context, page = first_visit(browser, base)
    try:
        context.set_offline(True)
        page.goto(base + "/?lat=48.8600&lon=2.4400&k=3")
        page.wait_for_selector("#liste-resultats li")
        first = page.locator("#liste-resultats > li").first
        first.get_by_text("Sur la fiche").click()
        assert page.get_by_role("button", name="Fiche (1)").is_visible()
        page.get_by_role("link", name="Voir plus d’acteurs").click()
        page.wait_for_function(
            "() => document.activeElement.closest('li')?.querySelector('.numero').textContent === '4'"
        )  # the first new card has the focus
        assert page.locator("#liste-resultats > li").count() == 8
        assert first.locator('input[name="acteurs"]').is_checked()  # the same card, still ticked
        assert page.get_by_role("button", name="Fiche (1)").is_visible()
    finally:
        context.close()


def test_offline_an_address_in_a_quarter_says_so_and_ticks_the_chip_as_online(
    browser, offline_live, tmp_path
):
    from tests.test_offline_agreement import made_up_quarters

    made_up_quarters(tmp_path / "instance")  # as `carto data sync` writes them: made up
    _, base = offline_live
    lon_min, lat_min, lon_max, lat_max = COMMUNES["93048"].bbox
    query = f"/?lat={(lat_min + lat_max) / 2:.5f}&lon={lon_min + (lon_max - lon_min) / 5:.5f}&besoin=emploi"
    online = re.search(r'<p id="origine-qpv">([^<]+)</p>', httpx.get(base + query).text).group(1)
    assert "Quartier fictif de Montreuil" in online and "est coché" in online
    context, page = first_visit(browser, base)
    try:
        context.set_offline(True)
        page.goto(base + query)
        page.wait_for_selector("#liste-resultats li")
        assert page.locator("#origine-qpv").inner_text() == online.replace("&#39;", "'")
        assert page.locator('input[name="profil"][value="qpv"]').is_checked()
        assert page.locator('input[name="qpv_vu"]').count() == 1  # the next search is the volunteer's
    finally:
        context.close()
