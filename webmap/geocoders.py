"""The configured geocoder: the chain of back-ends named in ``GEOCODERS``, built once per app."""

from __future__ import annotations

from pathlib import Path

import httpx
from flask import Flask, current_app

from geo.geocoding.ban_index import LocalBanGeocoder
from geo.geocoding.chain import GeocoderChain
from geo.geocoding.remote import addok, geoplateforme
from webmap.settings import ConfigurationError

_KEY = "carto.geocoder"


def ban_index_path(app: Flask) -> Path:
    return Path(app.instance_path) / "ban" / "index.sqlite"


def current_geocoder() -> GeocoderChain:
    """The app's geocoder chain, created on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if _KEY not in app.extensions:
        app.extensions[_KEY] = build_geocoder(app)
    return app.extensions[_KEY]


def build_geocoder(app: Flask) -> GeocoderChain:
    config = app.config
    client = httpx.Client(timeout=config["GEOCODER_TIMEOUT"],
                          headers={"User-Agent": "carto-insertion/0.1"})
    makers = {
        "local": lambda: LocalBanGeocoder(ban_index_path(app)),
        "geoplateforme": lambda: geoplateforme(client, config["GEOPLATEFORME_URL"],
                                               per_second=config["GEOPLATEFORME_RATE"]),
        "addok": lambda: addok(client, config["ADDOK_URL"]),
    }
    unknown = [name for name in config["GEOCODERS"] if name not in makers]
    if unknown:
        raise ConfigurationError(f"CARTO_GEOCODERS : géocodeur inconnu {', '.join(unknown)}")
    return GeocoderChain([makers[name]() for name in config["GEOCODERS"]],
                         min_score=config["GEOCODER_MIN_SCORE"],
                         cache_size=config["GEOCODER_CACHE_SIZE"])
