"""The installable, offline-capable side of the volunteer's pages: the web app manifest, the service
worker (served from the site's root so that it covers every page) and the offline page it falls back
on, which searches with the field pack (docs/offline.md)."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, render_template, url_for

blueprint = Blueprint("offline", __name__, template_folder="templates")

STATIC_FILES = {
    "static": ["carto.css", "carto-map.js", "lib/proj4.js", "lib/point-in-polygon.js", "lib/qrcode.js",
               "icone.svg", "icone-192.png", "icone-512.png"],
    "volunteer.static": ["search.js", "search-offline.js", "hors-ligne.js", "fiche.js", "retour.js",
                         "rencontre.js", "sw-register.js"],
}
"""What the service worker keeps from the first visit: every file the offline page and the volunteer's
pages use (Leaflet's added below)."""


def precached_urls() -> list[str]:
    urls = [url_for(endpoint, filename=name) for endpoint, names in STATIC_FILES.items() for name in names]
    urls += [url_for("vendor.asset", package="leaflet", filename=name)
             for name in ("leaflet.js", "leaflet.css")]
    return [*urls, url_for("offline.shell"), url_for("offline.manifest")]


@blueprint.get("/sw.js")
def service_worker() -> Response:
    urls = precached_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]  # fingerprints included
    script = render_template("volunteer/sw.js", version=version, urls=urls, shell=url_for("offline.shell"),
                             pack=url_for("api.pack"))
    response = Response(script, mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    document = {
        "name": "carto-insertion — accompagner les habitants vers l’emploi", "short_name": "carto-insertion",
        "lang": "fr", "start_url": url_for("volunteer.index"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#00528c",
        "icons": [*({"src": url_for("static", filename=f"icone-{size}.png"), "sizes": f"{size}x{size}",
                     "type": "image/png"} for size in (192, 512)),
                  {"src": url_for("static", filename="icone.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/manifest+json")


@blueprint.get("/hors-ligne")
def shell() -> str:
    """The page the service worker shows when the network is gone: it searches with the field pack.
    It holds nothing about a resident (the search runs in the browser)."""
    from geo.actors.vocabularies import PUBLICS
    from geo.search.needs import NEEDS

    return render_template("volunteer/hors_ligne.html", needs=NEEDS, publics=PUBLICS)
