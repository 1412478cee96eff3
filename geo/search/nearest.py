"""The nearest *relevant* actors: filtered, checked for eligibility, timed, with opening hours.

Read as a pipeline: validate the request → project the origin to Lambert-93 → query the spatial index
(built once per dataset version) → keep what the filters accept → check eligibility → assemble results
with travel time and opening status. Distances are straight lines in metres (EPSG:2154).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict, Unpack

import numpy as np
from numpy.typing import NDArray

from geo.actors.model import Actor
from geo.actors.vocabularies import CATEGORIES, PUBLICS, THEMATIQUES
from geo.communes import Iris
from geo.geocoding.base import InvalidQuery, check_coordinates
from geo.projection import in_lambert93_area, to_lambert93
from geo.qpv import Qpv
from geo.search.eligibility import (
    Eligibility,
    Resident,
    check_eligibility,
    check_rules,
    resident_areas,
    rules_of,
)
from geo.search.filters import (
    EVERYONE,
    offers_thematiques,
    public_keys,
    serves_publics,
    thematique_keys,
)
from geo.search.hours import OpeningStatus, is_open_during, opening_status, paris_minute, status_at_minute
from geo.search.ranking import rank_key, ranked_minutes
from geo.search.request import K_RANGE, RADIUS_RANGE
from geo.search.travel import TravelTime, TravelTimes, WalkingEstimate

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

Mask = NDArray[np.bool_]

ON_SITE = "sur-place"
SERVES_COMMUNE = "intervient-sur-la-commune"
PLACEMENT_LABELS = {ON_SITE: "", SERVES_COMMUNE: "Intervient sur votre commune / à distance"}
OUTSIDE_FRANCE = "ce point est hors de France métropolitaine, où les distances sont mesurées"
_MEASURE_ALL_BELOW = 4096
"""Fewer candidates than this are measured directly; more are walked through the k-d tree."""


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


class ActorIndex:
    """Actors prepared once for many queries, in memory: projected, with filter masks, and a k-d tree
    built when a query first has too many candidates to measure them all."""

    def __init__(self, actors: Iterable[Actor]):
        self.everyone = tuple(actors)
        self.actors = tuple(a for a in self.everyone if a.statut != "ferme")
        located = [a for a in self.actors if a.location is not None]
        self.located = located
        self.unlocated = [a for a in self.actors if a.location is None]
        lons = np.array([a.location.lon for a in located if a.location], dtype=np.float64)
        lats = np.array([a.location.lat for a in located if a.location], dtype=np.float64)
        self.xy: NDArray[np.float64] = np.column_stack(to_lambert93(lons, lats)).reshape(-1, 2)
        ranks = {actor_id: rank for rank, actor_id in enumerate(sorted(a.id for a in located))}
        self.id_rank = np.array([ranks[a.id] for a in located], dtype=np.int64)
        self.rules = [rules_of(a) for a in located]
        self.zoned = [position for position, rules in enumerate(self.rules) if rules.zone]
        """Located actors whose eligibility zone is not the whole country: the search's reserved ones."""
        self.points = [(float(x), float(y)) for x, y in self.xy]
        self._thematique_masks = _masks(located, lambda a: thematique_keys(a.thematiques))
        self._public_masks = _masks(located, lambda a: public_keys(a.publics))

    def __len__(self) -> int:
        return len(self.actors)

    @cached_property
    def tree(self) -> cKDTree | None:
        if not self.located:
            return None
        from scipy.spatial import cKDTree

        return cKDTree(self.xy)

    def nearest(
        self, origin: Origin | tuple[float, float], **options: Unpack[NearestOptions]
    ) -> list[NearestResult]:
        """``nearest(origin, self, **options)``: the interface every index offers."""
        return nearest(origin, self, **options)

    def named(self, ids: Iterable[str]) -> dict[str, Actor]:
        """Those of ``ids`` that name an actor (retired ones included), by id."""
        wanted = set(ids)
        return {actor.id: actor for actor in self.everyone if actor.id in wanted}

    def mask(self, thematiques: Sequence[str] | None, publics: Sequence[str] | None) -> Mask | None:
        """Located actors passing the filters (OR within a facet, AND across); None: no filter."""
        selected = None
        if thematiques:
            selected = _any(self._thematique_masks, thematiques, len(self.located))
        if publics:
            by_public = _any(self._public_masks, [*publics, EVERYONE], len(self.located))
            selected = by_public if selected is None else selected & by_public
        return selected


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
    day) keeps actors open then (or whose hours are unknown).
    """
    resident = resident or Resident()
    origin = _checked(
        origin, thematiques, [*(publics or ()), *sorted(resident.publics)], k, radius_m, open_on
    )
    index = actors if isinstance(actors, ActorIndex) else ActorIndex(actors)
    travel = travel or WalkingEstimate()
    commune = resident.commune or origin.citycode
    eligibility_resident = dataclasses.replace(resident, commune=commune)
    x, y = to_lambert93(origin.lon, origin.lat)
    mask = index.mask(thematiques, publics)

    def acceptable(actor: Actor) -> bool:
        return open_on is None or is_open_during(actor.horaires_accueil, *open_on, after=at) is not False

    scan = _Scan(index, (x, y), travel, eligibility_resident, k)
    for position, distance in _by_distance(index, (x, y), mask, radius_m):
        if scan.complete(distance):
            break
        if acceptable(index.located[position]):
            scan.add(position, distance)
    chosen = scan.best()
    taken = {position for position, _, _ in chosen}
    reserved = _reserved(index, (x, y), mask, radius_m, eligibility_resident, taken, acceptable)
    located = [*chosen, *reserved, *(scan.refused(chosen) if include_ineligible else [])]
    times = scan.timed(located)
    moment = paris_minute(at)
    results = [
        NearestResult(
            index.located[position],
            distance,
            times[position],
            verdict,
            status_at_minute(index.located[position].horaires_accueil, moment),
        )
        for position, distance, verdict in located
    ]
    serving = _serving_commune(
        index, commune, thematiques, publics, eligibility_resident, include_ineligible, acceptable, at
    )
    return sorted([*results, *serving], key=resident_order)


class _Scan:
    """The actors met nearest first, until no farther one can rank among the ``k`` best."""

    def __init__(
        self, index: ActorIndex, point: tuple[float, float], travel: TravelTimes, resident: Resident, k: int
    ):
        self.index, self.point, self.travel, self.resident, self.k = index, point, travel, resident, k
        self.eligible: list[tuple[int, float, Eligibility]] = []
        self.ineligible: list[tuple[int, float, Eligibility]] = []
        self.times: dict[int, TravelTime] = {}
        self.bound = np.inf
        """The k-th best ranking minutes once k are known: an actor farther than a walk of that long
        cannot come before it."""

    def complete(self, distance: float) -> bool:
        return len(self.eligible) >= self.k and self.travel.fastest(distance) >= self.bound

    def add(self, position: int, distance: float) -> None:
        verdict = check_rules(self.index.rules[position], self.resident)
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
        self, chosen: Sequence[tuple[int, float, Eligibility]]
    ) -> list[tuple[int, float, Eligibility]]:
        """The ineligible actors nearer than the farthest of the ``k`` chosen (all met, if fewer)."""
        farthest = max(d for _, d, _ in chosen) if len(chosen) >= self.k else np.inf
        return [entry for entry in self.ineligible if entry[1] <= farthest]

    def timed(self, entries: Sequence[tuple[int, float, Eligibility]]) -> dict[int, TravelTime]:
        """Walking times of ``entries`` (each walked once, in one call for those not yet walked)."""
        untimed = [position for position, _, _ in entries if position not in self.times]
        walks = self.travel.walk(self.point, [self.index.points[p] for p in untimed])
        self.times.update(zip(untimed, walks, strict=True))
        return self.times


def resident_order(result: NearestResult) -> tuple[int, int, float, float, str]:
    """The order of the results, as the resident would want them (``geo.search.ranking.rank_key``):
    those they may go to, by walking time plus the ranking's penalty for not being made for them or
    having a point to check; actors without a place after the located ones; then — when asked — those
    they have no right to. Ties by distance, then by id, so the order is stable."""
    minutes = result.travel.minutes if result.travel is not None else None
    return rank_key(result.eligibility, minutes, result.distance_m, result.actor.id)


def _reserved(
    index: ActorIndex,
    point: tuple[float, float],
    mask: Mask | None,
    radius_m: float | None,
    resident: Resident,
    chosen: set[int],
    acceptable: Callable[[Actor], bool],
) -> list[tuple[int, float, Eligibility]]:
    """Located actors made for the resident whose zone names the resident's area, not yet chosen."""
    if not resident.commune:
        return []
    areas = resident_areas(resident.commune)
    found = []
    for position in index.zoned:
        if position in chosen or (mask is not None and not mask[position]):
            continue
        if not areas & set(index.rules[position].zone) or not acceptable(index.located[position]):
            continue
        verdict = check_rules(index.rules[position], resident)
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


