"""Response headers: what a page may load, who may frame it, and what no cache may keep.

The Content-Security-Policy allows this service's own files, the configured map tiles, and the inline
scripts of the page itself by their SHA-256 hash (folium writes each map's script inline; a hash, unlike
a nonce, survives the embed's page cache). Styles stay ``'unsafe-inline'``: Leaflet and folium set
style attributes. Nothing else — no CDN, no plugin, no ``<base>``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
_TEMPLATE_LABEL = re.compile(r"\{[^}]*\}")
HSTS_SECONDS = 365 * 24 * 3600


def register_security_headers(app: Flask) -> None:
    app.after_request(_headers)


def private_response(response: Response) -> Response:
    """A response that carries what a resident said (address, position, age): no cache keeps it, and
    the pages it links to do not receive its URL as Referer."""
    response.cache_control.public = False
    response.cache_control.max_age = None
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _headers(response: Response) -> Response:
    framing = "frame-ancestors 'none'"
    if request.path.startswith("/embed/"):
        framing = f"frame-ancestors {current_app.config['EMBED_ALLOWED_ORIGINS'].strip() or '*'}"
    else:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "; ".join(
        [*_policy(current_app.config["TILES"]), _scripts(response), framing]
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A URL with a query string may hold what a resident said (a place, an age): never sent on
    response.headers.setdefault("Referrer-Policy", "no-referrer" if request.query_string else "same-origin")
    if current_app.config["SECURE_COOKIES"]:
        response.headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
    if request.path.startswith(("/gestion", "/compte", "/connexion")):
        response.cache_control.no_store = True
        response.cache_control.private = True
    return response


@functools.cache
def _policy(tiles: str) -> tuple[str, ...]:
    return (
        "default-src 'self'",
        f"img-src 'self' data: {_tile_source(tiles)}".rstrip(),
        "style-src 'self' 'unsafe-inline'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )


def _tile_source(tiles: str) -> str:
    """The CSP source of the configured tiles: « https://*.tile.openstreetmap.fr »."""
    from webmap.maps import tile_provider_named

    provider = tile_provider_named(tiles)
    if provider is None:
        return ""
    parts = urlsplit(provider.build_url())
    host = _TEMPLATE_LABEL.sub("*", parts.netloc)
    if "*" in host.removeprefix("*."):
        return f"{parts.scheme}:"  # a placeholder CSP cannot express: the scheme only
    return f"{parts.scheme}://{host}"


def _scripts(response: Response) -> str:
    """script-src: our files, and this page's inline scripts by hash."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return "script-src 'self'"
    hashes = {_sha256(body) for body in _INLINE_SCRIPT.findall(response.get_data(as_text=True))}
    return " ".join(["script-src 'self'", *sorted(hashes)])


@functools.lru_cache(maxsize=1024)
def _sha256(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
