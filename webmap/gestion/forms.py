"""The actor edit form, made from the fields' declarations (``geo.actors.model.FIELDS``): one form
field per declared field that has a group, with its French label and help, grouped in fieldsets, and the
conversion to and from an Actor. The point and its provenance are set by the map.

Validation is the core's (``geo.actors.validation``): its problems are put next to their fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from geo.actors.fields import FOLDED_GROUPS, GROUPS, Field
from geo.actors.model import FIELDS, Actor, Location, actor_to_feature
from geo.actors.validation import Problem, validate_feature
from geo.text import fold, slugify

EDITED = tuple(declared for declared in FIELDS if declared.group)
"""The declared fields the form shows, in their declared order."""
WIDE = 100
"""Texts this long or longer take the form's whole width."""
CODES_SEPARATOR = ","


def _choices(vocabulary: Mapping[str, Any], blank: bool) -> list[SelectChoice]:
    pairs = [(slug, label if isinstance(label, str) else slug) for slug, label in vocabulary.items()]
    return [SelectChoice(value, label) for value, label in ([("", "Non renseigné")] if blank else []) + pairs]


def _commune_choices(current: str) -> list[SelectChoice]:
    """The communes the service knows, by name (their INSEE code sent), and ``current`` if another."""
    from geo.communes import COMMUNES

    named = sorted(((c.nom, code) for code, c in COMMUNES.items()), key=lambda pair: fold(pair[0]))
    choices = [SelectChoice("", "—"), *(SelectChoice(code, f"{nom} ({code})") for nom, code in named)]
    if current and current not in COMMUNES:
        choices.append(SelectChoice(current, current))
    return choices


class MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _form_field(declared: Field) -> wtforms.Field:
    """The form field of a declared field: a list of choices as checkboxes, a list of codes as
    comma-separated text, a text with a vocabulary as a menu, a number as a number."""
    options: dict[str, Any] = {"description": declared.help}
    vocabulary = declared.vocabulary
    if declared.widget == "commune":
        return SelectField(
            declared.label, choices=lambda: _commune_choices(""), validate_choice=False, **options
        )
    if declared.widget == "derived":
        return HiddenField(declared.label)
    if declared.kind == "list":
        if vocabulary is None:
            return StringField(declared.label, **options)
        return MultiCheckbox(declared.label, choices=lambda: _choices(vocabulary, False), **options)
    if declared.kind == "integer":
        return IntegerField(declared.label, validators=[Optional()], **options)
    if vocabulary is not None:
        return SelectField(declared.label, choices=lambda: _choices(vocabulary, declared.nullable), **options)
    if declared.multiline:
        return TextAreaField(declared.label, **options)
    return StringField(declared.label, **options)


