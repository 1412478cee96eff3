"""Fresh records from the national aggregator: data·inclusion's API (v1), for the communes served.

``fetch_records`` reads, for each commune, the structures located there (``/structures``, with their
known duplicates) and the services located there (``/services``, by the service's own commune,
above ``score_qualite_minimum``), then each of those structures in full (``/structures/{id}``): its
services wherever they are received, even without a commune code, and its duplicates published by
other sources. ``search_around`` asks the API's own search (``/search/services``) for the services
near a point, nearest first, duplicates excluded by the API. ``plan_data_inclusion`` turns the
records into actors (``geo.io.data_inclusion_records``) and into the same import plan as a file:
existing actors are recognised by id or duplicate id, SIRET, then name within 150 m; what a manager
verified is kept unless asked; each value says which record states it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from geo.actors.model import LOCATION_PREFIX, Actor, Location, actor_from_feature, actor_to_feature
from geo.io.data_inclusion_records import Proposal, proposals_of
from geo.io.interchange import ImportPlan, Row, plan_import
from geo.projection import metres_between
from geo.text import fold

if TYPE_CHECKING:
    import httpx

MATCH_WITHIN_M = 150.0
NAME_SIMILARITY = 85
PAGE_SIZE = 500
DETAIL_REQUESTS_AT_ONCE = 6
"""Structures read in full concurrently (the API is served by several workers)."""
REFRESHED_FIELDS = (
    "adresse",
    "complement_adresse",
    "code_postal",
    "code_insee",
    "commune",
    "location",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "thematiques",
    "publics",
    "zone_eligibilite",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "frais",
    "lien_mobilisation",
    "description",
    "source",
    "date_source",
)
"""What a data·inclusion record may refresh on an actor we hold; its kind, status and verification
are ours. An empty value never erases one we have."""

Document = dict[str, list[dict[str, Any]]]
"""``{"structures": [...], "services": [...]}``, the records as the API gives them."""


class DataInclusionUnavailable(Exception):
    """The API could not be read; the message says why in a manager's words."""


def fetch_records(
    client: httpx.Client,
    base_url: str,
    token: str,
    communes: Iterable[str],
    *,
    score_minimum: float | None = None,
    page_size: int = PAGE_SIZE,
) -> Document:
    """Every structure located in ``communes`` and every service located there or offered by one of
    those structures, each once, with the structures' duplicates from other sources."""
    api = _Api(client, base_url, token)
    structures: dict[tuple[str, str], dict[str, Any]] = {}
    services: dict[tuple[str, str], dict[str, Any]] = {}
    for code in sorted(set(communes)):
        for record in api.pages("structures", {"code_commune": code}, page_size):
            structures[_key(record)] = record
        quality = {} if score_minimum is None else {"score_qualite_minimum": score_minimum}
        for record in api.pages("services", {"code_commune": code, **quality}, page_size):
            services[_key(record)] = record
    owners = {(str(s.get("source")), str(s.get("structure_id"))) for s in services.values()}
    wanted = sorted(set(structures) | owners)
    with ThreadPoolExecutor(DETAIL_REQUESTS_AT_ONCE) as pool:
        details = list(pool.map(lambda key: api.get(f"structures/{quote(key[1], safe='')}", {}), wanted))
    for detail in details:
        for service in detail.pop("services", None) or []:
            if score_minimum is None or float(service.get("score_qualite") or 0) >= score_minimum:
                services[_key(service)] = service
        twins = [t for t in detail.get("doublons") or [] if isinstance(t, dict)]
        for twin in twins:
            structures.setdefault(_key(twin), {**twin, "doublons": [_ids(detail)]})
        detail["doublons"] = [_ids(t) for t in twins]
        structures[_key(detail)] = detail
    return {"structures": list(structures.values()), "services": list(services.values())}


def search_around(
    client: httpx.Client,
    base_url: str,
    token: str,
    point: tuple[float, float],
    code_commune: str,
    radius_km: float,
    *,
    score_minimum: float | None = None,
    page_size: int = PAGE_SIZE,
) -> Document:
    """The services received within ``radius_km`` of ``point`` (lon, lat), as the API's search finds
    them (nearest first, one of each set of duplicates), with their structures."""
    params: dict[str, Any] = {
        "code_commune": code_commune,
        "lon": point[0],
        "lat": point[1],
        "exclure_doublons": "true",
    }
    if score_minimum is not None:
        params["score_qualite_minimum"] = score_minimum
    structures: dict[tuple[str, str], dict[str, Any]] = {}
    services: dict[tuple[str, str], dict[str, Any]] = {}
    for result in _Api(client, base_url, token).pages("search/services", params, page_size):
        distance = result.get("distance")
        if distance is None or distance > radius_km:
            break  # nearest first: the rest is farther, or not received in person
        service = dict(result.get("service") or {})
        structure = service.pop("structure", None)
        if isinstance(structure, dict):
            structures.setdefault(_key(structure), structure)
            services[_key(service)] = service
    return {"structures": list(structures.values()), "services": list(services.values())}


def _key(record: dict[str, Any]) -> tuple[str, str]:
    return str(record.get("source")), str(record.get("id"))


def _ids(record: dict[str, Any]) -> dict[str, str]:
    return {"source": str(record.get("source")), "id": str(record.get("id"))}


