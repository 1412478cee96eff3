"""The configured geocoder: back-ends named in order, built into one chain — from a notebook as from the app.

chain = build_geocoder(GeocoderSettings(("local",), ban_index=Path("instance/ban/index.sqlite")))
chain.search("12 rue de Paris", citycode="93048")
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo.geocoding.base import Geocoder
from geo.geocoding.chain import GeocoderChain

if TYPE_CHECKING:
    import httpx

USER_AGENT = "carto-insertion/0.1"


class UnknownGeocoder(ValueError):
    """A back-end name that is not in ``BACKENDS``."""


@dataclass(frozen=True)
class GeocoderSettings:
    """What it takes to build the chain; the defaults are those of the service."""

    names: Sequence[str] = ("local", "geoplateforme")
    ban_index: Path = Path("instance/ban/index.sqlite")
    geoplateforme_url: str = "https://data.geopf.fr/geocodage"
    geoplateforme_rate: float = 40.0
    addok_url: str = "http://127.0.0.1:7878"
    timeout: float = 5.0
    min_score: float = 0.6
    cache_size: int = 512


def build_geocoder(settings: GeocoderSettings) -> GeocoderChain:
    """The chain of the back-ends ``settings.names``, in that order; UnknownGeocoder for a bad name."""
    unknown = [name for name in settings.names if name not in BACKENDS]
    if unknown:
        raise UnknownGeocoder(f"géocodeur inconnu : {', '.join(unknown)} (connus : {', '.join(BACKENDS)})")
    client = None
    if any(name != "local" for name in settings.names):
        import httpx

        client = httpx.Client(
            timeout=settings.timeout, headers={"User-Agent": USER_AGENT}, verify=tls_context()
        )
    return GeocoderChain(
        [BACKENDS[name](settings, client) for name in settings.names],
        min_score=settings.min_score,
        cache_size=settings.cache_size,
    )


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """httpx's own trust (certifi's certificates, or ``SSL_CERT_FILE``), read once per process: every
    client would read them again (some 25 ms each)."""
    import httpx

    return httpx.create_ssl_context()


def _local(settings: GeocoderSettings, client: httpx.Client | None) -> Geocoder:
    from geo.geocoding.ban_index import LocalBanGeocoder

    return LocalBanGeocoder(settings.ban_index)


def _geoplateforme(settings: GeocoderSettings, client: httpx.Client | None) -> Geocoder:
    from geo.geocoding.remote import geoplateforme

    assert client is not None
    return geoplateforme(client, settings.geoplateforme_url, per_second=settings.geoplateforme_rate)


def _addok(settings: GeocoderSettings, client: httpx.Client | None) -> Geocoder:
    from geo.geocoding.remote import addok

    assert client is not None
    return addok(client, settings.addok_url)


BACKENDS: dict[str, Callable[[GeocoderSettings, httpx.Client | None], Geocoder]] = {
    "local": _local,
    "geoplateforme": _geoplateforme,
    "addok": _addok,
}
"""Every back-end, by the name ``CARTO_GEOCODERS`` uses."""
