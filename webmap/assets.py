"""Leaflet and its marker-cluster plugin, served by the app itself (from the xstatic packages): a page
makes no request outside the service but for map tiles."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from werkzeug.wrappers import Response
from xstatic.pkg import leaflet, leaflet_markercluster

blueprint = Blueprint("vendor", __name__, url_prefix="/static/vendor")
_FOLDERS = {"leaflet": leaflet.BASE_DIR, "markercluster": leaflet_markercluster.BASE_DIR}
ONE_WEEK = 7 * 24 * 3600


@blueprint.get("/<any(leaflet, markercluster):package>/<path:filename>")
def asset(package: str, filename: str) -> Response:
    return send_from_directory(_FOLDERS[package], filename, max_age=ONE_WEEK)
