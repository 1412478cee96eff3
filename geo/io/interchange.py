"""Moving actors in and out: CSV, GeoJSON and data·inclusion v1 JSON (structures and services).

Reading gives, per row, either a Feature or the row's problems; ``plan_import`` compares them with the
store and says what would be created, updated, flagged as duplicate or refused — a dry run that an
import then applies in one transaction, or not at all.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.actors.duplicates import probable_duplicates
from geo.actors.kinds import KINDS
from geo.actors.model import (
    FIELDS,
    FIELDS_BY_NAME,
    LOCATION_PREFIX,
    Actor,
    actor_from_feature,
    actor_to_feature,
)
from geo.actors.validation import Problem, validate_feature
from geo.io.spreadsheet import inert, revived
from geo.store.base import diff

FORMATS = ("csv", "geojson", "data-inclusion")
LIST_SEPARATOR = "|"
_PLACE = tuple(f.name for f in FIELDS if f.name.startswith(LOCATION_PREFIX))
CSV_COLUMNS = (
    "id",
    *(f.name for f in FIELDS if f.name not in _PLACE),
    "longitude",
    "latitude",
    *_PLACE,
)
"""One column per declared field, the point as longitude and latitude beside its provenance."""


class UnreadableFile(ValueError):
    """The file is not in the announced format at all."""


@dataclass(frozen=True)
class Row:
    number: int
    feature: dict[str, Any] | None
    problems: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    creations: list[Actor] = field(default_factory=list)
    updates: list[tuple[Actor, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[int, Actor, Actor, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def applicable(self) -> bool:
        return not self.errors

    @property
    def actors(self) -> list[Actor]:
        return [*self.creations, *(actor for actor, _ in self.updates)]


# --- reading ---------------------------------------------------------------------------------------


def read_rows(data: bytes, kind: str) -> list[Row]:
    """The rows of an import file; raises UnreadableFile when it is not that format at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("le fichier n’est pas en UTF-8") from None
    if kind == "csv":
        return _csv_rows(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"JSON illisible : {error}") from None
    except RecursionError:
        raise UnreadableFile("JSON trop imbriqué") from None
    if kind == "geojson":
        if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
            raise UnreadableFile("une FeatureCollection GeoJSON est attendue")
        return [_checked(n, f) for n, f in enumerate(document.get("features") or [], start=1)]
    if kind == "data-inclusion":
        return data_inclusion_rows(document)
    raise UnreadableFile(f"format inconnu : {kind} ({', '.join(FORMATS)})")


def _csv_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("nom", "kind", "source", "date_source") if c not in (reader.fieldnames or [])]
    if missing:
        raise UnreadableFile(f"colonnes absentes : {', '.join(missing)}")
    rows = []
    for number, record in enumerate(reader, start=2):  # line 1 is the header
        try:
            feature = _feature_from_record(record)
        except ValueError as error:
            rows.append(Row(number, None, (str(error),)))
            continue
        rows.append(_checked(number, feature))
    return rows


