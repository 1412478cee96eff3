"""The resident's profile in the volunteer's words: a few chips, each mapped to data·inclusion's
publics (and, for the age, to an age band), which rank and explain the results and never filter them.

The finer data·inclusion publics stay available, folded under « Plus de critères ».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from geo.search.eligibility import YOUTH_AGE_LIMIT

WORKING_AGE = 16
"""The youngest resident a search is for: work is barred under 16 (Code du travail, art. L4153-1) and
instruction compulsory until then (Code de l’éducation, art. L131-1)."""


@dataclass(frozen=True)
class Trait:
    """A chip of the profile: what the volunteer ticks, and what it says in data·inclusion's terms."""

    slug: str
    label: str
    publics: tuple[str, ...] = ()
    """data·inclusion publics the resident belongs to."""
    ages: tuple[int, int] | None = None
    """The age band it says, both ends included, when the volunteer gives no age."""


QPV_TRAIT = "qpv"
"""The chip an address in a quartier prioritaire ticks for the volunteer (``geo.search.service``)."""
TRAITS: Mapping[str, Trait] = MappingProxyType(
    {
        trait.slug: trait
        for trait in (
            # « jeunes » follows from the band (Resident.all_publics), and only when no age is given
            Trait("moins-de-26-ans", "moins de 26 ans", ages=(WORKING_AGE, YOUTH_AGE_LIMIT)),
            Trait("rsa", "au RSA", ("beneficiaires-des-minimas-sociaux",)),
            # the RSA is a minimum social benefit (Code de l’action sociale et des familles, art. L262-1)
            Trait("rqth", "reconnu handicapé (RQTH)", ("personnes-en-situation-de-handicap",)),
            Trait(QPV_TRAIT, "habite un quartier prioritaire", ("residents-qpv-frr",)),
        )
    }
)
"""The chips, in the order shown. « Sans diplôme » and « ne parle pas bien français » are not among
them: data·inclusion v1 has no public for either and no actor of ours states a rule about them, so such
a chip would change nothing (French lessons are a need: « Apprendre le français »)."""


def publics_of(traits: Iterable[str]) -> tuple[str, ...]:
    """The data·inclusion publics the ticked chips say, once each."""
    return tuple(dict.fromkeys(p for slug in traits for p in TRAITS[slug].publics))


def ages_of(traits: Iterable[str]) -> tuple[int, int] | None:
    """The narrowest age band the ticked chips say, if any."""
    bands = [band for band in (TRAITS[slug].ages for slug in traits) if band is not None]
    if not bands:
        return None
    return max(band[0] for band in bands), min(band[1] for band in bands)
