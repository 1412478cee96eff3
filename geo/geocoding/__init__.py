"""Geocoding a resident's address: one interface, several back-ends (local BAN index, IGN
Géoplateforme, Addok), chained in configured order."""

from geo.geocoding.base import (
    RESULT_TYPES,
    AddressNotFound,
    Geocoder,
    GeocodeResult,
    GeocoderUnavailable,
    InvalidQuery,
    to_geocodejson,
)

__all__ = [
    "AddressNotFound",
    "GeocodeResult",
    "Geocoder",
    "GeocoderUnavailable",
    "InvalidQuery",
    "RESULT_TYPES",
    "to_geocodejson",
]