def _feature_from_record(record: dict[str, str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for column in CSV_COLUMNS:
        declared = FIELDS_BY_NAME.get(column)
        if declared is None:  # the id and the point
            continue
        value = revived((record.get(column) or "").strip())
        if declared.kind == "list":
            props[column] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        elif declared.kind in ("integer", "number"):
            props[column] = _number(column, value, int if declared.kind == "integer" else float)
        else:
            props[column] = (value or None) if declared.nullable else value
    geometry = None
    lon, lat = (record.get("longitude") or "").strip(), (record.get("latitude") or "").strip()
    if lon or lat:
        try:
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        except ValueError:
            raise ValueError(f"coordonnées illisibles : {lon!r}, {lat!r}") from None
    actor_id = (record.get("id") or "").strip()
    if not actor_id:
        from geo.text import slugify

        actor_id = slugify(props.get("nom", ""))[:80]
    return {"type": "Feature", "id": actor_id, "geometry": geometry, "properties": props}


def _number(column: str, value: str, kind: type[int] | type[float]) -> int | float | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{column} : nombre attendu, pas {value!r}") from None


def data_inclusion_rows(document: Any) -> list[Row]:
    """One row per actor the structures and services describe (``geo.io.data_inclusion_records``)."""
    from geo.io.data_inclusion_records import proposals_of

    if not isinstance(document, dict) or not isinstance(document.get("structures"), list):
        raise UnreadableFile("un objet { structures: [...], services: [...] } est attendu")
    return [
        Row(number, None if p.problems else p.feature, p.problems)
        for number, p in enumerate(proposals_of(document).proposals, start=1)
    ]


def _checked(number: int, feature: Any) -> Row:
    problems: list[Problem] = validate_feature(feature, number)
    if problems:
        return Row(number, None, tuple(f"{p.field} : {p.message}" for p in problems))
    return Row(number, feature)


# --- planning --------------------------------------------------------------------------------------


def plan_import(rows: Sequence[Row], existing: Sequence[Actor]) -> ImportPlan:
    """What importing ``rows`` would do to ``existing`` actors, row by row; writes nothing."""
    plan = ImportPlan()
    by_id = {actor.id: actor for actor in existing}
    seen: dict[str, int] = {}
    for row in rows:
        if row.feature is None:
            plan.errors.extend((row.number, problem) for problem in row.problems)
            continue
        actor = actor_from_feature(row.feature)
        if actor.id in seen:
            plan.errors.append((row.number, f"id : déjà utilisé à la ligne {seen[actor.id]}"))
            continue
        seen[actor.id] = row.number
        current = by_id.get(actor.id)
        if current is None:
            plan.creations.append(actor)
            for other, reason in probable_duplicates(actor, existing):
                plan.duplicates.append((row.number, actor, other, reason))
        else:
            changes = diff(current, actor)
            if changes:
                plan.updates.append((actor, changes))
            else:
                plan.unchanged.append(actor.id)
    return plan


# --- writing ---------------------------------------------------------------------------------------


def export(actors: Sequence[Actor], kind: str) -> str:
    """The actors in the given format, deterministic (sorted by id)."""
    ordered = sorted(actors, key=lambda a: a.id)
    if kind == "geojson":
        from geo.io.dataset import dumps_actors

        return dumps_actors(ordered)
    if kind == "csv":
        return _csv(ordered)
    if kind == "data-inclusion":
        return json.dumps(_data_inclusion(ordered), ensure_ascii=False, indent=2) + "\n"
    raise UnreadableFile(f"format inconnu : {kind}")


def _csv(actors: Sequence[Actor]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)  # CRLF lines (RFC 4180): a CR in a cell is quoted
    writer.writeheader()
    for actor in actors:
        feature = actor_to_feature(actor)
        record = {}
        for column in CSV_COLUMNS:
            value = feature["properties"].get(column)
            if column == "id":
                value = actor.id
            elif column == "longitude":
                value = actor.location.lon if actor.location else ""
            elif column == "latitude":
                value = actor.location.lat if actor.location else ""
            if isinstance(value, list):
                value = LIST_SEPARATOR.join(value)
            record[column] = "" if value is None else inert(value)
        writer.writerow(record)
    return out.getvalue()


def _data_inclusion(actors: Sequence[Actor]) -> dict[str, list[dict[str, Any]]]:
    """One structure and one service per actor, valid under the schema's ``Structure`` and ``Service``.

    Where the schema needs what a source does not give, the value is derived by a documented rule
    (docs/data-model.md, « Export to data·inclusion ») and never states a new fact: ``date_maj`` is the
    verification date, else the source's date completed to the first day of its month or year; a
    service without description gets one generated from the actor's kind, which says so; no public
    listed is ``tous-publics``.
    """
    structures, services = [], []
    for a in actors:
        structures.append(
            {
                "source": "carto-insertion",
                "id": a.id,
                **declared_copies(a, "Structure"),
                "longitude": a.location.lon if a.location else None,
                "latitude": a.location.lat if a.location else None,
                "date_maj": date_maj(a),
            }
        )
        services.append(service_record(a))
    return {"structures": structures, "services": services}


def declared_copies(actor: Actor, record: str) -> dict[str, Any]:
    """The actor's fields that data·inclusion's ``record`` (``Structure``, ``Service``) holds as they
    are, by their declarations; an empty value is null."""
    copies: dict[str, Any] = {}
    for declared in FIELDS:
        if declared.data_inclusion == f"{record}.{declared.name}":
            value = getattr(actor, declared.name)
            copies[declared.name] = (list(value) if isinstance(value, tuple) else value) or None
    return copies


def service_record(a: Actor) -> dict[str, Any]:
    """The actor's one data·inclusion service: its declared copies, the structure's ways of reaching
    it, and what the schema needs derived by the rules below."""
    return {
        "source": "carto-insertion",
        "id": f"{a.id}--accompagnement",
        "structure_id": a.id,
        "nom": f"Accompagnement — {a.nom}"[:150],
        "description": a.description or generated_description(a),
        **declared_copies(a, "Service"),
        "publics": list(a.publics) or ["tous-publics"],
        "horaires_accueil": a.horaires_accueil or None,
        "telephone": a.telephone or None,
        "courriel": a.courriel or None,
        "date_maj": date_maj(a),
    }


def date_maj(actor: Actor) -> str:
    """data·inclusion's full date of last update: the verification, else the source's date, a partial
    one (« 2019-07 », « 2019 ») completed to the first day of its period."""
    if actor.date_verification:
        return actor.date_verification.isoformat()
    year, month, day = (actor.date_source.split("-") + ["01", "01"])[:3]
    return f"{year}-{month}-{day}"


def generated_description(actor: Actor) -> str:
    """A description for a record that has none, from its kind only, saying so."""
    kind = KINDS.get(actor.kind)
    what = kind.label if kind else "Acteur"
    return f"{what}. {GENERATED_DESCRIPTION}"


GENERATED_DESCRIPTION = (
    "Description générée d’après le type d’acteur par carto-insertion : la source n’en donne pas."
)
"""How a generated description ends: reading an export back never takes it for a source's words."""