class _ActorForm(FlaskForm):
    lon = FloatField("Longitude", validators=[Optional()])
    lat = FloatField("Latitude", validators=[Optional()])
    location_source = HiddenField()
    location_reference = HiddenField()
    location_score = HiddenField()
    location_geocoder = HiddenField()
    location_point = HiddenField()
    """« lon lat » of the point the provenance above describes: a point typed otherwise is the manager's."""
    version = HiddenField()

    def grouped(self) -> list[tuple[str, str, bool, list[tuple[wtforms.Field, bool, str]]]]:
        """(group, legend, folded, [(form field, wide, widget)]) in the order of the fieldsets; a group
        with a field in error is never folded."""
        return [
            (
                group,
                legend,
                group in FOLDED_GROUPS and not any(self[d.name].errors for d in EDITED if d.group == group),
                [
                    (
                        self[d.name],
                        d.multiline or (d.max_length or 0) >= WIDE or d.item_pattern is not None,
                        d.widget,
                    )
                    for d in EDITED
                    if d.group == group
                ],
            )
            for group, legend in GROUPS.items()
        ]

    def fill(self, actor: Actor, version: int) -> None:
        for declared in EDITED:
            value = getattr(actor, declared.name)
            if declared.kind == "list":
                value = list(value) if declared.vocabulary is not None else f"{CODES_SEPARATOR} ".join(value)
            elif declared.kind == "text" and value is None:
                value = ""
            self[declared.name].data = value
        self["code_insee"].choices = _commune_choices(actor.code_insee)
        if actor.location:
            self.lon.data, self.lat.data = actor.location.lon, actor.location.lat
            self.location_source.data = actor.location.source
            self.location_reference.data = actor.location.reference or ""
            self.location_score.data = "" if actor.location.score is None else str(actor.location.score)
            self.location_geocoder.data = actor.location.geocoder or ""
            self.location_point.data = f"{actor.location.lon} {actor.location.lat}"
        self.version.data = str(version)

    def read_hours_grid(self, formdata: Mapping[str, Any]) -> bool:
        """In grid mode, the hours the grid writes take the OSM field's place; False (the problems
        shown beside the field) when the grid makes no sense."""
        from webmap.gestion.hours_grid import written_hours

        hours, problems = written_hours(formdata)
        if problems:
            self["horaires_accueil"].errors = [*list(self["horaires_accueil"].errors or []), *problems]
            return False
        typed = self["horaires_accueil"].data or ""
        if hours is not None and not _same_hours(typed, hours):
            self["horaires_accueil"].data = hours  # else the text as it was: no change in the history
        return True

    def to_actor(self, base: Actor | None) -> tuple[Actor | None, list[Problem]]:
        """The actor the form describes (keeping what the form does not show), and its problems."""
        values: dict[str, Any] = {d.name: _read(d, self[d.name].data) for d in EDITED}
        for declared in EDITED:  # the same values ticked: the actor's own order, not the menu's
            kept = getattr(base, declared.name) if base else None
            if declared.kind == "list" and kept is not None and set(kept) == set(values[declared.name]):
                values[declared.name] = kept
        values["location"] = self._location()
        values.update(_derived(values))
        actor_id = base.id if base else slugify(values["nom"])[:80]
        actor = dataclasses.replace(base, **values) if base else Actor(id=actor_id, **values)
        problems = validate_feature(actor_to_feature(actor))
        return (None if problems else actor), problems

    def _location(self) -> Location | None:
        """The point typed, with the provenance of the point it came from — or the manager's own when
        the coordinates were typed by hand."""
        if self.lon.data is None or self.lat.data is None:
            return None
        lon, lat = float(self.lon.data), float(self.lat.data)
        if self.location_source.data != "manager" and not self._same_point(lon, lat):
            return Location(lon, lat, "manager")
        score = self.location_score.data
        try:
            score_value = float(score) if score else None
        except ValueError:
            score_value = None
        return Location(
            lon,
            lat,
            self.location_source.data or "manager",
            self.location_reference.data or None,
            score_value,
            self.location_geocoder.data or None,
        )

    def _same_point(self, lon: float, lat: float) -> bool:
        try:
            given_lon, given_lat = (float(x) for x in (self.location_point.data or "").split())
        except ValueError:
            return False
        return abs(given_lon - lon) < 1e-7 and abs(given_lat - lat) < 1e-7

    def show_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            name = {
                "geometry": "lon",
                "location_source": "lon",
                "location_score": "lon",
                "location_geocoder": "lon",
                "location_reference": "lon",
                "id": "nom",
            }.get(problem.field, problem.field)
            field = getattr(self, name, None)
            target = field if field is not None else self["nom"]
            target.errors = [*list(target.errors or []), problem.message]


def _derived(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the form writes rather than asks: the commune's name, from the commune chosen."""
    from geo.communes import COMMUNES

    commune = COMMUNES.get(values.get("code_insee") or "")
    return {"commune": commune.nom} if commune is not None else {}


def _same_hours(typed: str, written: str) -> bool:
    """The grid rewrites ``typed`` as ``written``: the same hours, maybe spelt otherwise."""
    import datetime as dt

    from geo.actors.week_grid import to_opening_hours, week_of

    week = week_of(typed, dt.date.today())
    return week is not None and to_opening_hours(week) == written


def _read(declared: Field, data: Any) -> Any:
    """A form field's data as the actor holds it."""
    if declared.kind == "list":
        if declared.vocabulary is not None:
            return tuple(data or ())
        return tuple(code.strip() for code in (data or "").split(CODES_SEPARATOR) if code.strip())
    if declared.kind == "text":
        text = (data or "").strip()
        return (text or None) if declared.nullable else text
    return data


ActorForm = type("ActorForm", (_ActorForm,), {d.name: _form_field(d) for d in EDITED})
"""The form: ``_ActorForm`` with a field per declared field that has a group."""
