"""Residents stay anonymous: request logs never keep a query string (addresses, positions, ages)."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^ \"]*")


class DropQueryStrings(logging.Filter):
    """Rewrites « GET /?adresse=12+rue+… HTTP/1.1 » as « GET /?… HTTP/1.1 » in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?…", record.msg)
        return True


def configure_private_logs() -> None:
    """The development server and gunicorn log request lines; strip their query strings."""
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
            logger.addFilter(DropQueryStrings())
