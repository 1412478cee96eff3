"""One-off transcription of the compiled public sources into ``data/actors.geojson``.

Usage: python scripts/transcribe_sources.py data/sources/actors_sources.csv data/actors.geojson

Every value is copied from the CSV row; nothing is geocoded or guessed. Coordinates come only from the
row's own lat/lon, with the file that states them (``COORDS:`` in the notes, else the row's source).
Thématiques, publics, réseaux porteurs, age range, fees and eligibility zone come from the kind of
actor (``geo.actors.kinds``). Rows without any date are left out and reported: an actor must carry the date of
its source. After the first import the dataset is curated in place; do not re-run this over it.
"""

from __future__ import annotations

import csv
import json
import re
import sys

import phonenumbers

from geo.actors.kinds import KINDS
from geo.actors.model import Actor, Location
from geo.actors.validation import validate_collection
from geo.communes import find_commune
from geo.io.dataset import dumps_actors, write_actors
from geo.text import slugify

CNFS_SOURCE = "anct-cartographie-nationale/client-application"
CNFS_NOTE = (
    "Horaires relevés en {year} : permanences d’un conseiller numérique France services, "
    "à confirmer avant d’y aller."
)
CNFS_FREE = "conditions_access Gratuit"
"""What the digital-mediation source says of fees, kept in the row's notes."""
DATE_OF_CITED_FILE = {
    "github:gip-inclusion/les-emplois@9f6453a4bf99546abf9e381802151b430e03ad7f:itou/prescribers/"
    "management/commands/data/authorized_prescribers.csv": "2019-10-15",
}
"""An actor carries the date of the file its ``source`` cites (the commit that added it, per
data/SOURCES.md), not that of the fixture its coordinates come from."""
APPOINTMENTS_NOTE = "Prise de rendez-vous : oui (liste France services de l’ANCT du 1er août 2024)."
CORRECTIONS: dict[str, dict[str, object]] = {
    "Mission locale (Épinay-sur-Seine) - MIIJ antenne": {"nom": "Mission locale (Épinay-sur-Seine)"},
    "REGIE QUATRE VINGT TREIZE": {"site_web": ""},
    "REGIE DE PROXIMITE DE VILLETANEUSE": {"code_postal": ""},
    "France services Centre Social et Culturel Anne Frank": {
        "modes_mobilisation": (),
        "mobilisable_par": (),
        "description": APPOINTMENTS_NOTE,
    },
}
"""Values of the compilation that go beyond their source: « MIIJ antenne » was read from a website
(the source says « MISSION LOCALE »); the Romainville website of a Bagnolet régie is dropped, as the
les-emplois importer itself drops it; the Régie de proximité de Villetaneuse's postcode was inferred
from its name (its row says so); the France services Anne Frank takes appointments (``prise_rdv``:
« Oui »), so « y aller sans rendez-vous » is not said of it. Ids stay those of the compiled names, so
that history holds."""
POLE_EMPLOI_NOTE = "Agence de Pôle emploi, devenu France Travail le 1er janvier 2024."
NETWORKS_NAMED_BY_THE_ACTOR = {"Simplon.co (école numérique inclusive)": ("simplon",)}
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_COORDS_REFERENCE = re.compile(r"COORDS: (\S+)")
_SOURCE_SCORE = re.compile(r"geocoding_score (\d\.\d+)")
_SIRET = re.compile(r"SIRET\)? (\d{14})")
"""« SIRET 47994581800033 » or « pivot (SIRET) 26930003400015 » in a row's notes, copied from its source."""


def main(csv_path: str, out_path: str) -> int:
    actors, skipped = [], []
    with open(csv_path, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            actor = transcribe(row)
            (actors if actor else skipped).append(actor or row["name"])
    problems = validate_collection(json.loads(dumps_actors(actors)))
    for problem in problems:
        print(f"problème : {problem}", file=sys.stderr)
    if problems:
        return 1
    write_actors(out_path, actors)
    print(f"{len(actors)} acteurs écrits dans {out_path}")
    for name in skipped:
        print(f"écarté (aucune date de source) : {name}")
    return 0


def transcribe(row: dict[str, str]) -> Actor | None:
    """The actor a CSV row describes, or None when the row has no date to carry."""
    date = _DATE.search(DATE_OF_CITED_FILE.get(row["source"]) or row["date_source"] or "")
    if date is None:
        return None
    corrected = CORRECTIONS.get(row["name"], {})
    kind = KINDS[row["kind"]]
    commune = find_commune(row["commune"])
    adresse, _, complement = (row["address"] or "").partition(", ")
    location = _location(row)
    reseaux = kind.reseaux_porteurs + NETWORKS_NAMED_BY_THE_ACTOR.get(row["name"], ())
    description = ""
    frais = kind.frais
    digital_desk = CNFS_SOURCE in row["source"]
    if digital_desk:
        reseaux += ("conseillers-numeriques",)
        description = CNFS_NOTE.format(year=date.group(0)[:4])
        frais = "gratuit" if CNFS_FREE in row["notes"] else frais
    elif row["kind"] == "france_travail_agence":
        description = POLE_EMPLOI_NOTE
    zone: tuple[str, ...] = ()
    if digital_desk:
        pass  # a digital-help desk: the residence rule of its host (a CCAS) is not its own
    elif kind.zone == "commune" and commune:
        zone = (commune.code_insee,)
    elif kind.zone == "departement" and commune:
        zone = (commune.departement,)
    description = str(corrected.get("description", description))
    return Actor(
        id=slugify(row["name"]),
        nom=str(corrected.get("nom", row["name"])),
        kind=kind.slug,
        source=row["source"],
        date_source=date.group(0),
        statut="a_verifier",  # no source says an actor is active: a manager's verification will
        description=description,
        siret=siret.group(1) if (siret := _SIRET.search(row["notes"])) else "",
        reseaux_porteurs=tuple(dict.fromkeys(reseaux)),
        adresse=adresse,
        complement_adresse=complement,
        code_postal=str(corrected.get("code_postal", row["postcode"])),
        code_insee=commune.code_insee if commune else "",
        commune=row["commune"],
        location=location,
        thematiques=kind.thematiques,
        publics=kind.publics,
        zone_eligibilite=zone,
        age_min=kind.age_min,
        age_max=kind.age_max,
        modes_mobilisation=tuple(corrected.get("modes_mobilisation", kind.modes_mobilisation)),  # type: ignore[call-overload]
        mobilisable_par=tuple(corrected.get("mobilisable_par", kind.mobilisable_par)),  # type: ignore[call-overload]
        frais=frais,
        horaires_accueil=row["horaires"],
        telephone=_e164(row["phone"]),
        site_web=str(corrected.get("site_web", row["website"])),
    )


def _location(row: dict[str, str]) -> Location | None:
    if not (row["lat"] and row["lon"]):
        return None
    reference = _COORDS_REFERENCE.search(row["notes"])
    score = _SOURCE_SCORE.search(row["notes"])
    return Location(
        lon=float(row["lon"]),
        lat=float(row["lat"]),
        source="source",
        reference=reference.group(1) if reference else row["source"].split(" ; ")[0],
        score=float(score.group(1)) if score else None,
    )


def _e164(phone: str) -> str:
    """The number in E.164; none for a mobile, which is a person's (data/SOURCES.md: left out)."""
    if not phone:
        return ""
    number = phonenumbers.parse(phone, "FR")
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
