"""oEmbed for the association's WordPress: the endpoint's answers, the discovery link of every embed page,
WordPress's own sanitiser run on our answer (php-cli), and in Chromium the embed inside WordPress's own
wp-embed.js: shown, and as tall as its list.

WordPress comes from Debian's ``wordpress`` package (./dev test installs it, with php-cli).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support import ROOT

WORDPRESS = Path(os.environ.get("WORDPRESS_ROOT", "/usr/share/wordpress"))
SANITISE = ROOT / "tests" / "wordpress" / "sanitise.php"
EMBED = "http://localhost/embed/carte"
KINDS = {
    "map": "",
    "list": "liste=1",
    "search": "recherche=1&liste=1",
    "filtered": "commune=93048&besoin=emploi&liste=1&zoom=14",
}
LINK = re.compile(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"')


def oembed(client, url: str, **more: str):
    return client.get("/oembed", query_string={"url": url, **more})


@pytest.mark.parametrize("kind", KINDS)
def test_every_embed_page_names_its_oembed_answer_in_its_head(client, kind):
    page = client.get(f"/embed/carte?{KINDS[kind]}").get_data(as_text=True)
    head = page[: page.index("</head>")]
    [href] = LINK.findall(head)
    assert len(page[: page.index(href)].encode()) < 150_000  # WordPress reads the head's first 150 KB
    asked = urlsplit(unescape(href))
    answer = client.get(f"{asked.path}?{asked.query}").get_json()
    [source] = parse_qs(asked.query)["url"]
    assert re.search(r'<iframe src="([^"]+)"', answer["html"]).group(1).replace("&amp;", "&") == source
    assert sorted(parse_qs(urlsplit(source).query)) == sorted(parse_qs(KINDS[kind]))


@pytest.mark.parametrize("kind", KINDS)
def test_the_answer_is_oembed_rich_with_the_iframe_of_that_embed(client, kind):
    url = f"{EMBED}?{KINDS[kind]}" if KINDS[kind] else EMBED
    answer = oembed(client, url, maxwidth="600", maxheight="450", format="json")
    body = answer.get_json()

    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert {k: body[k] for k in ("version", "type", "provider_name", "width", "height", "cache_age")} == {
        "version": "1.0",
        "type": "rich",
        "provider_name": "carto-insertion",
        "width": 600,
        "height": 450,
        "cache_age": 86400,
    }
    [source] = re.findall(r'<iframe src="([^"]+)" width="600" height="450" title="([^"]+)"', body["html"])
    assert source[0].replace("&amp;", "&").startswith(EMBED) and source[1] == body["title"]
    assert body["html"].startswith(f'<blockquote style="display: none"><a href="{source[0]}">')  # a fallback
    if kind == "filtered":
        assert body["title"] == "Carte des acteurs de l’emploi — Montreuil, trouver un emploi"


def test_without_maxima_the_default_size_and_within_them_the_smaller(client):
    assert [oembed(client, EMBED).get_json()[k] for k in ("width", "height")] == [640, 500]
    assert [oembed(client, EMBED, maxwidth="2000").get_json()[k] for k in ("width", "height")] == [640, 500]
    assert oembed(client, EMBED, maxwidth="320").get_json()["width"] == 320


@pytest.mark.parametrize(
    ("asked", "status", "said"),
    [
        ({"url": "https://example.org/embed/carte"}, 404, "pas l’adresse d’une carte intégrée"),
        ({"url": "http://localhost/fiche?acteurs=x"}, 404, "pas l’adresse d’une carte intégrée"),
        ({"url": "javascript:alert(1)"}, 404, "pas l’adresse d’une carte intégrée"),
        ({}, 404, "pas l’adresse d’une carte intégrée"),
        ({"url": f"{EMBED}?lat=48.86&lon=2.44"}, 404, "l’adresse d’un résident"),
        ({"url": f"{EMBED}?adresse=13+rue+Imaginaire"}, 404, "l’adresse d’un résident"),
        ({"url": f"{EMBED}?commune=99999"}, 404, "url : "),
        ({"url": EMBED, "format": "xml"}, 501, "seul json"),
        ({"url": EMBED, "maxwidth": "large"}, 400, "maxwidth"),
        ({"url": EMBED, "maxheight": "0"}, 400, "maxheight"),
    ],
)
def test_what_is_not_answered_is_said(client, asked, status, said):
    answer = client.get("/oembed", query_string=asked)
    assert answer.status_code == status and said in answer.get_json()["message"]
    assert answer.cache_control.no_store and answer.cache_control.private  # as every error answer


@pytest.mark.parametrize(
    "url",
    [
        f"{EMBED}?commune=<script>alert(1)</script>",
        f'{EMBED}?besoin=emploi&x="><script>alert(1)</script>',
        f'{EMBED}?zoom=14"><img src=x onerror=alert(1)>',
        "http://localhost/embed/carte?besoin=%22%3E%3Cscript%3E",
    ],
)
def test_nothing_asked_comes_back_unescaped(client, url):
    text = oembed(client, url).get_data(as_text=True)
    assert "<script" not in text and "<img" not in text and "onerror" not in text.replace("\\u", "")


def test_answers_are_cacheable_compressed_and_conditional(client):
    """Compressed as every answer of the service over flask-compress's 500 bytes (a filtered map's)."""
    asked = {"url": f"{EMBED}?{KINDS['filtered']}"}
    first = client.get("/oembed", query_string=asked, headers={"Accept-Encoding": "br, gzip"})
    again = client.get(
        "/oembed",
        query_string=asked,
        headers={"Accept-Encoding": "br, gzip", "If-None-Match": first.headers["ETag"]},
    )

    assert first.cache_control.public and first.cache_control.max_age == 86400
    assert first.headers.get("Content-Encoding") in ("br", "gzip")
    assert again.status_code == 304


def wordpress_sanitised(answer: dict, url: str) -> str:
    """What WordPress keeps of an oEmbed answer from a provider it does not know."""
    if not (WORDPRESS / "wp-includes" / "embed.php").exists() or shutil.which("php") is None:
        pytest.skip("Debian's wordpress and php-cli are not installed; ./dev test installs them")
    done = subprocess.run(
        ["php", str(SANITISE), url],
        input=json.dumps(answer),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "WORDPRESS_ROOT": f"{WORDPRESS}/"},
    )
    return done.stdout


def test_wordpress_s_sanitiser_keeps_our_iframe_and_adds_its_sandbox_and_secret(client):
    url = f"{EMBED}?commune=93048&liste=1"
    html = wordpress_sanitised(oembed(client, url).get_json(), url)

    [secret] = re.findall(r'<iframe [^>]*data-secret="([A-Za-z0-9]+)"', html)
    assert 'sandbox="allow-scripts" security="restricted"' in html
    assert f'<blockquote class="wp-embedded-content" data-secret="{secret}"><a href="' in html
    [src] = re.findall(r' src="([^"]+)"', html)
    assert unescape(src) == f"{EMBED}?commune=93048&liste=1#?secret={secret}"


# -- in Chromium, inside WordPress's own embed script -------------------------------------------------
def wordpress_page(folder: Path, html: str) -> Path:
    """A post as WordPress serves it: the sanitised embed in its content, then wp-embed.js; and, for the
    test, a record of the messages the page receives."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(WORDPRESS / "wp-includes" / "js" / "wp-embed.js", folder / "wp-embed.js")
    (folder / "article.html").write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Article fictif</title></head>'
        f'<body><main class="entry-content"><p>Nos partenaires :</p>{html}<p>Fin.</p></main>'
        '<script src="wp-embed.js"></script>'
        "<script>window.posted = []; addEventListener('message', e => posted.push(e.data));</script>"
        "</body></html>",
        encoding="utf-8",
    )
    return folder


