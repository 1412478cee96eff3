"""Folium maps with every asset served by the app (no CDN) and actor popups built as text.

Folium (with branca and pandas) is imported when a map is drawn, not when the app starts: commands
that draw none start fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import current_app, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from geo.actors.kinds import FAMILIES, KINDS
from geo.actors.model import Actor
from geo.communes import COMMUNES

if TYPE_CHECKING:
    import folium
    import xyzservices
    from folium.plugins import MarkerCluster

MONTREUIL = (48.8610, 2.4430)


@dataclass(frozen=True)
class RenderedMap:
    """The three pieces a page template places: header (CSS/JS), body (the map div), script."""

    header: Markup
    body: Markup
    script: Markup


@cache
def _actor_layer_class() -> type:
    from branca.element import MacroElement
    from jinja2 import Template

    class ActorLayer(MacroElement):
        """Markers for actors, added to the parent layer by ``cartoAddActors`` (static/carto-map.js).

        The data travel as HTML-safe JSON; the script builds popups with ``textContent`` only.
        """

        _template = Template("""
            {% macro script(this, kwargs) %}
            cartoAddActors({{ this._parent.get_name() }}, {{ this.payload }});
            {% endmacro %}
        """)

        def __init__(self, markers: Sequence[dict[str, Any]]):
            super().__init__()
            self._name = "ActorLayer"
            self.payload = htmlsafe_json_dumps(list(markers))

    return ActorLayer


def new_map(center: tuple[float, float] | None = None, zoom: int = 13) -> folium.Map:
    """A map with local Leaflet, our marker script and CSS, and the configured tiles."""
    import folium

    lat, lon = center or MONTREUIL
    carto_map = folium.Map(location=[lat, lon], zoom_start=zoom, tiles=None, control_scale=True)
    carto_map.default_js = [
        ("leaflet", url_for("vendor.asset", package="leaflet", filename="leaflet.js")),
        ("carto_map", url_for("static", filename="carto-map.js")),
    ]
    carto_map.default_css = [
        ("leaflet_css", url_for("vendor.asset", package="leaflet", filename="leaflet.css")),
    ]
    tiles = tile_provider()
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.build_url(),
            attr=tiles.html_attribution,
            name=tiles.name,
            max_zoom=tiles.get("max_zoom", 19),
            control=False,
        ).add_to(carto_map)
    return carto_map


def clustered(parent: folium.Map, name: str | None = None) -> MarkerCluster:
    from folium.plugins import MarkerCluster

    cluster = MarkerCluster(name=name, control=name is not None)
    cluster.default_js = [
        (
            "markercluster",
            url_for("vendor.asset", package="markercluster", filename="leaflet.markercluster.js"),
        ),
    ]
    cluster.default_css = [
        ("markercluster_css", url_for("vendor.asset", package="markercluster", filename="MarkerCluster.css")),
        (
            "markercluster_default_css",
            url_for("vendor.asset", package="markercluster", filename="MarkerCluster.Default.css"),
        ),
    ]
    cluster.add_to(parent)
    return cluster


def add_actors(layer: Any, markers: Iterable[dict[str, Any]]) -> None:
    _actor_layer_class()(list(markers)).add_to(layer)


def add_family_layers(carto_map: folium.Map, actors: Iterable[Actor]) -> None:
    """One clustered layer per family of services, named for the layer control."""
    from webmap.presenters import actor_view

    for family, label in FAMILIES.items():
        members = [
            actor_view(a) for a in actors if a.location and a.kind in KINDS and KINDS[a.kind].family == family
        ]
        if members:
            add_actors(clustered(carto_map, label), members)


def add_layer_control(carto_map: folium.Map) -> None:
    """The list of layers (folded on small screens, see carto.css): added last, it lists every layer
    added before."""
    import folium

    folium.LayerControl(collapsed=True).add_to(carto_map)


def add_origin(carto_map: folium.Map, lat: float, lon: float) -> None:
    import folium

    folium.CircleMarker(
        [lat, lon], radius=9, color="#a11d1d", fill=True, fill_opacity=0.9, tooltip="Le résident"
    ).add_to(carto_map)


def add_contours(carto_map: folium.Map, codes: Iterable[str] | None = None) -> bool:
    """Commune outlines from ``carto data sync``, when present."""
    path = Path(current_app.instance_path) / "contours" / "communes.geojson"
    if not path.exists():
        return False
    import folium

    data = json.loads(path.read_text(encoding="utf-8"))
    if codes is not None:
        wanted = set(codes)
        data["features"] = [f for f in data["features"] if f["properties"]["code"] in wanted]
    folium.GeoJson(
        data,
        name="Communes",
        control=False,
        style_function=lambda _: {"color": "#00528c", "weight": 2, "fill": False, "dashArray": "4 4"},
    ).add_to(carto_map)
    return True


def fit(carto_map: folium.Map, points: Sequence[tuple[float, float]]) -> None:
    if len(points) >= 2:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        carto_map.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))


def commune_center(code: str) -> tuple[float, float] | None:
    commune = COMMUNES.get(code)
    if commune is None:
        return None
    lon_min, lat_min, lon_max, lat_max = commune.bbox
    return (lat_min + lat_max) / 2, (lon_min + lon_max) / 2


_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>', re.S)
ZOOMABLE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
"""Folium forbids pinch-zoom (``user-scalable=no``); people who read small print need it."""


_SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


def rendered(carto_map: folium.Map) -> RenderedMap:
    """The map's header (styles only; its viewport left to the page's own), body and scripts.

    Folium puts Leaflet's ``<script>`` in the head, where it holds back the first paint until the
    largest file of the page has arrived; at the end of the body the results show before it."""
    from branca.element import Figure

    root = cast(Figure, carto_map.get_root())
    root.render()
    header = _FOLIUM_VIEWPORT.sub("", root.header.render())
    scripts = "\n".join(_SCRIPT_TAG.findall(header))
    return RenderedMap(
        Markup(_SCRIPT_TAG.sub("", header)),
        Markup(root.html.render()),
        Markup(scripts) + Markup("\n<script>\n") + Markup(root.script.render()) + Markup("\n</script>"),
    )


def standalone_html(carto_map: folium.Map) -> str:
    return _FOLIUM_VIEWPORT.sub(ZOOMABLE_VIEWPORT, carto_map.get_root().render())


def tile_provider() -> xyzservices.TileProvider | None:
    return tile_provider_named(current_app.config["TILES"])


@cache
def tile_provider_named(name: str) -> xyzservices.TileProvider | None:
    """The xyzservices provider of that name; None for ``none`` (points and outlines only). Looked up
    once per name: a lookup walks all of xyzservices' providers, at every map drawn otherwise."""
    if not name or name == "none":
        return None
    import xyzservices

    return xyzservices.providers.query_name(name)
