"""Errors become HTTP once, here: JSON under /api, French HTML pages elsewhere.

An error may answer a URL that holds a resident's address or position: no cache keeps it."""

from __future__ import annotations

import sys
import threading

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from geo.geocoding import AddressNotFound, GeocoderUnavailable, InvalidQuery
from geo.io.dataset import InvalidDataset
from geo.store import SchemaNotReady
from webmap.security import private_response

MESSAGES = {
    400: "La demande est incomplète ou mal formée.",
    403: "Cette page ne vous est pas accessible.",
    404: "Cette page n’existe pas.",
    405: "Cette action n’est pas possible ici.",
    413: "Ce que vous envoyez est trop volumineux.",
    414: "Cette adresse de page est trop longue.",
    429: "Trop de tentatives. Attendez une minute avant de réessayer.",
    500: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
    503: "Le service est momentanément indisponible. Réessayez dans un instant.",
}


STORE_USED = "carto_store_used"
"""Set on ``g`` by ``webmap.services.current_store``: this request asked the database."""

SEARCH_ERRORS = (AddressNotFound, GeocoderUnavailable, InvalidQuery)
"""What the core's search raises about the request: shown next to the field on a page, JSON in the API."""

ADDRESS_SERVICE_DOWN = "recherche d’adresse indisponible : utilisez « Ma position » ou touchez la carte"
"""Said once, the same way, whether the suggestions or the search found the address service down."""
_SEARCH_ANSWERS = {
    AddressNotFound: (404, "adresse introuvable : vérifiez-la, ou touchez la carte"),
    GeocoderUnavailable: (503, ADDRESS_SERVICE_DOWN),
}


def search_problem(error: Exception) -> tuple[int, str, str]:
    """(status, parameter, message in French) for one of ``SEARCH_ERRORS``."""
    if isinstance(error, InvalidQuery):
        return 400, error.parameter or _address_parameter(), str(error)
    for kind, (status, message) in _SEARCH_ANSWERS.items():
        if isinstance(error, kind):
            return status, _address_parameter(), message
    raise TypeError(f"not a search error: {error!r}")


def _address_parameter() -> str:
    """The parameter that carried the address in this request."""
    return next((name for name in ("adresse", "address", "q") if name in request.args), "adresse")


class ApiError(Exception):
    """An API answer other than 200, with the problem of each faulty parameter."""

    def __init__(self, status: int, problems: dict[str, str]):
        super().__init__(problems)
        self.status = status
        self.problems = problems


def register_error_handlers(app: Flask) -> None:
    outage = Outage.of(app)

    @app.after_request
    def outage_over(response: Response) -> Response:
        """A request that used the store and did not fail: the database answers again."""
        if outage.down and response.status_code < 500 and g.get(STORE_USED):
            outage.ended()
        return response

    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InvalidDataset, _dataset_error)
    app.register_error_handler(SchemaNotReady, _schema_error)
    app.register_error_handler(InternalServerError, _internal_error)
    for kind in SEARCH_ERRORS:
        app.register_error_handler(kind, _search_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _api_error(error: ApiError) -> Response:
    first = next(iter(error.problems.values()), MESSAGES.get(error.status, ""))
    response = jsonify({"status": error.status, "message": first, "parametres": error.problems})
    response.status_code = error.status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return private_response(response)


def _http_error(error: HTTPException) -> Response:
    """The error in French, keeping the headers the error carries (Retry-After, Allow…)."""
    status = error.code or 500
    message = MESSAGES.get(status, error.description or "")
    if _wants_json():
        response = jsonify({"status": status, "message": message, "parametres": {}})
        response.status_code = status
    else:
        response = make_response(render_template("error.html", status=status, message=message), status)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return private_response(response)


def _search_error(error: Exception) -> Response:
    status, parameter, message = search_problem(error)
    if _wants_json():
        return _api_error(ApiError(status, {parameter: message}))
    response = make_response(render_template("error.html", status=status, message=message), status)
    return private_response(response)


def _schema_error(error: SchemaNotReady) -> Response:
    current_app.logger.error("%s", error)  # for whoever runs the service: what to do
    return _http_error(ServiceUnavailable())


def _internal_error(error: InternalServerError) -> Response:
    """An unexpected error: 500 — but for a database that cannot be reached (or stays locked), 503,
    and what happened for the operator, once per outage (``Outage``)."""
    problem = database_problem(error.original_exception)
    if problem is None:
        return _http_error(error)
    Outage.of(current_app).began(problem)
    return _http_error(ServiceUnavailable())


class Outage:
    """Whether this process last found the database out of reach. The operator reads one line when
    an outage begins and one when it ends, not a traceback per request (a busy service wrote 17 MB of
    them in 30 s); each worker process says it once."""

    def __init__(self, app: Flask):
        self.app, self.down, self.lock = app, False, threading.Lock()

    @classmethod
    def of(cls, app: Flask) -> Outage:
        """The app's one record, made with its error handlers (before any request)."""
        if "carto.outage" not in app.extensions:
            app.extensions["carto.outage"] = cls(app)
        return app.extensions["carto.outage"]

    def began(self, problem: str) -> None:
        with self.lock:
            if not self.down:
                self.down = True
                self.app.logger.error(
                    "base de données injoignable : %s (une ligne par panne, jusqu’au retour)", problem
                )

    def ended(self) -> None:
        with self.lock:
            if self.down:
                self.down = False
                self.app.logger.warning("base de données de nouveau joignable")


def database_problem(error: BaseException | None) -> str | None:
    """For the database's driver failing to reach it, its first line (never the statement or its
    parameters); None for any other error. SQLAlchemy is not imported for this: an app that never
    opened the store cannot have met it."""
    sqlalchemy = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy is None or not isinstance(error, sqlalchemy.OperationalError):
        return None
    return (str(error.orig or error).strip().splitlines() or ["?"])[0]


def _dataset_error(error: InvalidDataset) -> Response:
    return _http_error(ServiceUnavailable())
