"""The nearest *relevant* actors: filtered, checked for eligibility, timed, with opening hours.

Read as a pipeline: validate the request → project the origin to Lambert-93 → query the spatial index
(built once per dataset version) → keep what the filters accept → check eligibility → assemble results
with travel time and opening status. Distances are straight lines in metres (EPSG:2154).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from geo.actors.model import Actor
from geo.actors.vocabularies import CATEGORIES, PUBLICS, THEMATIQUES
from geo.communes import Iris
from geo.geocoding.base import InvalidQuery, check_coordinates
from geo.projection import in_lambert93_area, to_lambert93
from geo.qpv import Qpv
from geo.search.actor_index import ActorIndex, by_distance
from geo.search.eligibility import Eligibility, Resident, check_eligibility, check_rules, resident_areas
from geo.search.filters import offers_thematiques, serves_publics
from geo.search.hours import OpeningStatus, is_open_during, opening_status, paris_minute, status_at_minute
from geo.search.ranking import rank_key, ranked_minutes, transit_pool
from geo.search.request import K_RANGE, RADIUS_RANGE
from geo.search.travel import TravelTime, TravelTimes, WalkingEstimate
from geo.transit.journey import Journey

ON_SITE = "sur-place"
SERVES_COMMUNE = "intervient-sur-la-commune"
PLACEMENT_LABELS = {ON_SITE: "", SERVES_COMMUNE: "Intervient sur votre commune / à distance"}
OUTSIDE_FRANCE = "ce point est hors de France métropolitaine, où les distances sont mesurées"
CANDIDATES_PER_RESULT = 3
"""The first batch of candidates holds about this many per result asked: some are not for the
resident, and a farther one may rank first."""


@dataclass(frozen=True)
class Origin:
    """Where the resident is: a geocoded address, a GPS fix or a tap on the map."""

    lon: float
    lat: float
    citycode: str | None = None
    label: str | None = None
    score: float | None = None
    iris: Iris | None = None
    """The IRIS holding the point (from the shipped outlines), in the five communes."""
    qpv: Qpv | None = None
    """The quartier prioritaire holding the point, once ``carto data sync`` brought their outlines."""


@dataclass(frozen=True)
class NearestResult:
    actor: Actor
    distance_m: float | None
    travel: TravelTime | None
    eligibility: Eligibility
    opening: OpeningStatus
    placement: str = ON_SITE
    transit: Journey | None = None
    """The trip by public transport leaving at the search's moment, when a timetable is imported
    and a ride beats walking there (``TravelTimes.ride``)."""

    @property
    def placement_label(self) -> str:
        return PLACEMENT_LABELS[self.placement]


class NearestOptions(TypedDict, total=False):
    """``nearest``'s options, as every index takes them (``geo.search.indexes.NearestIndex``)."""

    thematiques: Sequence[str] | None
    publics: Sequence[str] | None
    resident: Resident | None
    k: int
    radius_m: float | None
    at: dt.datetime | None
    open_on: tuple[int, str] | None
    include_ineligible: bool
    travel: TravelTimes | None
    by_transit: bool


