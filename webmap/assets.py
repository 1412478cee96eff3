"""Static files: served by the app (Leaflet from the xstatic packages — no CDN), compressed, and cached
for a year under URLs that carry a fingerprint of their content.

``url_for`` adds ``?v=<fingerprint>`` to every static URL, so a page always names the exact version of
each file it needs. A request that names the current version is answered as immutable for a year: a
tablet on a weak link fetches Leaflet once, not at every search. Any other request (an old page, a
hand-typed URL) is revalidated. Compression (brotli, gzip…) is flask-compress's, for pages and files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import cast

from flask import Blueprint, Flask, current_app, request, send_from_directory
from werkzeug.security import safe_join
from werkzeug.wrappers import Response
from xstatic.pkg import leaflet, leaflet_markercluster

blueprint = Blueprint("vendor", __name__, url_prefix="/static/vendor")
_FOLDERS = {"leaflet": leaflet.BASE_DIR, "markercluster": leaflet_markercluster.BASE_DIR}
ONE_YEAR = 365 * 24 * 3600
VERSION_PARAMETER = "v"


@blueprint.get("/<any(leaflet, markercluster):package>/<path:filename>")
def asset(package: str, filename: str) -> Response:
    return send_from_directory(_FOLDERS[package], filename)


def register_static_files(app: Flask) -> None:
    """Fingerprinted URLs for every static endpoint, and the caching they allow; compression."""
    from flask_compress import Compress

    Compress(app)  # registered before the other after_request hooks, it runs after them all
    app.url_defaults(_add_fingerprint)
    app.after_request(_cache_static_files)


def _static_file(endpoint: str | None, values: dict) -> Path | None:
    """The file a static endpoint serves for these URL values, if there is one."""
    if endpoint == "vendor.asset":
        folder = _FOLDERS.get(values.get("package", ""))
    elif endpoint == "static" or (endpoint or "").endswith(".static"):
        blueprint_name = endpoint.rpartition(".")[0] if endpoint and "." in endpoint else None
        owner = current_app.blueprints[blueprint_name] if blueprint_name else current_app
        folder = owner.static_folder
    else:
        return None
    filename = values.get("filename")
    found = safe_join(folder, filename) if folder and isinstance(filename, str) else None
    return Path(found) if found and Path(found).is_file() else None


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if VERSION_PARAMETER in values:
        return
    path = _static_file(endpoint, values)
    if path is not None:
        values[VERSION_PARAMETER] = fingerprint(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=256)
def fingerprint(path: Path, modified_ns: int) -> str:
    """A short hash of the file's content (recomputed when the file changes)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _cache_static_files(response: Response) -> Response:
    if response.status_code != 200:
        return response
    path = _static_file(request.endpoint, {**request.view_args} if request.view_args else {})
    if path is None:
        return response
    file = response.response  # read whole (small files) and closed now: the compressor gets one body
    response.set_data(b"".join(cast("Iterable[bytes]", file)))
    getattr(file, "close", lambda: None)()
    named = request.args.get(VERSION_PARAMETER)
    if named and named == fingerprint(path, path.stat().st_mtime_ns):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response
