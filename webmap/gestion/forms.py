"""The actor edit form: fields, their French labels, and the conversion to and from an Actor.

Validation is the core's (``geo.actors.validation``): its problems are put next to their fields.
"""

from __future__ import annotations

import dataclasses
from typing import Any

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

from geo.actors.kinds import KINDS
from geo.actors.model import Actor, Location, actor_to_feature
from geo.actors.validation import Problem, validate_feature
from geo.actors.vocabularies import (
    FRAIS,
    MODES_ACCUEIL,
    MODES_MOBILISATION,
    PERSONNES_MOBILISATRICES,
    PUBLICS,
    RESEAUX_PORTEURS,
    STATUTS,
    THEMATIQUES,
)
from geo.text import slugify


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


TEXT_FIELDS = (
    "nom",
    "kind",
    "statut",
    "description",
    "siret",
    "adresse",
    "complement_adresse",
    "code_postal",
    "code_insee",
    "commune",
    "horaires_accueil",
    "telephone",
    "courriel",
    "site_web",
    "source",
    "date_source",
)
LIST_FIELDS = (
    "thematiques",
    "publics",
    "reseaux_porteurs",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
)


class ActorForm(FlaskForm):
    nom = StringField("Nom")
    kind = SelectField("Type d’acteur", choices=_choices((k.slug, k.label) for k in KINDS.values()))
    statut = SelectField("Statut", choices=_choices(STATUTS.items()))
    description = TextAreaField("Description")
    siret = StringField("SIRET (14 chiffres, si une source le donne)")
    adresse = StringField("Adresse")
    complement_adresse = StringField("Complément d’adresse")
    code_postal = StringField("Code postal")
    code_insee = StringField("Code INSEE de la commune")
    commune = StringField("Commune")
    lon = FloatField("Longitude", validators=[Optional()])
    lat = FloatField("Latitude", validators=[Optional()])
    location_source = HiddenField()
    location_reference = HiddenField()
    location_score = HiddenField()
    location_geocoder = HiddenField()
    location_point = HiddenField()
    """« lon lat » of the point the provenance above describes: a point typed otherwise is the manager's."""
    thematiques = MultiCheckbox("Thématiques", choices=lambda: _choices(THEMATIQUES.items()))
    publics = MultiCheckbox("Publics (aucun : tous publics)", choices=lambda: _choices(PUBLICS.items()))
    reseaux_porteurs = MultiCheckbox("Réseaux porteurs", choices=lambda: _choices(RESEAUX_PORTEURS.items()))
    zone_eligibilite = StringField(
        "Zone d’éligibilité (codes INSEE, département, EPCI ; séparés par des virgules)"
    )
    age_min = IntegerField("Âge minimal", validators=[Optional()])
    age_max = IntegerField("Âge maximal", validators=[Optional()])
    modes_accueil = MultiCheckbox("Accueil", choices=lambda: _choices(MODES_ACCUEIL.items()))
    modes_mobilisation = MultiCheckbox(
        "Comment y aller", choices=lambda: _choices(MODES_MOBILISATION.items())
    )
    mobilisable_par = MultiCheckbox(
        "Qui fait la démarche", choices=lambda: _choices(PERSONNES_MOBILISATRICES.items())
    )
    frais = SelectField("Frais", choices=lambda: _choices([("", "Non renseigné"), *FRAIS.items()]))
    horaires_accueil = StringField("Horaires (format OpenStreetMap, ex. Mo-Fr 09:00-12:00; PH off)")
    telephone = StringField("Téléphone")
    courriel = StringField("Courriel générique")
    site_web = StringField("Site web")
    frequence_verification = IntegerField("Vérifier tous les … mois (vide : 6)", validators=[Optional()])
    source = StringField("Source de l’information")
    date_source = StringField("Date de la source (AAAA, AAAA-MM ou AAAA-MM-JJ)")
    version = HiddenField()

    def fill(self, actor: Actor, version: int) -> None:
        for name in (*TEXT_FIELDS, "age_min", "age_max", "frequence_verification"):
            getattr(self, name).data = getattr(actor, name)
        for name in LIST_FIELDS:
            getattr(self, name).data = list(getattr(actor, name))
        self.zone_eligibilite.data = ", ".join(actor.zone_eligibilite)
        self.frais.data = actor.frais or ""
        if actor.location:
            self.lon.data, self.lat.data = actor.location.lon, actor.location.lat
            self.location_source.data = actor.location.source
            self.location_reference.data = actor.location.reference or ""
            self.location_score.data = "" if actor.location.score is None else str(actor.location.score)
            self.location_geocoder.data = actor.location.geocoder or ""
            self.location_point.data = f"{actor.location.lon} {actor.location.lat}"
        self.version.data = str(version)

    def to_actor(self, base: Actor | None) -> tuple[Actor | None, list[Problem]]:
        """The actor the form describes (keeping what the form does not show), and its problems."""
        values: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            values[name] = (getattr(self, name).data or "").strip()
        for name in LIST_FIELDS:
            values[name] = tuple(getattr(self, name).data or ())
        values["zone_eligibilite"] = tuple(
            code.strip() for code in (self.zone_eligibilite.data or "").split(",") if code.strip()
        )
        values["age_min"], values["age_max"] = self.age_min.data, self.age_max.data
        values["frequence_verification"] = self.frequence_verification.data
        values["frais"] = self.frais.data or None
        values["location"] = self._location()
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
            target = field if field is not None else self.nom
            target.errors = [*list(target.errors or []), problem.message]