def embedded(page):
    """The iframe as WordPress shows it, once our page has posted its height: no hiding style left."""
    frame = page.locator("iframe.wp-embedded-content")
    page.wait_for_function(
        "() => !document.querySelector('iframe.wp-embedded-content').hasAttribute('style')"
    )
    inner = frame.element_handle().content_frame()
    return frame, inner


def posted_height(page, inner) -> tuple[int, int]:
    """(the iframe's height attribute, our page's own height, clamped to 200–1000 as wp-embed.js does),
    once they agree: the resize is a message, then a layout."""
    script = "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"
    page.wait_for_function(
        """(wanted) => +document.querySelector('iframe.wp-embedded-content').height === wanted""",
        arg=min(1000, max(200, inner.evaluate(script))),
    )
    return int(page.locator("iframe.wp-embedded-content").get_attribute("height")), inner.evaluate(script)


@pytest.mark.parametrize("width", [360, 768])
def test_in_wordpress_the_map_shows_and_takes_its_list_s_height(browser, live, serve_folder, tmp_path, width):
    url = f"{live}/embed/carte?liste=1"
    answer = httpx.get(f"{live}/oembed", params={"url": url, "maxwidth": str(width - 40)}).json()
    site = serve_folder(wordpress_page(tmp_path / "site", wordpress_sanitised(answer, url)))
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{site}/article.html")
        frame, inner = embedded(page)
        height, own = posted_height(page, inner)
        page.screenshot(path=str(tmp_path / f"wordpress-{width}.png"), full_page=True)

        assert page.locator("blockquote.wp-embedded-content").is_hidden()
        assert frame.is_visible() and height == min(1000, own) and own > answer["height"]  # the whole list
        assert inner.locator("ol.actors li").count() > 5 and inner.locator(".folium-map").is_visible()
    finally:
        context.close()