@dataclass(frozen=True)
class _Api:
    client: httpx.Client
    base_url: str
    token: str

    def pages(self, path: str, params: dict[str, Any], size: int) -> Iterable[dict[str, Any]]:
        page, pages = 1, 1
        while page <= pages:
            data = self.get(path, {**params, "page": page, "size": size})
            yield from (item for item in data.get("items") or [] if isinstance(item, dict))
            pages, page = int(data.get("pages") or 1), page + 1

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        import httpx

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.client.get(f"{self.base_url.rstrip('/')}/{path}", params=params, headers=headers)
            response.raise_for_status()
            data = response.json()
        except httpx.TransportError as error:
            raise DataInclusionUnavailable(f"data·inclusion injoignable (hors ligne ?) : {error}") from None
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            why = " : jeton absent ou refusé (CARTO_DI_API_TOKEN)" if status in (401, 403) else ""
            raise DataInclusionUnavailable(f"data·inclusion a répondu {status}{why}") from None
        except ValueError:
            raise DataInclusionUnavailable("data·inclusion n’a pas renvoyé du JSON") from None
        if not isinstance(data, dict):
            raise DataInclusionUnavailable("data·inclusion n’a pas renvoyé un objet JSON")
        return data


@dataclass
class DataInclusionPlan:
    """An import plan, what each of its values rests on, and what was left out."""

    plan: ImportPlan
    matched: list[tuple[str, str]] = field(default_factory=list)
    """(record id, actor id) of the records recognised as actors we hold."""
    verified_conflicts: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    """(actor id, field, our verified value, the record's value)."""
    provenance: dict[str, dict[str, str]] = field(default_factory=dict)
    """Actor id → field → the data·inclusion record that states the value the import would write."""
    notes: list[str] = field(default_factory=list)
    """Records or values left out, and why."""

    def changes(self, actor_id: str) -> list[tuple[str, Any, Any, str]]:
        """(field, value now, value imported, who says it) for one actor of the plan."""
        said = self.provenance.get(actor_id, {})
        for actor, changes in self.plan.updates:
            if actor.id == actor_id:
                return [(name, old, new, _who(said, name)) for name, (old, new) in changes.items()]
        for actor in self.plan.creations:
            if actor.id == actor_id:
                feature = actor_to_feature(actor)["properties"]
                shown = [n for n in said if n != "location" and feature.get(n) not in (None, "", [])]
                located = ["location"] if actor.location and "location" in said else []
                return [(n, None, _shown_value(actor, n), said[n]) for n in [*shown, *located]]
        return []


def plan_data_inclusion(
    document: Document, existing: Sequence[Actor], *, overwrite_verified: bool = False
) -> DataInclusionPlan:
    """What importing the records would do. An actor they describe that we hold (same id or the id of
    a duplicate, same SIRET, else the same name within 150 m) is refreshed; on an actor a manager
    verified, changed fields are listed and kept unless ``overwrite_verified``."""
    mapped = proposals_of(document)
    result = DataInclusionPlan(ImportPlan(), notes=list(mapped.notes))
    rows, taken = [], set()
    for number, proposal in enumerate(mapped.proposals, start=1):
        if proposal.problems:
            rows.append(Row(number, None, proposal.problems))
            continue
        record = actor_from_feature(proposal.feature)
        held = _held(record, proposal, [a for a in existing if a.id not in taken])
        if held is None:
            rows.append(Row(number, proposal.feature))
            result.provenance[record.id] = proposal.provenance
            continue
        taken.add(held.id)
        result.matched.append((record.id, held.id))
        result.provenance[held.id] = proposal.provenance
        refreshed = _refresh(held, record, result, overwrite_verified)
        rows.append(Row(number, actor_to_feature(refreshed)))
    result.plan = plan_import(rows, existing)
    return result


def _who(said: dict[str, str], name: str) -> str:
    place = name == "geometry" or name.startswith(LOCATION_PREFIX)
    return said.get("location" if place else name, "")


def _readable(value: Any) -> Any:
    """A point as « lat, lon » (the rest as it is), for a manager to compare."""
    if isinstance(value, Location):
        return f"{value.lat:.5f}, {value.lon:.5f}"
    return value


def _shown_value(actor: Actor, name: str) -> Any:
    if name == "location":
        return f"{actor.location.lat:.5f}, {actor.location.lon:.5f}" if actor.location else None
    return getattr(actor, name)


def _held(record: Actor, proposal: Proposal, existing: Sequence[Actor]) -> Actor | None:
    from rapidfuzz import fuzz

    ids = {record.id, *proposal.aliases}
    for actor in existing:
        if actor.id in ids or (record.siret and actor.siret == record.siret):
            return actor
    for actor in existing:
        if fuzz.token_set_ratio(fold(actor.nom), fold(record.nom)) < NAME_SIMILARITY:
            continue
        if actor.location is None or record.location is None:
            if fold(actor.nom) == fold(record.nom) and actor.code_insee == record.code_insee:
                return actor
            continue
        if (
            metres_between(
                (actor.location.lon, actor.location.lat), (record.location.lon, record.location.lat)
            )
            <= MATCH_WITHIN_M
        ):
            return actor
    return None


def _refresh(held: Actor, record: Actor, result: DataInclusionPlan, overwrite_verified: bool) -> Actor:
    changes = {}
    for name in REFRESHED_FIELDS:
        new, old = getattr(record, name), getattr(held, name)
        if new in (None, "", ()) or new == old:
            continue
        if held.date_verification is not None and name not in ("source", "date_source"):
            result.verified_conflicts.append((held.id, name, _readable(old), _readable(new)))
            if not overwrite_verified:
                continue
        changes[name] = new
    if set(changes) <= {"source", "date_source"}:
        return held  # nothing but the provenance: the actor we hold stays as it is
    return dataclasses.replace(held, **changes)