def nearest(
    origin: Origin | tuple[float, float],
    actors: ActorIndex | Iterable[Actor],
    *,
    thematiques: Sequence[str] | None = None,
    publics: Sequence[str] | None = None,
    resident: Resident | None = None,
    k: int = 5,
    radius_m: float | None = None,
    at: dt.datetime | None = None,
    open_on: tuple[int, str] | None = None,
    include_ineligible: bool = False,
    travel: TravelTimes | None = None,
    by_transit: bool = False,
) -> list[NearestResult]:
    """The ``k`` best actors for the resident among those fitting the filters that they may go to,
    ranked by fit and walking time (``geo.search.ranking``), in ``resident_order``.

    With them, however far, every actor made for the resident whose eligibility zone names the
    resident's commune, département or territory (Cap emploi 93 for a resident with a recognised
    disability), and every actor without a place whose zone covers the resident's commune
    (« intervient sur votre commune / à distance »), never given a made-up distance. Ineligible actors
    nearer than the farthest of the ``k`` come last, with their reasons, only when
    ``include_ineligible``. ``publics`` filters the actors (an actor listing none serves everyone);
    the resident's own publics (``resident``) only rank and explain. ``open_on`` = (weekday, part of
    day) keeps actors open then (or whose hours are unknown). ``by_transit`` (« il peut prendre le
    bus »): ranked by the shorter of walk and ride, among the ``transit_pool(k)`` best on foot.
    """
    resident = resident or Resident()
    origin = _checked(
        origin, thematiques, [*(publics or ()), *sorted(resident.publics)], k, radius_m, open_on
    )
    index = actors if isinstance(actors, ActorIndex) else ActorIndex(actors)
    travel = travel or WalkingEstimate()
    commune = resident.commune or origin.citycode
    eligibility_resident = (
        resident if resident.commune == commune else dataclasses.replace(resident, commune=commune)
    )
    x, y = to_lambert93(origin.lon, origin.lat)

    def acceptable(actor: Actor) -> bool:
        return open_on is None or is_open_during(actor.horaires_accueil, *open_on, after=at) is not False

    pool = transit_pool(k) if by_transit else k
    scan = _Scan(index, (x, y), travel, eligibility_resident, pool)
    batches = by_distance(index, (x, y), thematiques, publics, radius_m, CANDIDATES_PER_RESULT * pool)
    for positions, distances in batches:
        if not scan.feed(positions, distances, acceptable if open_on else None):
            break
    moment = paris_minute(at)
    trips = _Trips(scan, moment)
    chosen = scan.best()
    if by_transit:
        trips.ride(chosen)
        chosen = sorted(chosen, key=lambda entry: trips.rank_key(entry, index))[:k]
    taken = {position for position, _, _ in chosen}
    filters = (thematiques, publics)
    reserved = _reserved(index, (x, y), filters, radius_m, scan, taken, acceptable)
    refused = scan.refused(chosen, k) if include_ineligible else []
    located = [*chosen, *reserved, *refused]
    trips.ride(located)
    results = [
        NearestResult(
            index.located[position],
            distance,
            scan.times[position],
            verdict,
            status_at_minute(index.located[position].horaires_accueil, moment),
            transit=trips.found[position],
        )
        for position, distance, verdict in located
    ]
    serving = _serving_commune(
        index, commune, thematiques, publics, eligibility_resident, include_ineligible, acceptable, at
    )
    if not (reserved or refused or serving):
        return results  # already in order: by ``_Scan.best``'s key, or the shorter one's
    order = resident_order_by_transit if by_transit else resident_order
    return sorted([*results, *serving], key=order)


class _Trips:
    """The trips by public transport of the scan's entries, each searched once, within its walk."""

    def __init__(self, scan: _Scan, moment: dt.datetime):
        self.scan, self.moment = scan, moment
        self.found: dict[int, Journey | None] = {}

    def ride(self, entries: Sequence[tuple[int, float, Eligibility]]) -> None:
        missing = [entry for entry in entries if entry[0] not in self.found]
        times, points = self.scan.timed(missing), self.scan.index.points
        trips = self.scan.travel.ride(
            self.scan.point,
            [points[position] for position, _, _ in missing],
            self.moment,
            [times[position].minutes for position, _, _ in missing],
        )
        for (position, _, _), trip in zip(missing, trips, strict=True):
            self.found[position] = _worth_it(trip, times[position])

    def rank_key(
        self, entry: tuple[int, float, Eligibility], index: ActorIndex
    ) -> tuple[int, int, float, float, str]:
        position, distance, verdict = entry
        minutes = _shorter(self.scan.times[position], self.found[position])
        return rank_key(verdict, minutes, distance, index.located[position].id)


