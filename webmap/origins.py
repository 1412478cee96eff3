"""Where the resident is, from an address or a point, through the configured geocoder."""

from __future__ import annotations

from geo.geocoding import GeocoderUnavailable, InvalidQuery
from geo.geocoding.base import check_coordinates
from geo.search.nearest import Origin
from webmap.geocoders import current_geocoder


class AddressNotFound(LookupError):
    """No geocoder found the address."""


def origin_from_address(address: str) -> Origin:
    """The best match for ``address``; AddressNotFound or GeocoderUnavailable otherwise."""
    found = current_geocoder().search(address, limit=1)
    if not found:
        raise AddressNotFound(f"adresse introuvable : {address}")
    best = found[0]
    return Origin(best.lon, best.lat, best.citycode, best.label, best.score)


def origin_from_point(lon: float, lat: float) -> Origin:
    """A GPS fix or a tap on the map, with its commune when a geocoder knows the place."""
    check_coordinates(lon, lat)
    try:
        around = current_geocoder().reverse(lon, lat, limit=1)
    except (GeocoderUnavailable, InvalidQuery):
        around = []
    if around:
        return Origin(lon, lat, around[0].citycode, around[0].label)
    return Origin(lon, lat)
