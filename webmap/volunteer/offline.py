"""The installable, offline-capable side of the volunteer's pages: the web app manifest, the service
worker (served from the site's root so that it covers every page) and the offline page it falls back
on, which searches with the field pack (docs/offline.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, render_template, url_for

if TYPE_CHECKING:
    from geo.actors.model import Actor

blueprint = Blueprint("offline", __name__, template_folder="templates")

STATIC_FILES = {
    "static": [
        "carto.css",
        "carto-map.js",
        "lib/proj4.js",
        "lib/point-in-polygon.js",
        "lib/qrcode.js",
        "lib/fuzzball.js",
        "icone.svg",
        "icone-192.png",
        "icone-512.png",
    ],
    "volunteer.static": [
        "search.js",
        "search-offline.js",
        "choix-fiche.js",
        "hors-ligne.js",
        "adresses-hors-ligne.js",
        "fiche.js",
        "fiche-hors-ligne.js",
        "retour.js",
        "rencontre.js",
        "file-rencontres.js",
        "sw-register.js",
    ],
}
"""What the service worker keeps from the first visit: every file the offline page and the volunteer's
pages use (Leaflet's added below)."""


def precached_urls() -> list[str]:
    urls = [url_for(endpoint, filename=name) for endpoint, names in STATIC_FILES.items() for name in names]
    urls += [
        url_for("vendor.asset", package="leaflet", filename=name) for name in ("leaflet.js", "leaflet.css")
    ]
    from webmap.i18n import DEFAULT, FICHE_LANGUAGES

    fiches = [
        url_for("offline.fiche_shell", langue=None if code == DEFAULT else code) for code in FICHE_LANGUAGES
    ]
    return [*urls, url_for("offline.shell"), *fiches, url_for("offline.manifest")]


@blueprint.get("/sw.js")
def service_worker() -> Response:
    from webmap.i18n import DEFAULT, FICHE_LANGUAGES

    urls = precached_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]  # fingerprints included
    script = render_template(
        "volunteer/sw.js",
        version=version,
        urls=urls,
        shell=url_for("offline.shell"),
        fiches={
            code: url_for("offline.fiche_shell", langue=None if code == DEFAULT else code)
            for code in FICHE_LANGUAGES
        },
        pack=url_for("api.pack"),
        encounter=url_for("rencontre.page"),
        logout=url_for("auth.logout"),
        queue_script=url_for("volunteer.static", filename="file-rencontres.js"),
    )
    response = Response(script, mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    document = {
        "name": "carto-insertion — accompagner les habitants vers l’emploi",
        "short_name": "carto-insertion",
        "lang": "fr",
        "start_url": url_for("volunteer.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00528c",
        "icons": [
            *(
                {
                    "src": url_for("static", filename=f"icone-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in (192, 512)
            ),
            {"src": url_for("static", filename="icone.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/manifest+json")


def presented(pack: dict[str, Any], actors: Iterable[Actor]) -> dict[str, Any]:
    """The pack with the words the pages write: each actor's view (``presenters.actor_view``) and
    what its fiche says; the words a result's lines are made of (``presenters.WORDS``)."""
    from flask_babel import force_locale

    from geo.search.nearest import PLACEMENT_LABELS, SERVES_COMMUNE
    from webmap.i18n import FICHE_LANGUAGES
    from webmap.presenters import WORDS, access_label, actor_view
    from webmap.volunteer.fiche import directions, helps_with, information_date

    by_id = {actor.id: actor for actor in actors}
    for entry in pack["acteurs"]:
        actor = by_id[entry["id"]]
        entry.update(vue=actor_view(actor), itineraire=directions(actor), fiche={})
        for code in FICHE_LANGUAGES:  # what the fiche says of it, in each of its languages
            with force_locale(code):
                entry["fiche"][code] = {
                    "aide_pour": helps_with(actor),
                    "information": information_date(actor),
                    "comment_y_aller": access_label(actor),
                }
    pack["mots"] = {**WORDS, "serves_commune": PLACEMENT_LABELS[SERVES_COMMUNE]}
    return pack


@blueprint.get("/hors-ligne")
def shell() -> Response:
    """The page the service worker shows when the network is gone: it searches with the field pack.
    It holds nothing about a resident (the search runs in the browser), nor about a session: the
    worker keeps it for whoever uses the tablet next."""
    from geo.actors.vocabularies import PUBLICS
    from geo.search.needs import NEEDS
    from webmap.volunteer.fiche import MAX_ACTORS

    page = render_template(
        "volunteer/hors_ligne.html", needs=NEEDS, publics=PUBLICS, max_actors=MAX_ACTORS, for_anyone=True
    )
    return _shown_at_residents_urls(page)


@blueprint.get("/hors-ligne/fiche")
def fiche_shell() -> Response:
    """The fiche the service worker shows with no network: built in the browser from the pack, with
    its QR code and SMS text made there too. Nothing about the resident."""
    from webmap.i18n import FICHE_LANGUAGES, calendar_words
    from webmap.volunteer.fiche import MAX_ACTORS, QR_QUIET_ZONE

    return _shown_at_residents_urls(
        render_template(
            "volunteer/fiche_hors_ligne.html",
            for_anyone=True,
            languages=FICHE_LANGUAGES,
            calendar=calendar_words(),
            quiet_zone=QR_QUIET_ZONE,
            max_actors=MAX_ACTORS,
        )
    )


def _shown_at_residents_urls(page: str) -> Response:
    """An offline page: the worker shows it at the URL of a search or a fiche, which may hold a
    resident's place or age, so it never sends its URL on as Referer."""
    response = Response(page, mimetype="text/html")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
