"""The quartiers prioritaires de la politique de la ville (QPV 2024): which one holds a point.

Their outlines are the ANCT's (data.gouv.fr, Licence Ouverte), brought by ``carto data sync`` for the
communes served (``geo.io.sync.sync_qpv``) into the instance folder; nothing is shipped. A resident
who lives in one belongs to data·inclusion's public ``residents-qpv-frr`` (the profile's chip
« habite un quartier prioritaire »).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

LIST_2024 = Path(__file__).with_name("data") / "qpv-2024-liste-93.csv"
"""The ANCT's list of the 2024 quarters of Seine-Saint-Denis, by commune (codes only are read):
what a sync is checked against (data/SOURCES.md)."""

if TYPE_CHECKING:
    from shapely import STRtree
    from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class Qpv:
    code: str
    """The 2024 code, « QN09318M »."""
    nom: str


class QpvOutlines:
    """The synced outlines, searchable by point."""

    def __init__(self, features: list[dict[str, Any]], source: str = "", date: str = ""):
        import shapely
        from shapely.geometry import shape

        self.source, self.date = source, date
        self.quarters = [Qpv(str(f["properties"]["code"]), str(f["properties"]["nom"])) for f in features]
        self.shapes: list[BaseGeometry] = [shape(f["geometry"]) for f in features]
        for outline in self.shapes:
            shapely.prepare(outline)
        self._tree: STRtree = shapely.STRtree(self.shapes)

    @classmethod
    def from_file(cls, path: Path) -> QpvOutlines:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["features"], str(data.get("source") or ""), str(data.get("date") or ""))

    def at(self, lon: float, lat: float) -> Qpv | None:
        """The QPV holding the point (lon, lat), or None."""
        import shapely

        point = shapely.Point(lon, lat)
        for position in self._tree.query(point, predicate="intersects"):
            return self.quarters[int(position)]
        return None

    def __len__(self) -> int:
        return len(self.quarters)


def listed_quarters(communes: Iterable[str]) -> dict[str, set[str]]:
    """The 2024 quarters the ANCT lists for each of ``communes`` it covers (Seine-Saint-Denis)."""
    import csv

    wanted = set(communes)
    with LIST_2024.open(encoding="utf-8", newline="") as rows:
        return {
            row["insee_com"]: {code.strip() for code in row["code_qp"].split(",") if code.strip()}
            for row in csv.DictReader(rows)
            if row["insee_com"] in wanted
        }


def unlike_the_list(features: Iterable[dict[str, Any]], communes: Iterable[str]) -> list[str]:
    """Where synced quarters differ from the ANCT's list, commune by commune, in a manager's words
    (empty when they agree, or for communes the list does not cover)."""
    synced: dict[str, set[str]] = {}
    for feature in features:
        for commune in feature["properties"]["communes"]:
            synced.setdefault(commune, set()).add(feature["properties"]["code"])
    said = []
    for commune, listed in sorted(listed_quarters(communes).items()):
        got = synced.get(commune, set())
        if got - listed:
            said.append(f"{commune} : {', '.join(sorted(got - listed))} absent(s) de la liste 2024 de l’ANCT")
        if listed - got:
            said.append(
                f"{commune} : {', '.join(sorted(listed - got))} de la liste 2024 absent(s) du fichier"
            )
    return said
