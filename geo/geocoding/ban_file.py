"""Reading the official BAN address files (``adresses-XX.csv[.gz]``, ``;``-separated)."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

REQUIRED_COLUMNS = (
    "id",
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "lon",
    "lat",
)


class BanFileError(ValueError):
    """The file is not a BAN address file we can read."""


@dataclass(frozen=True)
class BanAddress:
    id: str
    numero: int
    rep: str
    nom_voie: str
    code_postal: str
    code_insee: str
    nom_commune: str
    lon: float
    lat: float


def read_ban(
    path: Path, keep: Callable[[str], bool], progress: Callable[[int], None] | None = None
) -> Iterator[BanAddress]:
    """The addresses of ``path`` whose INSEE code ``keep`` accepts.

    ``progress`` receives the number of (compressed) bytes read since its last call.
    """
    with open(path, "rb") as raw:
        stream = gzip.open(raw) if _is_gzip(raw) else raw
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        reader = csv.DictReader(text, delimiter=";")
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise BanFileError(f"{path.name} : colonnes BAN absentes : {', '.join(missing)}")
        position = 0
        for line, row in enumerate(reader, start=2):
            if progress and line % 2048 == 0:
                now = raw.tell()
                progress(now - position)
                position = now
            if not keep(row["code_insee"]):
                continue
            address = _address(row)
            if address is not None:
                yield address
        if progress:
            progress(raw.tell() - position)


def communes_filter(codes: Iterable[str]) -> Callable[[str], bool]:
    """Accept INSEE codes listed in ``codes``, or whose département (2 or 3 characters) is listed."""
    wanted = set(codes)
    return lambda code: code in wanted or code[:2] in wanted or code[:3] in wanted


def _address(row: dict[str, str]) -> BanAddress | None:
    try:
        numero = int(row["numero"])
        lon, lat = float(row["lon"]), float(row["lat"])
    except (TypeError, ValueError):
        return None
    if not row["nom_voie"] or numero <= 0 or numero >= 99999:
        return None  # 99999 marks a place without number (lieu-dit) in BAN exports.
    return BanAddress(
        row["id"],
        numero,
        (row.get("rep") or "").strip().lower(),
        row["nom_voie"].strip(),
        row["code_postal"],
        row["code_insee"],
        row["nom_commune"],
        lon,
        lat,
    )


def _is_gzip(stream: BinaryIO) -> bool:
    magic = stream.read(2)
    stream.seek(0)
    return bool(magic == b"\x1f\x8b")
