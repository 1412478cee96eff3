"""BAN addresses as Addok import documents (one JSON line per street, house numbers inside)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geo.geocoding.ban_file import BanAddress, communes_filter, read_ban
from geo.geocoding.streets import group_by_street


def addok_documents(addresses: Iterable[BanAddress]) -> Iterator[dict[str, Any]]:
    """Street documents in the shape ``addok batch`` indexes (fields of addok-france's config)."""
    for street in group_by_street(addresses):
        point = street.representative
        housenumbers = {}
        for address in street.addresses:
            key = f"{address.numero} {address.rep}".strip()
            housenumbers[key] = {
                "lon": address.lon,
                "lat": address.lat,
                "id": address.id,
                "postcode": address.code_postal,
            }
        yield {
            "id": street.ban_id,
            "type": "street",
            "name": street.name,
            "postcode": street.postcode,
            "citycode": street.citycode,
            "city": street.city,
            "lon": point.lon,
            "lat": point.lat,
            "importance": 0.5,
            "housenumbers": housenumbers,
        }


def write_addok_documents(ban_files: Iterable[Path], communes: Iterable[str], target: Path) -> int:
    """Write the Addok import file for the BAN files' addresses in ``communes``; returns streets."""
    keep = communes_filter(communes)
    count = 0
    with open(target, "w", encoding="utf-8") as stream:
        addresses = (a for path in ban_files for a in read_ban(Path(path), keep))
        for document in addok_documents(addresses):
            stream.write(json.dumps(document, ensure_ascii=False) + "\n")
            count += 1
    return count
