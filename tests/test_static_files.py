"""Static files on a weak link: fingerprinted URLs cached for a year, everything compressed."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from webmap.assets import fingerprint

STATIC_URL = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def static_urls(page: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in STATIC_URL.findall(page)]


def test_pages_name_each_static_file_by_its_fingerprint_and_those_urls_are_kept_a_year(client):
    page = client.get("/?lat=48.86&lon=2.44&besoin=emploi").get_data(as_text=True)
    urls = static_urls(page)

    assert {url.rpartition("/")[2].partition("?")[0] for url in urls} >= {
        "carto.css",
        "leaflet.js",
        "leaflet.css",
        "carto-map.js",
        "search.js",
    }
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


@pytest.mark.parametrize(
    "url",
    ["/static/carto.css", "/static/carto.css?v=000000000000", "/static/vendor/leaflet/leaflet.js?v=old"],
)
def test_a_url_without_the_current_fingerprint_is_revalidated(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    with client.get(url, headers={"If-None-Match": response.headers["ETag"]}) as again:
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_fingerprint(tmp_path):
    style = tmp_path / "style.css"
    style.write_text("body { color: black }")
    before = fingerprint(style, style.stat().st_mtime_ns)
    style.write_text("body { color: navy }")
    assert fingerprint(style, style.stat().st_mtime_ns) != before


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_and_files_travel_compressed(client, encoding, decode):
    page = client.get("/?lat=48.86&lon=2.44&besoin=emploi")
    leaflet = next(u for u in static_urls(page.get_data(as_text=True)) if "leaflet.js" in u)
    for url in ("/?lat=48.86&lon=2.44&besoin=emploi", leaflet, "/api/v1/actors"):
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        packed = client.get(url, headers={"Accept-Encoding": encoding})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == encoding and "Accept-Encoding" in packed.headers["Vary"]
        assert len(decode(packed.get_data())) == len(plain.get_data())  # pages differ by map ids only
        assert len(packed.get_data()) < len(plain.get_data()) / 2.5, url
    assert decode(packed.get_data()) == plain.get_data()  # the API's answer, byte for byte


def test_leaflet_loads_after_the_results_so_they_show_first(client):
    """Leaflet, the largest file, is at the end of the body: it no longer holds back the first paint."""
    page = client.get("/?lat=48.86&lon=2.44&besoin=emploi").get_data(as_text=True)
    head, body = page.split("</head>")
    assert "leaflet.js" not in head and "leaflet.css" in head
    assert body.index('id="liste-resultats"') < body.index("leaflet.js") < body.index("L.map(")
