"""Geocoding a resident's address: one interface, several back-ends (local BAN index, IGN
Géoplateforme, Addok), chained in configured order."""

from geo.geocoding.base import (
    GeocodeResult, Geocoder, GeocoderUnavailable, InvalidQuery, RESULT_TYPES, to_geocodejson,
)

__all__ = ["GeocodeResult", "Geocoder", "GeocoderUnavailable", "InvalidQuery", "RESULT_TYPES",
           "to_geocodejson"]