def _by_distance(
    index: ActorIndex, point: tuple[float, float], mask: Mask | None, radius_m: float | None
) -> Iterator[tuple[int, float]]:
    """(position, metres) of located actors passing ``mask``, nearest first, ties by actor id.

    Few candidates (a small index, or a selective filter) are measured directly. Otherwise the k-d
    tree is asked for ever more neighbours until the caller has enough; an actor at exactly the
    farthest distance of a batch waits for the next one, so that ties keep their order by id.
    """
    if not index.located:
        return
    limit = np.inf if radius_m is None else float(radius_m)
    candidates = len(index.located) if mask is None else int(mask.sum())
    if candidates < _MEASURE_ALL_BELOW:
        positions = np.flatnonzero(mask) if mask is not None else np.arange(len(index.located))
        yield from _ordered(index, positions, point, limit)
        return
    total, wanted, done, tree = len(index.located), 32, 0, index.tree
    assert tree is not None
    while True:
        wanted = min(wanted, total)
        distances, neighbours = tree.query(point, k=wanted, distance_upper_bound=limit)
        found: NDArray[np.intp] = np.atleast_1d(neighbours)
        found = found[found < total]  # the tree pads with ``total`` past the radius
        last = len(found) == total or len(found) < wanted
        boundary = np.inf if last else float(np.atleast_1d(distances)[-1])
        if mask is not None:
            found = found[mask[found]]
        batch = [(p, d) for p, d in _ordered(index, found, point, limit) if last or d < boundary]
        yield from batch[done:]
        done = len(batch)
        if last:
            return
        wanted *= 4


def _ordered(
    index: ActorIndex, positions: NDArray[np.intp], point: tuple[float, float], limit: float
) -> Iterator[tuple[int, float]]:
    if not len(positions):
        return
    delta = index.xy[positions] - point
    distances = np.hypot(delta[:, 0], delta[:, 1])
    for i in np.lexsort((index.id_rank[positions], distances)):
        if distances[i] > limit:
            return
        yield int(positions[i]), float(distances[i])


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


def _masks(actors: Sequence[Actor], keys_of: Callable[[Actor], Iterable[str]]) -> dict[str, Mask]:
    masks: dict[str, Mask] = {}
    for position, actor in enumerate(actors):
        for key in keys_of(actor):
            masks.setdefault(key, np.zeros(len(actors), dtype=bool))[position] = True
    return masks


def _any(masks: dict[str, Mask], keys: Iterable[str], size: int) -> Mask:
    selected = np.zeros(size, dtype=bool)
    for key in keys:
        if key in masks:
            selected |= masks[key]
    return selected
