"""Pages for the volunteers at the door."""

from __future__ import annotations

from flask import Blueprint, render_template

from geo.communes import COMMUNES
from geo.kinds import KINDS
from geo.vocabularies import STATUTS
from webmap.data import current_actors

blueprint = Blueprint("volunteer", __name__)


@blueprint.get("/")
def index() -> str:
    actors = sorted(current_actors(), key=lambda a: (a.commune, a.nom))
    return render_template("index.html", actors=actors, kinds=KINDS, statuts=STATUTS,
                           communes=COMMUNES)
