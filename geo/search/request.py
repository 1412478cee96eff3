"""What the volunteer asks of the search: the resident's place, needs and situation.

Kept apart from the search itself so that reading a request (a page, a command) loads no numerics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo.actors.model import AGE_RANGE
from geo.search.eligibility import Resident
from geo.search.needs import thematiques_for
from geo.search.profile import ages_of, publics_of

K_RANGE = (1, 50)
"""How many actors a search may ask for: the page, the API, ``carto nearest`` and the core alike."""
MORE = 5
"""How many actors « Voir plus d’acteurs » adds to a search, online and offline."""
RADIUS_RANGE = (1.0, 100_000.0)
"""A search radius, in metres."""
DEPART_AHEAD_DAYS = 14
"""How far ahead a departure may be asked: trips are found in the timetable's next two weeks."""
NO_PLACE = "indiquez l’adresse du résident, ou touchez la carte à son domicile (lat et lon)"
"""What a search with no place says, in the words of the page (and the API's parameters)."""
__all__ = ["AGE_RANGE", "DEPART_AHEAD_DAYS", "K_RANGE", "MORE", "NO_PLACE", "RADIUS_RANGE", "SearchRequest"]


@dataclass(frozen=True)
class SearchRequest:
    """What the volunteer asks. The resident's place is an ``address`` typed, or a point (``lat``,
    ``lon``): a picked suggestion (then ``place_label`` and ``place_citycode`` say what it is), a GPS
    fix or a tap on the map. ``commune`` is the resident's commune when the volunteer chose it (or the
    campaign's): it steers the geocoder and decides eligibility."""

    address: str = ""
    lat: float | None = None
    lon: float | None = None
    place_label: str | None = None
    place_citycode: str | None = None
    needs: tuple[str, ...] = ()
    thematiques: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    traits: tuple[str, ...] = ()
    """Chips of the profile (``geo.search.profile.TRAITS``), in the volunteer's words."""
    age: int | None = None
    commune: str | None = None
    k: int = 5
    radius: float | None = None
    include_ineligible: bool = False
    qpv_seen: bool = False
    """The volunteer has seen the chips with the address's QPV: the chip « habite un quartier
    prioritaire » is theirs to tick, no longer ticked for them."""
    depart: dt.datetime | None = None
    """When the resident would leave (Europe/Paris), now when None: the trips by public transport
    and the opening hours are for then."""
    by_transit: bool = False
    """« Il peut prendre le bus »: ranked by the shorter of walk and ride (``geo.search.ranking``)."""

    @property
    def has_origin(self) -> bool:
        return bool(self.address) or self.lat is not None

    @property
    def all_thematiques(self) -> list[str]:
        """The thématiques of the needs ticked, then those asked by name, once each."""
        return list(dict.fromkeys([*thematiques_for(self.needs), *self.thematiques]))

    @property
    def resident(self) -> Resident:
        """The resident as the rules see them: the publics ticked and those the chips say; the chips'
        age band when no age is given."""
        return Resident(
            age=self.age,
            commune=self.commune,
            publics=frozenset((*self.publics, *publics_of(self.traits))),
            ages=None if self.age is not None else ages_of(self.traits),
        )
