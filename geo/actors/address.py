"""An actor's address as a person writes it: « 31 rue Gaston Lauriau » for the source's « 31 Rue
GASTON LAURIAU ». The data keeps the source's text; only what is shown is rewritten, and no letter is
added that the source does not have (an accent lost in capitals stays lost)."""

from __future__ import annotations

import re

from geo.geocoding.normalize import ABBREVIATIONS, STOP_WORDS, STREET_TYPES, SUFFIXES
from geo.text import fold

WRITTEN_TYPES = {"allee": "allée", "cite": "cité", "residence": "résidence"}
"""The street types whose written form has an accent that ``STREET_TYPES`` (folded) drops."""
_GLUED_NUMBER = re.compile(r"^(\d+)([A-Za-zÀ-ÿ]{2,})")
_WORD_PARTS = re.compile(r"([\-’'])")


def readable_street(text: str) -> str:
    """The street line in the usual case: the street type in small letters and in full (« av. » →
    « avenue »), words the source wrote in capitals with a capital initial, particles (de, la…) and
    repetition indexes (bis, ter) in small letters; words already in mixed case are left as written."""
    words = _GLUED_NUMBER.sub(r"\1 \2", text.strip()).split()
    shown: list[str] = []
    type_next = True  # the street type comes first, after the number and its index
    for word in words:
        folded = fold(word.rstrip("."))
        street_type = ABBREVIATIONS.get(folded, folded)
        if word[:1].isdigit() or folded in SUFFIXES and shown and shown[-1][:1].isdigit():
            shown.append(word.lower())
            continue
        if type_next and street_type in STREET_TYPES:
            shown.append(WRITTEN_TYPES.get(street_type, street_type))
        elif not word.isupper():
            shown.append(word)
        elif folded in STOP_WORDS:
            shown.append(word.lower())
        else:
            shown.append("".join(_capitalised(part) for part in _WORD_PARTS.split(word)))
        type_next = False
    return " ".join(shown)


def _capitalised(part: str) -> str:
    if fold(part) in {"d", "l"}:  # « D’ESTIENNE » → « d’Estienne »
        return part.lower()
    return part[:1].upper() + part[1:].lower()
