"""Small text helpers shared by the core: accent folding, slugs, phrases to translate."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used to compare names typed by people."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_SEPARATORS.split(ascii_only)).strip()


def slugify(text: str) -> str:
    """A stable URL-safe identifier: « Mission locale (Épinay) » → ``mission-locale-epinay``."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


def translatable(text: str) -> str:
    """Marks a French phrase for the web's translation catalogs (``gettext_noop``): returned as it is;
    the pages translate it when they show it (``webmap/translations``)."""
    return text
