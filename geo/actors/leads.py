"""Verification leads: public lists from 2023–2024 that name structures of the five communes, with an
address, but no licence (``data/leads/SOURCES.md``). Never imported as facts: a lead is shown to a
manager — « piste : adresse indiquée en février 2024 par … — à confirmer par téléphone » — beside the
actor it may concern, or as a structure the cartography may lack.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.actors.model import Actor
from geo.text import fold

NAME_SIMILARITY = 90
EMPLOYMENT_WORDS = ("emploi", "insertion", "mission locale", "travail", "formation", "regie", "chantier")
"""Words that make a lead worth offering as a missing actor (in folded form)."""


@dataclass(frozen=True)
class LeadFile:
    """How to read one list: its columns, and how to name it to a manager."""

    name: str
    said_by: str
    """« par Aidants Connect (export des structures) »."""
    when: str
    """« en février 2024 »."""
    columns: dict[str, str]
    """Our field → the file's column."""
    delimiter: str = ","


LEAD_FILES = (
    LeadFile(
        "aidants_connect_structures_2024-02-22_5communes.csv",
        "l’export des structures d’Aidants Connect",
        "en février 2024",
        {"nom": "Name", "adresse": "Address", "code_postal": "Zip Code", "code_insee": "City Insee Code"}
        | {"commune": "City", "siret": "Siret"},
    ),
    LeadFile(
        "cnfs_structures_2023-04-05_5communes.csv",
        "la liste des structures des conseillers numériques France Services",
        "en avril 2023",
        {"nom": "Raison sociale", "adresse": "Adresse", "code_postal": "Code postal"}
        | {"code_insee": "Code commune INSEE", "commune": "Commune INSEE", "siret": "SIRET"},
    ),
)


@dataclass(frozen=True)
class Lead:
    nom: str
    adresse: str
    code_postal: str
    code_insee: str
    commune: str
    siret: str
    said_by: str
    when: str

    @property
    def words(self) -> str:
        """The lead as a manager reads it."""
        return (
            f"piste : adresse indiquée {self.when} par {self.said_by} — « {self.adresse} » — "
            "à confirmer par téléphone"
        )


def read_leads(folder: Path) -> list[Lead]:
    """Every lead of the lists in ``folder`` (a missing list is no lead)."""
    leads = []
    for declared in LEAD_FILES:
        path = folder / declared.name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows, delimiter=declared.delimiter):
                value = {
                    ours: " ".join((row.get(theirs) or "").split())
                    for ours, theirs in declared.columns.items()
                }
                value["siret"] = _siret(value["siret"])
                leads.append(Lead(**value, said_by=declared.said_by, when=declared.when))
    return leads


def leads_for(actor: Actor, leads: Iterable[Lead]) -> list[Lead]:
    """The leads that name ``actor``: the same SIRET, else the same name (fuzzy) in its commune."""
    from rapidfuzz import fuzz

    found = []
    for lead in leads:
        if actor.siret and lead.siret == actor.siret:
            found.append(lead)
        elif (
            lead.code_insee in ("", actor.code_insee)
            and fuzz.token_set_ratio(fold(lead.nom), fold(actor.nom)) >= NAME_SIMILARITY
            and len(fold(lead.nom)) > 3
        ):
            found.append(lead)
    return found


def missing_actors(leads: Iterable[Lead], actors: Sequence[Actor]) -> list[Lead]:
    """Leads for employment or insertion structures that name none of ``actors``, once each."""
    kept: dict[str, Lead] = {}
    for lead in leads:
        name = fold(lead.nom)
        if not any(word in name for word in EMPLOYMENT_WORDS):
            continue
        if any(lead in leads_for(actor, [lead]) for actor in actors):
            continue
        kept.setdefault(name, lead)
    return sorted(kept.values(), key=lambda lead: fold(lead.nom))


def _siret(text: str) -> str:
    """14 digits, as a source writes them (« 21280267200015.0 » in a spreadsheet export)."""
    digits = re.sub(r"\.0$", "", text.strip())
    return digits if re.fullmatch(r"[0-9]{14}", digits) else ""