def test_in_wordpress_a_search_in_the_embed_keeps_it_shown_at_its_new_height(
    browser, live, serve_folder, tmp_path
):
    url = f"{live}/embed/carte?recherche=1&liste=1"
    answer = httpx.get(f"{live}/oembed", params={"url": url}).json()
    site = serve_folder(wordpress_page(tmp_path / "site", wordpress_sanitised(answer, url)))
    context = browser.new_context(viewport={"width": 900, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{site}/article.html")
        frame, inner = embedded(page)
        posted_height(page, inner)
        before = page.evaluate("posted.length")
        inner.fill("#adresse", "13 rue Imaginaire 93100 Montreuil")
        with inner.expect_navigation():
            inner.get_by_role("button", name="Chercher").click()  # the sandbox submits no form: oembed.js
        inner.wait_for_selector("ol.actors li")
        height, own = posted_height(page, inner)
        told = page.evaluate("(before) => posted.slice(before).map(m => m.message)", before)

        assert "secret=" in inner.url and inner.locator("ol.actors li").count() == 5  # the five nearest
        assert frame.is_visible() and height == min(1000, own) and "height" in told  # the new page told
    finally:
        context.close()


def test_the_builder_offers_the_address_to_paste_first_and_the_iframe_second(client):
    page = client.get("/embed?commune=93014&besoin=emploi&liste=1").get_data(as_text=True)
    [pasted] = re.findall(r'<input type="text" id="adresse-a-coller" value="([^"]+)"', page)

    assert page.index('id="adresse-a-coller"') < page.index('id="snippet"')
    assert oembed(client, unescape(pasted)).status_code == 200


@pytest.mark.parametrize("allowed", [True, False])
def test_in_wordpress_the_allowed_origins_still_decide(browser, serve_folder, tmp_path, allowed):
    """CARTO_EMBED_ALLOWED_ORIGINS naming the association's site: the embed shows there; naming
    another site: Chromium refuses to frame it, and WordPress keeps it hidden."""
    from tests.browser_fixtures import served_app

    site_folder = tmp_path / "site"
    site_folder.mkdir()
    site = serve_folder(site_folder)
    framing = site if allowed else "https://association.example"
    with served_app(tmp_path / "instance", EMBED_ALLOWED_ORIGINS=framing) as (_, base):
        context = browser.new_context(viewport={"width": 768, "height": 900}, locale="fr-FR")
        page = context.new_page()
        try:
            url = f"{base}/embed/carte?liste=1"
            answer = httpx.get(f"{base}/oembed", params={"url": url}).json()
            wordpress_page(site_folder, wordpress_sanitised(answer, url))
            page.goto(f"{site}/article.html")
            if allowed:
                frame, _ = embedded(page)
                assert frame.is_visible()
            else:
                page.wait_for_function("() => !!window.wp")  # wp-embed.js ran
                inner = page.locator("iframe.wp-embedded-content").element_handle().content_frame()
                inner.wait_for_load_state("load")
                assert inner.url.startswith("chrome-error://")  # the browser refused to frame our page
                assert page.locator("iframe.wp-embedded-content").get_attribute("style")  # still hidden
        finally:
            context.close()
