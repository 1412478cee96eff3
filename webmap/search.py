"""Running a search request against the core: origin, then nearest actors. Shared by page and API."""

from __future__ import annotations

from dataclasses import dataclass

from geo.geocoding import GeocoderUnavailable, InvalidQuery
from geo.search.nearest import NearestResult, Origin, nearest
from webmap.data import current_index
from webmap.origins import AddressNotFound, origin_from_address, origin_from_point
from webmap.search_params import Problems, SearchRequest
from webmap.travel import current_travel


@dataclass(frozen=True)
class SearchOutcome:
    origin: Origin | None
    results: list[NearestResult]


def run_search(search: SearchRequest, problems: Problems) -> SearchOutcome:
    """Find the origin and the nearest actors; adds to ``problems`` what prevents it."""
    try:
        if search.lat is not None and search.lon is not None:
            origin = origin_from_point(search.lon, search.lat)
        else:
            origin = origin_from_address(search.address)
    except AddressNotFound:
        problems.add("adresse", "adresse introuvable : vérifiez-la, ou touchez la carte")
        return SearchOutcome(None, [])
    except GeocoderUnavailable:
        problems.add("adresse", "recherche d’adresse indisponible : utilisez « Ma position » "
                                "ou touchez la carte")
        return SearchOutcome(None, [])
    except InvalidQuery as error:
        problems.add("lat", str(error))
        return SearchOutcome(None, [])
    results = nearest(origin, current_index(), thematiques=search.all_thematiques,
                      publics=list(search.publics), resident=search.resident, k=search.k,
                      radius_m=search.radius, include_ineligible=search.include_ineligible,
                      travel=current_travel())
    return SearchOutcome(origin, results)
