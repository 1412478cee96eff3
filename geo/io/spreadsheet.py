"""CSV cells a spreadsheet opens as text, never as a formula: one rule for every CSV the service writes.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel and LibreOffice (« CSV injection »: ``=HYPERLINK("http://…", "clic")`` in a manager's sheet).
Such a cell is written with a leading apostrophe, which spreadsheets read as « this is text », and read
back without it. A plain number (« +33148693670 », « -1,5 ») is no formula and stays as it is, so phone
numbers in E.164 keep their form.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-][0-9][0-9 .,]*")


def inert(cell: Any) -> Any:
    """``cell`` as a CSV writer should write it: a text a spreadsheet would run is kept as text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def revived(cell: str) -> str:
    """A cell read back from a CSV this service wrote: ``inert``'s apostrophe removed."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
