"""What the production server needs from us: gunicorn's logger, with residents kept out of its logs."""

from __future__ import annotations

from gunicorn.glogging import Logger

from webmap.privacy import private_atoms


class PrivateLogger(Logger):
    """gunicorn's logger whose access-log atoms never hold a query string or a Referer."""

    def atoms(self, resp, req, environ, request_time):
        return private_atoms(super().atoms(resp, req, environ, request_time))
