"""Grouping BAN addresses by street: the shape both our index and Addok's import need."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from geo.geocoding.ban_file import BanAddress
from geo.text import fold


@dataclass
class StreetGroup:
    """A street of one commune with all its addresses. Its point is the street's own address
    nearest to the centroid of them all: a real BAN position on that street."""

    name: str
    citycode: str
    city: str
    addresses: list[BanAddress] = field(default_factory=list)

    @property
    def postcode(self) -> str:
        return Counter(a.code_postal for a in self.addresses).most_common(1)[0][0]

    @property
    def representative(self) -> BanAddress:
        coords = np.array([(a.lon, a.lat) for a in self.addresses])
        nearest = int(((coords - coords.mean(axis=0)) ** 2).sum(axis=1).argmin())
        return self.addresses[nearest]

    @property
    def ban_id(self) -> str:
        return "_".join(self.representative.id.split("_")[:2])


def group_by_street(addresses: Iterable[BanAddress]) -> list[StreetGroup]:
    """Streets in first-seen order; two spellings of one name in one commune are one street."""
    streets: dict[tuple[str, str], StreetGroup] = {}
    for address in addresses:
        key = (address.code_insee, fold(address.nom_voie))
        street = streets.get(key)
        if street is None:
            street = streets[key] = StreetGroup(address.nom_voie, address.code_insee, address.nom_commune)
        street.addresses.append(address)
    return list(streets.values())
