"""The geocoder contract shared by every back-end, and its GeocodeJSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

RESULT_TYPES = ("housenumber", "street", "locality", "municipality")


class GeocoderUnavailable(Exception):
    """The back-end cannot answer now (offline, down, rate-limited too long)."""


class InvalidQuery(ValueError):
    """The request itself is wrong (coordinates out of range, limit below 1…); ``parameter`` names
    the faulty one when known."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter


class AddressNotFound(LookupError):
    """No geocoder found the address."""


@dataclass(frozen=True)
class GeocodeResult:
    """One candidate address. ``score`` is 0–1 like BAN's; ``approximate`` is True when the house
    number asked for is not known and a neighbouring one (or the street) stands in for it."""

    label: str
    lon: float
    lat: float
    score: float
    type: str
    backend: str
    housenumber: str | None = None
    street: str | None = None
    postcode: str | None = None
    citycode: str | None = None
    city: str | None = None
    id: str | None = None
    approximate: bool = False


class Geocoder(Protocol):
    """What every back-end offers. ``near`` is (lon, lat): a hint that favours close results."""

    name: str

    def search(
        self,
        q: str,
        *,
        limit: int = 5,
        autocomplete: bool = False,
        citycode: str | None = None,
        postcode: str | None = None,
        near: tuple[float, float] | None = None,
    ) -> list[GeocodeResult]: ...

    def reverse(self, lon: float, lat: float, *, limit: int = 1) -> list[GeocodeResult]: ...

    def covers(self, *, citycode: str | None = None, postcode: str | None = None) -> bool: ...


@runtime_checkable
class LoadsBeforeFork(Protocol):
    """A geocoder with an index to load once, in a master process, for its forked workers to share."""

    def before_fork(self) -> None:
        """Load the index now, and close what must not cross a fork (its database handles)."""
        ...


def check_search_arguments(limit: int, near: tuple[float, float] | None = None) -> None:
    """Refuse arguments no back-end can honour, with the same message everywhere."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 50:
        raise InvalidQuery("limit doit être un entier entre 1 et 50", "limit")
    if near is not None:
        check_coordinates(*near)


def check_coordinates(lon: float, lat: float) -> None:
    if not (
        isinstance(lon, (int, float))
        and isinstance(lat, (int, float))
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    ):
        raise InvalidQuery(f"coordonnées invalides : lon={lon!r}, lat={lat!r}", "lat")


def to_geocodejson(results: Sequence[GeocodeResult], query: str | None = None) -> dict[str, Any]:
    """Results as a GeocodeJSON FeatureCollection (the format of BAN, Addok and the Géoplateforme)."""
    features = []
    for result in results:
        properties = {
            "label": result.label,
            "score": round(result.score, 4),
            "type": result.type,
            "housenumber": result.housenumber,
            "street": result.street,
            "name": _name(result),
            "postcode": result.postcode,
            "citycode": result.citycode,
            "city": result.city,
            "id": result.id,
            "backend": result.backend,
            "approximate": result.approximate,
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [result.lon, result.lat]},
                "properties": {key: value for key, value in properties.items() if value is not None},
            }
        )
    collection: dict[str, Any] = {"type": "FeatureCollection", "version": "draft", "features": features}
    if query is not None:
        collection["query"] = query
    return collection


def _name(result: GeocodeResult) -> str | None:
    if result.type == "housenumber" and result.housenumber and result.street:
        return f"{result.housenumber} {result.street}"
    return result.street or result.city
