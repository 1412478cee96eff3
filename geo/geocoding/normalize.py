"""Turning what a person types into comparable address parts.

« 12bis, bd de la Republique - appartement 4, 93100 MONTREUIL » becomes house number 12, suffix
``bis``, street ``boulevard de la republique``, postcode 93100, and the free words left for the commune.
Everything is accent-free lower case; abbreviations are expanded; noise (flat, floor, building…) is
dropped. Never raises, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
"""Longer input is cut: no real address is that long, and it bounds the work per query."""

ABBREVIATIONS: dict[str, str] = {
    "all": "allee",
    "av": "avenue",
    "ave": "avenue",
    "avn": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "bvd": "boulevard",
    "boul": "boulevard",
    "bl": "boulevard",
    "ch": "chemin",
    "chem": "chemin",
    "cit": "cite",
    "crs": "cours",
    "fg": "faubourg",
    "fbg": "faubourg",
    "gal": "general",
    "imp": "impasse",
    "lot": "lotissement",
    "mal": "marechal",
    "pass": "passage",
    "pdt": "president",
    "pl": "place",
    "prom": "promenade",
    "pte": "porte",
    "qu": "quai",
    "qua": "quai",
    "r": "rue",
    "res": "residence",
    "rpt": "rond point",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "sen": "sentier",
    "sent": "sentier",
    "vla": "villa",
    "prof": "professeur",
    "dr": "docteur",
    "cdt": "commandant",
}
"""Abbreviations people and La Poste use (norme AFNOR NF Z 10-011 and common practice)."""

STREET_TYPES = frozenset(
    {
        "allee",
        "avenue",
        "boulevard",
        "chemin",
        "cite",
        "cours",
        "faubourg",
        "impasse",
        "lotissement",
        "passage",
        "place",
        "promenade",
        "quai",
        "residence",
        "route",
        "rue",
        "sentier",
        "square",
        "villa",
        "voie",
        "hameau",
        "parvis",
        "esplanade",
        "mail",
        "rond",
        "point",
        "sente",
        "ruelle",
        "clos",
        "carrefour",
        "galerie",
        "jardin",
        "parc",
        "pont",
    }
)
MONTHS = frozenset(
    {
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    }
)
STOP_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "et"})

SUFFIXES: dict[str, str] = {
    "bis": "bis",
    "b": "bis",
    "ter": "ter",
    "t": "ter",
    "quater": "quater",
    "q": "quater",
    "quinquies": "quinquies",
    "c": "c",
    "d": "d",
    "e": "e",
    "f": "f",
    "a": "a",
}
"""Repetition index after a house number, as written → as BAN writes it (``rep``)."""

NOISE = re.compile(
    r"\b(?:appartement|appart|appt|apt|app|logement|log|batiment|bat|bt|escalier|esc|"
    r"etage|etg|porte|boite|bal|interphone|code|digicode|chambre|ch\s?n|box)\b\s*"
    r"(?:n\s*)?[a-z]?\d*[a-z]?\b"
    r"|\b\d+\s*(?:e|er|eme|ieme)\s+etage\b"
    r"|\b(?:rez de chaussee|rdc|cedex\s*\d*|france|chez\s+\S+)\b"
)
_PUNCTUATION = re.compile(r"[^\w]+|_")
NUMBER_WITH_SUFFIX = re.compile(r"^(\d{1,4})(bis|ter|quater|quinquies|[a-f]|t|q)?$")
_POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of a typed address; ``words`` are what is left for the street and the commune."""

    housenumber: int | None
    suffix: str | None
    postcode: str | None
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def normalize(text: str) -> str:
    """Accent-free lower case, punctuation as spaces, abbreviations expanded, noise removed."""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_QUERY_LENGTH * 2]
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    folded = "".join(ch if ch.isascii() and ch.isprintable() else " " for ch in folded)
    spaced = _PUNCTUATION.sub(" ", folded)
    spaced = NOISE.sub(" ", spaced)
    words = [ABBREVIATIONS.get(word, word) for word in spaced.split()]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def parse(text: str) -> ParsedAddress:
    """Split a typed address into house number, suffix, postcode and the remaining words.

    A number right after a comma starts an address (« Résidence du Parc, 6 allée … »), even after a
    word that would make it part of a street's name."""
    words = normalize(text).split()
    starts, count = set(), 0
    for part in text[: MAX_QUERY_LENGTH * 2].split(","):  # where each comma's part begins
        if count >= len(words):
            break
        starts.add(count)
        count += len(normalize(part).split())
    housenumber = suffix = postcode = None
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if postcode is None and _POSTCODE.match(word):
            postcode = word
        elif (
            housenumber is None
            and (match := NUMBER_WITH_SUFFIX.match(word))
            and (index in starts or not rest_is_street_name(rest))
        ):
            housenumber = int(match.group(1))
            suffix = SUFFIXES.get(match.group(2) or "")
            nxt = words[index + 1] if index + 1 < len(words) else ""
            if suffix is None and nxt in SUFFIXES and _suffix_follows(words, index + 1):
                suffix = SUFFIXES[nxt]
                index += 1
        else:
            rest.append(word)
        index += 1
    return ParsedAddress(housenumber, suffix, postcode, tuple(rest))


def rest_is_street_name(rest: list[str]) -> bool:
    """A number right after a street type or a month belongs to the name (« rue du 8 mai 1945 »)."""
    return bool(rest) and (rest[-1] in STREET_TYPES or rest[-1] in STOP_WORDS or rest[-1] in MONTHS)


def _suffix_follows(words: list[str], position: int) -> bool:
    """« 12 b rue … » is 12 bis; « 12 a » at the end of the query is not a suffix but noise."""
    word = words[position]
    if len(word) > 1:
        return True
    return position + 1 < len(words) and words[position + 1] in STREET_TYPES


def core_words(words: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Street words without type and stop words: what distinguishes « rue de la Paix »."""
    return tuple(w for w in words if w not in STREET_TYPES and w not in STOP_WORDS)
