"""The resident's search, address → origin → nearest relevant actors: one function for every caller.

The volunteer's page, the API, the embed, ``carto nearest`` and the notebooks all call ``search`` with
their collaborators — a geocoder, the actors' index, a way of timing walks, a clock — so the same
question gets the same answer everywhere. What is asked is a ``SearchRequest`` (``geo.search.request``);
problems are exceptions: ``AddressNotFound``, ``GeocoderUnavailable``, ``InvalidQuery``
(``geo.geocoding``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from geo.communes import COMMUNES, commune_at, iris_at, within_reach
from geo.geocoding.base import (
    AddressNotFound,
    Geocoder,
    GeocoderUnavailable,
    InvalidQuery,
    check_coordinates,
)
from geo.qpv import QpvOutlines
from geo.search.indexes import NearestIndex
from geo.search.nearest import NearestOptions, NearestResult, Origin
from geo.search.profile import QPV_TRAIT
from geo.search.request import NO_PLACE, SearchRequest
from geo.search.travel import TravelTimes, WalkingEstimate


@dataclass(frozen=True)
class SearchOutcome:
    origin: Origin
    results: Sequence[NearestResult]
    traits: tuple[str, ...] = ()
    """The profile's chips the search used: the volunteer's, and « habite un quartier prioritaire »
    ticked for them when the address is in a QPV (until they have seen it: ``qpv_seen``)."""


def search(
    request: SearchRequest,
    *,
    geocoder: Geocoder,
    actors: NearestIndex,
    travel: TravelTimes | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    served: Collection[str] = (),
    qpv: QpvOutlines | None = None,
) -> SearchOutcome:
    """Where the resident is, then the nearest relevant actors, at the clock's time (now by default).
    ``actors``: any index (``geo.search.indexes``: in memory, or a store's nearest-first; the same answers).
    ``served``: the communes the service is for; a place beyond their reach (``within_reach``) is
    refused (``InvalidQuery``) rather than answered with actors that cannot serve it. ``qpv``: the
    quarters' outlines, when synced: the origin knows its QPV, and a resident there counts as one
    (``residents-qpv-frr``) unless the volunteer said otherwise."""
    origin = locate(request, geocoder, qpv)
    if served and not within_reach(origin.lon, origin.lat, served):
        located = request.lat is not None and not request.place_citycode
        raise InvalidQuery(
            OUTSIDE_SERVED.format(place="ce point" if located else "cette adresse", communes=_names(served)),
            "lat" if located else "adresse",
        )
    if origin.qpv is not None and not request.qpv_seen and QPV_TRAIT not in request.traits:
        request = dataclasses.replace(request, traits=(*request.traits, QPV_TRAIT))
    options: NearestOptions = {
        "thematiques": request.all_thematiques,
        "resident": request.resident,  # the resident's publics rank and explain; they never filter
        "k": request.k,
        "radius_m": request.radius,
        "include_ineligible": request.include_ineligible,
        "travel": travel or WalkingEstimate(),
        "at": request.depart or (clock() if clock else None),
        "by_transit": request.by_transit,
    }
    return SearchOutcome(origin, actors.nearest(origin, **options), request.traits)


OUTSIDE_SERVED = "{place} est hors des communes servies ({communes})"


def _names(codes: Collection[str]) -> str:
    return ", ".join(COMMUNES[code].nom for code in codes if code in COMMUNES)


def locate(request: SearchRequest, geocoder: Geocoder, qpv: QpvOutlines | None = None) -> Origin:
    """The resident's place, with its IRIS and its QPV. A point already named (a picked suggestion)
    is taken as it is; a bare point is asked its commune once; an address is looked up within the
    resident's commune first."""
    origin = _place(request, geocoder)
    quarter = qpv.at(origin.lon, origin.lat) if qpv is not None else None
    return dataclasses.replace(origin, iris=iris_at(origin.lon, origin.lat), qpv=quarter)


def _place(request: SearchRequest, geocoder: Geocoder) -> Origin:
    if request.lat is not None and request.lon is not None:
        check_coordinates(request.lon, request.lat)
        if request.place_citycode:
            return Origin(request.lon, request.lat, request.place_citycode, request.place_label)
        return _named_point(request.lon, request.lat, geocoder)
    if not request.address:
        raise InvalidQuery(NO_PLACE, "adresse")
    found = []
    if request.commune and geocoder.covers(citycode=request.commune):
        found = geocoder.search(request.address, limit=1, citycode=request.commune)
    if not found:
        found = geocoder.search(request.address, limit=1)
    if not found:
        raise AddressNotFound(request.address)
    best = found[0]
    return Origin(best.lon, best.lat, best.citycode, best.label, best.score)


def _named_point(lon: float, lat: float, geocoder: Geocoder) -> Origin:
    """A GPS fix or a tap on the map: its commune from the shipped outlines (else the geocoder's),
    and the nearest address as its label when a geocoder knows one."""
    citycode = commune_at(lon, lat)
    try:
        around = geocoder.reverse(lon, lat, limit=1)
    except (GeocoderUnavailable, InvalidQuery):
        around = []
    if around:
        return Origin(lon, lat, citycode or around[0].citycode, around[0].label)
    return Origin(lon, lat, citycode)