class _Scan:
    """The actors met nearest first, until no farther one can rank among the ``k`` best."""

    def __init__(
        self, index: ActorIndex, point: tuple[float, float], travel: TravelTimes, resident: Resident, k: int
    ):
        self.index, self.point, self.travel, self.resident, self.k = index, point, travel, resident, k
        self.eligible: list[tuple[int, float, Eligibility]] = []
        self.ineligible: list[tuple[int, float, Eligibility]] = []
        self.times: dict[int, TravelTime] = {}
        self.verdicts: dict[int, Eligibility] = {}
        self.bound = np.inf
        """The k-th best ranking minutes once k are known: an actor farther than a walk of that long
        cannot come before it."""

    def feed(
        self, positions: list[int], distances: list[float], acceptable: Callable[[Actor], bool] | None
    ) -> bool:
        """Meet a batch of actors, nearest first; False once no farther one can rank among the ``k``."""
        for position, distance in zip(positions, distances, strict=True):
            if len(self.eligible) >= self.k and self.travel.fastest(distance) >= self.bound:
                return False
            if acceptable is None or acceptable(self.index.located[position]):
                self.add(position, distance)
        return True

    def verdict(self, position: int) -> Eligibility:
        """The resident's verdict on an actor's rules, reckoned once per distinct rules."""
        rules = self.index.rule_ids[position]
        found = self.verdicts.get(rules)
        if found is None:
            found = self.verdicts[rules] = check_rules(self.index.distinct_rules[rules], self.resident)
        return found

    def add(self, position: int, distance: float) -> None:
        verdict = self.verdict(position)
        if not verdict.eligible:
            if len(self.ineligible) < self.k:
                self.ineligible.append((position, distance, verdict))
            return
        self.eligible.append((position, distance, verdict))
        if len(self.eligible) == self.k:
            times = self.timed(self.eligible)
            self.bound = max(ranked_minutes(v, times[p].minutes) for p, _, v in self.eligible)

    def best(self) -> list[tuple[int, float, Eligibility]]:
        times, located = self.timed(self.eligible), self.index.located

        def key(entry: tuple[int, float, Eligibility]) -> tuple[int, int, float, float, str]:
            position, distance, verdict = entry
            return rank_key(verdict, times[position].minutes, distance, located[position].id)

        return sorted(self.eligible, key=key)[: self.k]

    def refused(
        self, chosen: Sequence[tuple[int, float, Eligibility]], k: int
    ) -> list[tuple[int, float, Eligibility]]:
        """The ``k`` nearest ineligible actors met, nearer than the farthest of the ``k`` chosen (all
        of them, if fewer were chosen)."""
        farthest = max(d for _, d, _ in chosen) if len(chosen) >= k else np.inf
        return [entry for entry in self.ineligible[:k] if entry[1] <= farthest]

    def timed(self, entries: Sequence[tuple[int, float, Eligibility]]) -> dict[int, TravelTime]:
        """Walking times of ``entries`` (each walked once, in one call for those not yet walked)."""
        untimed = [position for position, _, _ in entries if position not in self.times]
        walks = self.travel.walk(self.point, [self.index.points[p] for p in untimed])
        self.times.update(zip(untimed, walks, strict=True))
        return self.times


def _worth_it(trip: Journey | None, walk: TravelTime) -> Journey | None:
    """The trip, when it arrives before the walk would."""
    return trip if trip is not None and trip.minutes < walk.minutes else None


def resident_order(result: NearestResult) -> tuple[int, int, float, float, str]:
    """The order of the results, as the resident would want them (``geo.search.ranking.rank_key``):
    those they may go to, by walking time plus the ranking's penalty for not being made for them or
    having a point to check; actors without a place after the located ones; then — when asked — those
    they have no right to. Ties by distance, then by id, so the order is stable."""
    minutes = result.travel.minutes if result.travel is not None else None
    return rank_key(result.eligibility, minutes, result.distance_m, result.actor.id)


def resident_order_by_transit(result: NearestResult) -> tuple[int, int, float, float, str]:
    """``resident_order`` by the shorter of walk and ride (« il peut prendre le bus »)."""
    minutes = _shorter(result.travel, result.transit) if result.travel is not None else None
    return rank_key(result.eligibility, minutes, result.distance_m, result.actor.id)


