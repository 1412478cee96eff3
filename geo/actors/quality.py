"""data·inclusion's own quality score of an actor (``score_qualite`` of the schema's package).

The score is computed on the service record our export gives (``geo.io.interchange``), except that a
description we generate never counts: what the score measures is what the sources and managers said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from geo.actors.model import Actor

CRITERIA_LABELS: Mapping[str, str] = {
    "adresse_bien_definie": "adresse",
    "modes_mobilisation_bien_definis": "comment y aller",
    "au_moins_un_public": "publics",
    "au_moins_une_thematique": "thématiques",
    "au_moins_un_moyen_de_contact": "moyen de contact",
    "courriel_bien_defini": "courriel",
    "date_maj_recente": "fraîcheur",
    "frais_bien_definis": "frais",
    "description_bien_definie": "description",
    "telephone_bien_defini": "téléphone",
}
"""Each criterion of the national score, in the managers' words."""


@dataclass(frozen=True)
class Quality:
    score: float
    """0 to 1, the mean of the criteria that apply."""
    criteria: Mapping[str, float | None]

    @property
    def weakest(self) -> list[str]:
        """The criteria scored below 1, in the managers' words."""
        return [
            CRITERIA_LABELS.get(name, name)
            for name, value in self.criteria.items()
            if value is not None and value < 1
        ]


def quality(actor: Actor) -> Quality:
    """The national quality score of ``actor`` (freshness is judged against today, as the package does)."""
    from data_inclusion.schema.v1 import Service
    from data_inclusion.schema.v1.score_qualite import score

    from geo.io.interchange import service_record

    record = service_record(actor)
    service = Service.model_validate(record).model_copy(update={"description": actor.description or "-"})
    value, criteria = score(service)
    return Quality(value, dict(criteria))
