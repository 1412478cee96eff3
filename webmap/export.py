"""A self-contained HTML map (data, scripts, styles and marker images inlined) for sites that cannot
use an iframe. Only map tiles are fetched by the reader's browser."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from markupsafe import escape
from xstatic.pkg import leaflet, leaflet_markercluster

from geo.actors.model import Actor
from webmap import maps

_ASSETS = {
    "/static/vendor/leaflet/": Path(leaflet.BASE_DIR),
    "/static/vendor/markercluster/": Path(leaflet_markercluster.BASE_DIR),
}
# The file's URL, without the fingerprint (``?v=…``) that names its version.
_SCRIPT = re.compile(r'<script src="([^"?]+)(?:\?[^"]*)?"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"?]+)(?:\?[^"]*)?"/?>')
_CSS_IMAGE = re.compile(r"url\((images/[^)]+\.png)\)")


def export_map(actors: Sequence[Actor], title: str) -> str:
    """The HTML of a map of ``actors``, needing nothing from this service once written."""
    carto_map = maps.new_map(zoom=12)
    maps.add_family_layers(carto_map, actors)
    maps.add_contours(carto_map)
    maps.add_layer_control(carto_map)
    html = maps.standalone_html(carto_map)
    html = _STYLESHEET.sub(lambda m: f"<style>{_css(m.group(1))}</style>", html)
    html = _SCRIPT.sub(lambda m: f"<script>{_text(m.group(1))}</script>{_icon_fix(m.group(1))}", html)
    return html.replace("<head>", f"<head><title>{escape(title)}</title>", 1)


def _path(url: str) -> Path:
    for prefix, folder in _ASSETS.items():
        if url.startswith(prefix):
            return folder / url.removeprefix(prefix)
    if url.startswith("/static/"):
        return Path(current_app.static_folder or "static") / url.removeprefix("/static/")
    raise ValueError(f"asset outside the service: {url}")


def _text(url: str) -> str:
    return _path(url).read_text(encoding="utf-8").replace("</script", "<\\/script")


def _css(url: str) -> str:
    folder = _path(url).parent
    return _CSS_IMAGE.sub(lambda m: f"url({_data_uri(folder / m.group(1))})", _text(url))


def _icon_fix(url: str) -> str:
    """Leaflet finds its marker images next to its CSS; inlined, they are given as data URIs."""
    if not url.endswith("leaflet/leaflet.js"):
        return ""
    images = Path(leaflet.BASE_DIR) / "images"
    return (
        "<script>L.Icon.Default.mergeOptions({"
        f"iconUrl: '{_data_uri(images / 'marker-icon.png')}', "
        f"iconRetinaUrl: '{_data_uri(images / 'marker-icon-2x.png')}', "
        f"shadowUrl: '{_data_uri(images / 'marker-shadow.png')}'}});</script>"
    )


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
