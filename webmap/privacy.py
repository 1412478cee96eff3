"""Residents stay anonymous: no log keeps a query string or a Referer (addresses, positions, ages).

A results URL carries the resident's address, position and age in its query string, and the page a
volunteer opens next receives that URL as its Referer. Whatever server runs the app, these never reach
a log line:

- the development server (werkzeug) and outgoing HTTP clients (httpx) log with positional arguments;
- gunicorn's access log formats a dict of "atoms" (request line, query, headers, environ);

``DropQueryStrings`` cleans both kinds of log record, and the app installs it on those loggers;
``private_atoms`` cleans gunicorn's atoms at the source, through the logger class that the project's
``gunicorn.conf.py`` names, so it holds even where a logging configuration replaces the filters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

_QUERY = re.compile(r"\?[^ \"]*")
HIDDEN = "?…"
_DROPPED_ATOMS = frozenset({"q", "f", "{referer}i", "{http_referer}e", "{query_string}e"})
"""gunicorn atoms that are nothing but a query string or a Referer."""
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "httpx")


def strip_query(text: str) -> str:
    """« GET /?adresse=12+rue+… HTTP/1.1 » → « GET /?… HTTP/1.1 »."""
    return _QUERY.sub(HIDDEN, text)


def private_atoms(atoms: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """gunicorn's log atoms with no query string, no Referer, and no object that could print a URL."""
    for key, value in list(atoms.items()):
        if key.lower() in _DROPPED_ATOMS:
            atoms[key] = "-"
        elif isinstance(value, str):
            atoms[key] = strip_query(value)
        elif not isinstance(value, (int, float)) and value is not None:
            atoms[key] = "-"  # environ objects (werkzeug.request…) print their URL
    return atoms


class DropQueryStrings(logging.Filter):
    """Cleans a log record's message and arguments, positional or named (gunicorn's atoms)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, MutableMapping):
            record.args = private_atoms(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(_private_argument(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = strip_query(record.msg)
        return True


def _private_argument(value: Any) -> Any:
    if isinstance(value, (int, float)) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)  # httpx logs URL objects
    return strip_query(text) if "?" in text else value


def configure_private_logs() -> None:
    """Install the filter on every logger that writes request lines or outgoing URLs."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
            logger.addFilter(DropQueryStrings())
