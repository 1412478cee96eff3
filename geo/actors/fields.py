"""The actor's fields, each declared once, as data: its type, vocabulary, limits, label, help text, group
in the form and data·inclusion counterpart — as datasette declares its settings.

A field is declared where ``geo.actors.model`` defines it (``field(metadata=declared(...))``); its type
and whether it may be null or must be given are read from the dataclass itself. From the declarations
come the validator's shape checks (``geo.actors.validation``), the OpenAPI ``Actor`` schema, the back
office's form, the CSV columns and the table of docs/data-model.md. Adding a field is one declaration
in the model, plus a migration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["text", "list", "integer", "number", "date"]

GROUPS: Mapping[str, str] = types.MappingProxyType(
    {
        "lieu": "Qui et où",
        "acces": "Quand et comment y aller",
        "publics": "Qui est reçu, pour quoi",
        "vocabulaires": "Vocabulaires nationaux (data·inclusion)",
        "provenance": "Sources",
    }
)
"""The back office form's fieldsets, in order, with their legends: what matters at the door first."""
FOLDED_GROUPS = frozenset({"vocabulaires"})
"""Fieldsets the form shows folded (a manager rarely needs them)."""
Widget = Literal["", "commune", "derived", "hours", "picker"]
"""How the form shows a field, when not by its kind: a commune chosen by name (its INSEE code
written), a value the form derives from another (not typed), the hours grid, a searchable picker."""

LIST_LIMIT, LIST_ITEM_LIMIT = 50, 100
"""Most values a list field may hold, and longest value."""

_SPEC = "carto.field"


@dataclass(frozen=True)
class Field:
    """One property of an actor's Feature."""

    name: str
    kind: Kind
    label: str
    """In French, as the back office names it."""
    doc: str
    """In English, what it means: docs/data-model.md's table."""
    help: str = ""
    """In French, under the field in the form."""
    group: str | None = None
    """The form's fieldset (``GROUPS``); None: set otherwise (the map, « Vérifié aujourd'hui »)."""
    nullable: bool = False
    required: bool = False
    max_length: int | None = None
    min_length: int = 0
    pattern: str | None = None
    """What a non-empty text must match, whole (a regular expression)."""
    pattern_hint: str = ""
    """The expected form in words, for a message (« 5 chiffres »)."""
    vocabulary: Mapping[str, Any] | None = None
    """The values allowed (slug → label or record), for a text or for each item of a list."""
    item_pattern: str | None = None
    """For a list without a vocabulary: what each item must match."""
    minimum: float | None = None
    maximum: float | None = None
    multiline: bool = False
    widget: Widget = ""
    data_inclusion: str | None = None
    """Its counterpart in data·inclusion v1 (``Structure.nom``, ``Service.thematiques``); None: ours."""

    @property
    def limits(self) -> str:
        """The limits in words, for the docs."""
        if self.kind == "text" and self.max_length:
            low = f"{self.min_length}–" if self.min_length else "≤ "
            return f"{low}{self.max_length} characters"
        if self.kind == "list":
            return f"≤ {LIST_LIMIT} values of ≤ {LIST_ITEM_LIMIT} characters"
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum:g}–{self.maximum:g}"
        return ""


def declared(label: str, doc: str, **spec: Any) -> dict[str, dict[str, Any]]:
    """A field's declaration, as the metadata of its dataclass field."""
    return {_SPEC: {"label": label, "doc": doc, **spec}}


def declared_fields(cls: type, prefix: str = "") -> tuple[Field, ...]:
    """The declared fields of a dataclass, their kind, nullability and requirement read from its
    annotations; ``prefix`` names those of a nested record (``location_``), which may be absent: its
    fields are then null, never required."""
    hints = typing.get_type_hints(cls)
    found = []
    for item in dataclasses.fields(cls):
        spec = item.metadata.get(_SPEC)
        if spec is None:
            continue
        kind, nullable = _kind(hints[item.name])
        no_default = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        spec = {"required": no_default and not prefix, **spec}
        nullable = nullable or bool(prefix)
        found.append(Field(prefix + item.name, kind, nullable=nullable, **spec))
    return tuple(found)


def _kind(hint: Any) -> tuple[Kind, bool]:
    arguments = typing.get_args(hint)
    nullable = type(None) in arguments
    if nullable:
        (hint,) = [a for a in arguments if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        return "list", nullable
    kinds: dict[Any, Kind] = {str: "text", int: "integer", float: "number", dt.date: "date"}
    return kinds[hint], nullable


def by_name(declared: Sequence[Field]) -> Mapping[str, Field]:
    return types.MappingProxyType({f.name: f for f in declared})
