"""Several geocoders tried in order, with a small cache of answers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from cachetools import TTLCache

from geo.geocoding.base import (
    Geocoder,
    GeocodeResult,
    GeocoderUnavailable,
    LoadsBeforeFork,
    check_search_arguments,
)


class GeocoderChain:
    """Ask each geocoder in turn; keep the first good answer.

    A geocoder is skipped when it does not cover the commune or postcode asked for, or when it is
    unavailable. An answer is good when its best score reaches ``min_score``; otherwise the next
    geocoder is asked and the best answer overall is kept. Raises GeocoderUnavailable only when no
    geocoder could answer at all.
    """

    name = "chain"

    def __init__(
        self,
        geocoders: Sequence[Geocoder],
        *,
        min_score: float = 0.6,
        cache_size: int = 512,
        cache_seconds: float = 600.0,
    ):
        self.geocoders = list(geocoders)
        self.min_score = min_score
        self._cache: TTLCache[tuple[object, ...], list[GeocodeResult]] = TTLCache(
            maxsize=max(cache_size, 1), ttl=cache_seconds
        )
        self._lock = threading.Lock()

    def covers(self, *, citycode: str | None = None, postcode: str | None = None) -> bool:
        return any(g.covers(citycode=citycode, postcode=postcode) for g in self.geocoders)

    def before_fork(self) -> None:
        """Each geocoder with an index loads it and closes its handles (``LoadsBeforeFork``)."""
        for geocoder in self.geocoders:
            if isinstance(geocoder, LoadsBeforeFork):
                geocoder.before_fork()

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
        key = ("search", q, limit, autocomplete, citycode, postcode, near)
        return self._cached(
            key,
            lambda g: g.search(
                q, limit=limit, autocomplete=autocomplete, citycode=citycode, postcode=postcode, near=near
            ),
            citycode=citycode,
            postcode=postcode,
        )

    def reverse(self, lon: float, lat: float, *, limit: int = 1) -> list[GeocodeResult]:
        key = ("reverse", lon, lat, limit)
        return self._cached(key, lambda g: g.reverse(lon, lat, limit=limit))

    def _cached(
        self, key: tuple[object, ...], ask: Callable[[Geocoder], list[GeocodeResult]], **coverage: str | None
    ) -> list[GeocodeResult]:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        results = self._ask_in_turn(ask, **coverage)
        with self._lock:
            self._cache[key] = results
        return results

    def _ask_in_turn(
        self, ask: Callable[[Geocoder], list[GeocodeResult]], **coverage: str | None
    ) -> list[GeocodeResult]:
        best: list[GeocodeResult] | None = None
        failures = []
        for geocoder in self.geocoders:
            if not geocoder.covers(**coverage):
                continue
            try:
                results = ask(geocoder)
            except GeocoderUnavailable as error:
                failures.append(str(error))
                continue
            if results and results[0].score >= self.min_score:
                return results
            if best is None or (results and (not best or results[0].score > best[0].score)):
                best = results
        if best is None:
            raise GeocoderUnavailable("; ".join(failures) or "aucun géocodeur ne couvre cette commune")
        return best
