"""Fresh records from the national aggregator: data·inclusion's API (v1), for the communes served.

``fetch_records`` reads ``/structures`` and ``/services`` page by page (``code_commune``, ``page``,
``size``; a bearer token), ``plan_data_inclusion`` turns them into the same import plan as a file:
existing actors are matched by SIRET, then by name within 150 m, and what a manager verified is kept
unless asked, each difference shown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geo.actors.model import Actor, actor_from_feature, actor_to_feature
from geo.io.interchange import ImportPlan, Row, data_inclusion_rows, plan_import
from geo.projection import metres_between
from geo.text import fold

if TYPE_CHECKING:
    import httpx

MATCH_WITHIN_M = 150.0
NAME_SIMILARITY = 85
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
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "frais",
    "description",
    "source",
    "date_source",
)
"""What a data·inclusion record may refresh on an actor we hold; its kind, status and verification
are ours. An empty value never erases one we have."""


class DataInclusionUnavailable(Exception):
    """The API could not be read; the message says why in a manager's words."""


def fetch_records(
    client: httpx.Client, base_url: str, token: str, communes: Iterable[str], page_size: int = 500
) -> dict[str, list[dict[str, Any]]]:
    """Every structure and service of ``communes``, once each, as the API gives them."""
    found: dict[str, dict[str, dict[str, Any]]] = {"structures": {}, "services": {}}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for code in sorted(set(communes)):
        for kind, records in found.items():
            page, pages = 1, 1
            while page <= pages:
                data = _page(
                    client,
                    f"{base_url.rstrip('/')}/{kind}",
                    headers,
                    {"code_commune": code, "page": page, "size": page_size},
                )
                for record in data.get("items") or []:
                    records[f"{record.get('source')}/{record.get('id')}"] = record
                pages, page = int(data.get("pages") or 1), page + 1
    return {kind: list(records.values()) for kind, records in found.items()}


def _page(client: httpx.Client, url: str, headers: dict[str, str], params: dict[str, Any]) -> dict[str, Any]:
    import httpx

    try:
        response = client.get(url, params=params, headers=headers)
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
        raise DataInclusionUnavailable("data·inclusion n’a pas renvoyé une page de résultats")
    return data


@dataclass
class DataInclusionPlan:
    """An import plan, and the verified fields the records would change (kept unless asked)."""

    plan: ImportPlan
    matched: list[tuple[str, str]] = field(default_factory=list)
    """(record id, actor id) of the records recognised as actors we hold."""
    verified_conflicts: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    """(actor id, field, our verified value, the record's value)."""


def plan_data_inclusion(
    document: dict[str, list[dict[str, Any]]], existing: Sequence[Actor], *, overwrite_verified: bool = False
) -> DataInclusionPlan:
    """What importing the records would do. A record that names an actor we hold (same SIRET, else
    the same name within 150 m) refreshes it; on an actor a manager verified, changed fields are
    listed and kept unless ``overwrite_verified``."""
    result = DataInclusionPlan(ImportPlan())
    rows = []
    for row in data_inclusion_rows(document):
        if row.feature is None:
            rows.append(row)
            continue
        record = actor_from_feature(row.feature)
        held = _held(record, existing)
        if held is None:
            rows.append(row)
            continue
        result.matched.append((record.id, held.id))
        refreshed = _refresh(held, record, result, overwrite_verified)
        rows.append(Row(row.number, actor_to_feature(refreshed)))
    result.plan = plan_import(rows, existing)
    return result


def _held(record: Actor, existing: Sequence[Actor]) -> Actor | None:
    from rapidfuzz import fuzz

    for actor in existing:
        if actor.id == record.id or (record.siret and actor.siret == record.siret):
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
            result.verified_conflicts.append((held.id, name, old, new))
            if not overwrite_verified:
                continue
        changes[name] = new
    if set(changes) <= {"source", "date_source"}:
        return held  # nothing but the provenance: the actor we hold stays as it is
    return dataclasses.replace(held, **changes)