def _shorter(walk: TravelTime, trip: Journey | None) -> float:
    return min(walk.minutes, trip.minutes) if trip is not None else walk.minutes


def _reserved(
    index: ActorIndex,
    point: tuple[float, float],
    filters: tuple[Sequence[str] | None, Sequence[str] | None],
    radius_m: float | None,
    scan: _Scan,
    chosen: set[int],
    acceptable: Callable[[Actor], bool],
) -> list[tuple[int, float, Eligibility]]:
    """Located actors made for the resident whose zone names the resident's area, not yet chosen."""
    if not scan.resident.commune or not len(index.zoned):
        return []
    areas = resident_areas(scan.resident.commune)
    found = []
    for position in index.zoned[index.fits(index.zoned, *filters)].tolist():
        if position in chosen or not areas & set(index.rules(position).zone):
            continue
        if not acceptable(index.located[position]):
            continue
        verdict = scan.verdict(position)
        distance = math.dist(point, index.points[position])
        if verdict.eligible and verdict.made_for and (radius_m is None or distance <= radius_m):
            found.append((position, distance, verdict))
    return found


def check_measurable(lon: float, lat: float) -> None:
    """Refuse a point whose distances Lambert-93 cannot measure (a pole, the antimeridian…)."""
    check_coordinates(lon, lat)
    if not in_lambert93_area(lon, lat):
        raise InvalidQuery(OUTSIDE_FRANCE, "lat")


def _checked(
    origin: Origin | tuple[float, float],
    thematiques: Sequence[str] | None,
    publics: Sequence[str] | None,
    k: object,
    radius_m: object,
    open_on: tuple[int, str] | None,
) -> Origin:
    if not isinstance(origin, Origin):
        lon, lat = origin
        origin = Origin(lon, lat)
    check_measurable(origin.lon, origin.lat)
    if not isinstance(k, int) or isinstance(k, bool) or not K_RANGE[0] <= k <= K_RANGE[1]:
        raise InvalidQuery(f"k doit être un entier entre {K_RANGE[0]} et {K_RANGE[1]}", "k")
    low, high = RADIUS_RANGE
    if radius_m is not None and not (isinstance(radius_m, (int, float)) and low <= radius_m <= high):
        raise InvalidQuery(f"le rayon doit être un nombre de mètres entre {low:g} et {high:g}", "rayon")
    for value in thematiques or ():
        if value not in THEMATIQUES and value not in CATEGORIES:
            raise InvalidQuery(f"thématique inconnue : {value}", "thematique")
    for value in publics or ():
        if value not in PUBLICS:
            raise InvalidQuery(f"public inconnu : {value}", "public")
    if open_on is not None:
        weekday, part = open_on
        if weekday not in range(7) or part not in ("matin", "apres-midi", "journee"):
            raise InvalidQuery("jour d’ouverture invalide (0 à 6, matin, apres-midi ou journee)")
    return origin


def _serving_commune(
    index: ActorIndex,
    commune: str | None,
    thematiques: Sequence[str] | None,
    publics: Sequence[str] | None,
    resident: Resident,
    include_ineligible: bool,
    acceptable: Callable[[Actor], bool],
    at: dt.datetime | None,
) -> list[NearestResult]:
    """Actors without a place whose zone covers the resident's commune, by id."""
    if not commune:
        return []
    areas = resident_areas(commune)
    results = []
    for actor in sorted(index.unlocated, key=lambda a: a.id):
        if not areas & set(actor.zone_eligibilite) or not acceptable(actor):
            continue
        if not offers_thematiques(actor.thematiques, thematiques or ()) or not serves_publics(
            actor.publics, publics or ()
        ):
            continue
        verdict = check_eligibility(actor, resident)
        if verdict.eligible or include_ineligible:
            results.append(
                NearestResult(
                    actor, None, None, verdict, opening_status(actor.horaires_accueil, at), SERVES_COMMUNE
                )
            )
    return results
