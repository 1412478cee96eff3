"""Remote geocoders speaking GeocodeJSON over HTTP: the IGN Géoplateforme and an Addok server.

The Géoplateforme (``https://data.geopf.fr/geocodage``, successor of api-adresse.data.gouv.fr) allows
50 requests per second per IP and answers 429 with ``Retry-After`` above that: we stay under the limit
on our side and honour ``Retry-After`` when told. Addok is the engine behind it; its own HTTP API takes
the same parameters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from geo.geocoding.base import (
    RESULT_TYPES,
    GeocodeResult,
    GeocoderUnavailable,
    check_coordinates,
    check_search_arguments,
)
from geo.geocoding.normalize import MAX_QUERY_LENGTH


class RateLimiter:
    """At most ``per_second`` calls per second across threads, by spacing them evenly."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


class GeocodeJSONGeocoder:
    """A GeocodeJSON search/reverse API (Géoplateforme, Addok, BAN-compatible servers)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        client: httpx.Client,
        *,
        search_path: str = "/search",
        reverse_path: str = "/reverse",
        extra_params: dict[str, str] | None = None,
        per_second: float = 40.0,
        max_retries: int = 2,
        max_retry_wait: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._paths = {"search": search_path, "reverse": reverse_path}
        self._extra = dict(extra_params or {})
        self._limiter = RateLimiter(per_second, sleep=sleep)
        self._max_retries, self._max_retry_wait, self._sleep = max_retries, max_retry_wait, sleep

    def covers(self, *, citycode: str | None = None, postcode: str | None = None) -> bool:
        return True

    def search(
        self,
        q: str,
        *,
        limit: int = 5,
        autocomplete: bool = False,
        citycode: str | None = None,
        postcode: str | None = None,
        near: tuple[float, float] | None = None,
    ) -> list[GeocodeResult]:
        check_search_arguments(limit, near)
        query = " ".join(str(q).split())[:MAX_QUERY_LENGTH] if isinstance(q, str) else ""
        if len(query) < 3 or not any(ch.isalnum() for ch in query):
            return []  # Both APIs refuse queries under 3 characters with a 400.
        params: dict[str, Any] = {
            **self._extra,
            "q": query,
            "limit": limit,
            "autocomplete": int(autocomplete),
        }
        if citycode:
            params["citycode"] = citycode
        if postcode:
            params["postcode"] = postcode
        if near:
            params["lon"], params["lat"] = near
        return self._features("search", params)

    def reverse(self, lon: float, lat: float, *, limit: int = 1) -> list[GeocodeResult]:
        check_coordinates(lon, lat)
        check_search_arguments(limit)
        return self._features("reverse", {**self._extra, "lon": lon, "lat": lat, "limit": limit})

    def _features(self, endpoint: str, params: dict[str, Any]) -> list[GeocodeResult]:
        payload = self._get(self.base_url + self._paths[endpoint], params)
        features = payload.get("features") if isinstance(payload, dict) else None
        if not isinstance(features, list):
            raise GeocoderUnavailable(f"{self.name} : réponse inattendue (pas de GeocodeJSON)")
        results = [r for r in (self._result(f) for f in features) if r is not None]
        return sorted(results, key=lambda r: -r.score)

    def _get(self, url: str, params: dict[str, Any]) -> Any:
        for attempt in range(self._max_retries + 1):
            self._limiter.wait()
            try:
                response = self._client.get(url, params=params)
            except httpx.TransportError as error:
                raise GeocoderUnavailable(f"{self.name} injoignable (hors ligne ?) : {error}") from None
            if response.status_code == 429:
                wait = self._retry_after(response)
                if attempt < self._max_retries and wait <= self._max_retry_wait:
                    self._sleep(wait)
                    continue
                break
            if response.status_code != 200:
                raise GeocoderUnavailable(f"{self.name} a répondu {response.status_code}")
            try:
                return response.json()
            except ValueError:
                raise GeocoderUnavailable(f"{self.name} : réponse illisible") from None
        raise GeocoderUnavailable(f"{self.name} : trop de requêtes, réessayez plus tard")

    @staticmethod
    def _retry_after(response: httpx.Response) -> float:
        """Seconds the server asks us to wait (``Retry-After`` in seconds; 1 s when unreadable)."""
        try:
            return max(float(response.headers.get("Retry-After", "1")), 0.0)
        except ValueError:
            return 1.0

    def _result(self, feature: Any) -> GeocodeResult | None:
        try:
            props = feature["properties"]
            lon, lat = (float(c) for c in feature["geometry"]["coordinates"][:2])
            kind = props.get("type")
            score = float(props.get("score", 0.0))
        except (KeyError, TypeError, ValueError):
            return None
        if kind not in RESULT_TYPES:
            return None
        street = props.get("street") or (props.get("name") if kind == "street" else None)
        return GeocodeResult(
            label=str(props.get("label", "")),
            lon=lon,
            lat=lat,
            score=min(max(score, 0.0), 1.0),
            type=kind,
            backend=self.name,
            housenumber=_text(props.get("housenumber")),
            street=_text(street),
            postcode=_text(props.get("postcode")),
            citycode=_text(props.get("citycode")),
            city=_text(props.get("city")),
            id=_text(props.get("id")),
        )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def geoplateforme(
    client: httpx.Client,
    base_url: str = "https://data.geopf.fr/geocodage",
    per_second: float = 40.0,
    **options: Any,
) -> GeocodeJSONGeocoder:
    """The IGN Géoplateforme geocoding service, address index."""
    return GeocodeJSONGeocoder(
        "geoplateforme", base_url, client, extra_params={"index": "address"}, per_second=per_second, **options
    )


def addok(
    client: httpx.Client, base_url: str, per_second: float = 1000.0, **options: Any
) -> GeocodeJSONGeocoder:
    """An Addok server's HTTP API (``addok serve`` or its WSGI app)."""
    return GeocodeJSONGeocoder(
        "addok",
        base_url,
        client,
        search_path="/search/",
        reverse_path="/reverse/",
        per_second=per_second,
        **options,
    )
