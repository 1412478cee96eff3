"""oEmbed (1.0) for the embeddable maps: a site builder given one of our embed URLs asks
``/oembed?url=…`` and gets the iframe to show (the ``rich`` type), as WordPress does with any pasted URL.

Only our own embed URLs are answered. Their filters are read as the embed page reads them, and the
iframe's address is rebuilt from what was read: nothing of the asked URL is echoed as it came. The
iframe comes after a link in a ``<blockquote>``: hidden where the HTML is used as sent, it is the
fallback WordPress shows (its style removed) until the embed page tells it its height
(``webmap/static/oembed.js``). No map of a resident's address, position or age
is published this way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, jsonify, request, url_for
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from geo.communes import COMMUNES
from geo.search.needs import NEEDS
from webmap.query import EmbedQuery, parse
from webmap.security import private_response

blueprint = Blueprint("oembed", __name__)

PROVIDER_NAME = "carto-insertion"
CACHE_AGE = 86_400
"""How long a consumer may keep an answer (seconds): the iframe of a URL changes only with our code."""
DEFAULT_SIZE = (640, 500)
"""The iframe's width and height when the consumer sets no maximum; the embed page then posts its
own height to WordPress."""
TITLE = "Carte des acteurs de l’emploi"
RESIDENT_PARAMETERS = ("adresse", "lat", "lon", "citycode", "age")
"""What would make the embedded map a resident's: refused (the embed URL stays usable by hand)."""


class OEmbedError(Exception):
    """A URL, size or format the endpoint does not answer: its status and the reason, in French."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@blueprint.errorhandler(OEmbedError)
def _refused(error: OEmbedError) -> Response:
    """As every error answer: never kept (the URL asked may hold what a resident said)."""
    response = jsonify({"status": error.status, "message": error.message})
    response.status_code = error.status
    return private_response(response)


@blueprint.get("/oembed")
def oembed() -> Response:
    """The oEmbed answer for one of our embed URLs: JSON only (``format=xml`` is a 501)."""
    wanted = request.args.get("format", "json")
    if wanted != "json":
        raise OEmbedError(501, "format : seul json est servi")
    width, height = _size("maxwidth", DEFAULT_SIZE[0]), _size("maxheight", DEFAULT_SIZE[1])
    values = _embed_values(request.args.get("url", ""))
    source = url_for("embed.embedded_map", _external=True, **_kept(values))
    title = embed_title(values)
    html = (
        f'<blockquote style="display: none"><a href="{escape(source)}">{escape(title)}</a></blockquote>'
        f'<iframe src="{escape(source)}" width="{width}" height="{height}" title="{escape(title)}" '
        'frameborder="0" scrolling="no"></iframe>'
    )
    response = jsonify(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": PROVIDER_NAME,
            "provider_url": url_for("volunteer.index", _external=True),
            "title": title,
            "html": html,
            "width": width,
            "height": height,
            "cache_age": CACHE_AGE,
        }
    )
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_AGE
    response.add_etag()
    response.make_conditional(request)
    return response


def discovery_url(values: dict[str, Any]) -> str:
    """The embed page's own oEmbed address (from its parsed parameters), for its ``<link
    rel="alternate">``."""
    source = url_for("embed.embedded_map", _external=True, **_kept(values))
    return url_for("oembed.oembed", url=source, format="json", _external=True)


def embed_title(values: dict[str, Any]) -> str:
    """« Carte des acteurs de l’emploi — Montreuil, trouver un emploi »."""
    named = [COMMUNES[values["commune"]].nom] if values.get("commune") in COMMUNES else []
    named += [NEEDS[slug].label.lower() for slug in values.get("besoin", ()) if slug in NEEDS]
    return TITLE + (" — " + ", ".join(named) if named else "")


def _embed_values(url: str) -> dict[str, Any]:
    """The filters of one of our embed URLs, as the embed page reads them; 404 for any other URL."""
    ours = urlsplit(url_for("embed.embedded_map", _external=True))
    asked = urlsplit(url.strip())
    if asked.scheme not in ("http", "https") or asked.netloc != ours.netloc or asked.path != ours.path:
        raise OEmbedError(404, "url : ce n’est pas l’adresse d’une carte intégrée de ce service")
    args = MultiDict(_pairs(asked.query))
    if any(args.get(name) for name in RESIDENT_PARAMETERS):
        raise OEmbedError(404, "url : une carte cherchée depuis l’adresse d’un résident ne s’intègre pas")
    values, problems = parse(EmbedQuery, args)
    if problems:  # the parameter named, never its value
        raise OEmbedError(
            404, f"url : le paramètre « {next(iter(problems))} » de cette carte n’est pas valide"
        )
    return values


def _kept(values: dict[str, Any]) -> dict[str, Any]:
    """The embed page's parameters from what was read: filters and display, in a stable order."""
    kept: dict[str, Any] = {}
    for name in ("commune", "besoin", "thematique", "public", "zoom"):
        if values.get(name):
            kept[name] = values[name]
    for name in ("liste", "recherche"):
        if values.get(name):
            kept[name] = "1"
    return kept


def _size(name: str, default: int) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or not 0 < int(text) <= 10_000:
        raise OEmbedError(400, f"{name} : un nombre de pixels entre 1 et 10000")
    return min(int(text), default)


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=False)
