"""Synthetic BAN-format address files, for tests and benchmarks only.

Street names follow common French patterns; positions are made up inside each commune's bounding box.
Every row says so: ``source_position`` and ``source_nom_voie`` are ``synthetique``, and files written
here are named ``…synthetique…``. Never use them as data about real places.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from geo.communes import COMMUNES, TARGET_COMMUNES, Commune
from geo.geocoding.ban_file import BanAddress

BAN_COLUMNS = (
    "id",
    "id_fantoir",
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "code_insee_ancienne_commune",
    "nom_ancienne_commune",
    "x",
    "y",
    "lon",
    "lat",
    "type_position",
    "alias",
    "nom_ld",
    "libelle_acheminement",
    "nom_afnor",
    "source_position",
    "source_nom_voie",
    "certification_commune",
    "cad_parcelles",
)
STREET_TYPES = (
    "Rue",
    "Avenue",
    "Boulevard",
    "Allée",
    "Impasse",
    "Place",
    "Chemin",
    "Square",
    "Passage",
    "Villa",
    "Sentier",
    "Cité",
    "Quai",
    "Route",
    "Sente",
    "Cours",
)
NAMES = (
    "de la République",
    "Jean Jaurès",
    "Victor Hugo",
    "Pasteur",
    "de Paris",
    "Gabriel Péri",
    "Émile Zola",
    "du Général de Gaulle",
    "des Écoles",
    "de la Paix",
    "Voltaire",
    "Jean Moulin",
    "Anatole France",
    "Paul Vaillant-Couturier",
    "de la Liberté",
    "Henri Barbusse",
    "des Lilas",
    "du Maréchal Foch",
    "Carnot",
    "de Stalingrad",
    "Danton",
    "Parmentier",
    "des Roses",
    "Marcel Cachin",
    "Lénine",
    "Salvador Allende",
    "Pablo Picasso",
    "Louise Michel",
    "Jules Ferry",
    "de la Gare",
    "du Moulin",
    "des Peupliers",
    "de l'Église",
    "du Château",
    "de la Mairie",
    "Édouard Vaillant",
    "Robespierre",
    "Maximilien",
    "Saint-Just",
    "des Prés",
    "des Vignes",
    "Condorcet",
    "Diderot",
    "Molière",
    "Racine",
    "Lamartine",
    "Rabelais",
    "Jean Macé",
    "Danielle Casanova",
    "Marie Curie",
    "Pierre Brossolette",
    "Charles Delescluze",
    "Kléber",
    "de Rosny",
    "de Vincennes",
    "de Romainville",
    "des Fédérés",
    "du Progrès",
    "de l'Industrie",
    "Eugène Varlin",
    "Auguste Blanqui",
    "Étienne Dolet",
    "des Sorins",
    "des Blancs Vilains",
    "du 8 Mai 1945",
    "du 11 Novembre 1918",
    "Saint-Antoine",
    "Sainte-Marguerite",
    "de Montreuil",
    "Galliéni",
    "Lafayette",
    "Hoche",
    "Marceau",
    "Desaix",
    "Condé",
    "Colbert",
    "Gambetta",
)


def generate(
    streets_per_commune: int,
    numbers_per_street: int,
    seed: int = 93,
    communes: Sequence[str] = TARGET_COMMUNES,
) -> list[BanAddress]:
    """Addresses on ``streets_per_commune`` streets of each commune, deterministic for a seed.

    Their ``id`` is left empty: ``write_ban_csv`` numbers them the way BAN does.
    """
    rng = random.Random(seed)
    addresses: list[BanAddress] = []
    for code in communes:
        commune = COMMUNES[code]
        names = [f"{kind} {name}" for kind in STREET_TYPES for name in NAMES]
        rng.shuffle(names)
        for name in names[:streets_per_commune]:
            addresses.extend(street_addresses(rng, commune, name, numbers_per_street))
    return addresses


def street_addresses(rng: random.Random, commune: Commune, name: str, count: int) -> Iterator[BanAddress]:
    """About ``count`` numbers (some with bis/ter) along one made-up street of ``commune``."""
    lon_min, lat_min, lon_max, lat_max = commune.bbox
    lon0, lat0 = rng.uniform(lon_min, lon_max), rng.uniform(lat_min, lat_max)
    angle = rng.uniform(0, math.pi)
    step = 1.2e-4  # about 9 m between consecutive numbers on one side
    total = max(1, int(count * rng.uniform(0.5, 1.5)))
    for numero in range(1, total + 1):
        along = (numero // 2) * step
        side = 1.5e-4 if numero % 2 else -1.5e-4
        lon = lon0 + along * math.cos(angle) - side * math.sin(angle)
        lat = lat0 + along * math.sin(angle) * 0.66 + side * math.cos(angle) * 0.66
        yield BanAddress(
            "",
            numero,
            "",
            name,
            commune.codes_postaux[0],
            commune.code_insee,
            commune.nom,
            round(lon, 6),
            round(lat, 6),
        )
        roll = rng.random()
        if roll < 0.05:
            yield BanAddress(
                "",
                numero,
                "bis",
                name,
                commune.codes_postaux[0],
                commune.code_insee,
                commune.nom,
                round(lon + 2e-5, 6),
                round(lat + 1e-5, 6),
            )
        elif roll < 0.06:
            yield BanAddress(
                "",
                numero,
                "ter",
                name,
                commune.codes_postaux[0],
                commune.code_insee,
                commune.nom,
                round(lon + 3e-5, 6),
                round(lat + 2e-5, 6),
            )


def write_ban_csv(path: Path, addresses: Sequence[BanAddress]) -> Path:
    """Write ``addresses`` in the official BAN CSV layout (``;``-separated, BAN column order)."""
    street_codes: dict[tuple[str, str], int] = {}
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(BAN_COLUMNS)
        for a in addresses:
            street = street_codes.setdefault((a.code_insee, a.nom_voie), len(street_codes) + 1)
            street_id = f"{a.code_insee}_{street:05d}"
            address_id = a.id or f"{street_id}_{a.numero:05d}" + (f"_{a.rep}" if a.rep else "")
            writer.writerow(
                [
                    address_id,
                    "",
                    a.numero,
                    a.rep,
                    a.nom_voie,
                    a.code_postal,
                    a.code_insee,
                    a.nom_commune,
                    "",
                    "",
                    "",
                    "",
                    a.lon,
                    a.lat,
                    "entrée",
                    "",
                    "",
                    a.nom_commune.upper(),
                    a.nom_voie.upper(),
                    "synthetique",
                    "synthetique",
                    "",
                    "",
                ]
            )
    return path
