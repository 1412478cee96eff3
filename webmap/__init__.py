"""carto-insertion web service: the Flask shell around the ``geo`` core."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from webmap import settings
from webmap.privacy import configure_private_logs


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, whatever the number of apps it makes (a test suite makes
    hundreds): Jinja checks each template's source against what it compiled."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


class CartoApp(Flask):
    """Flask, but a database out of reach is no traceback per request: ``webmap.errors`` says it once
    per outage; templates are compiled once per process."""

    jinja_options = {**Flask.jinja_options, "bytecode_cache": _CompiledTemplates()}

    def log_exception(self, exc_info) -> None:
        from webmap.errors import database_problem

        if database_problem(exc_info[1]) is None:
            super().log_exception(exc_info)


def create_app(test_config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``CARTO_*``, then ``test_config``.

    Without ``web``, the app a command runs on: settings, services and commands, but no pages, static
    files, translations nor request limits — what a command does not need, it does not import.
    """
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        settings.BY_NAME["INSTANCE_PATH"].env, settings.BY_NAME["INSTANCE_PATH"].default
    )
    app = CartoApp(__name__, instance_path=str(Path(instance_path).resolve()), instance_relative_config=True)
    configure_settings(app, test_config)
    configure_services(app)
    configure_private_logs()
    configure_cli(app)
    if web:
        configure_proxy(app)
        configure_limits(app)
        configure_static_files(app)
        configure_translations(app)
        configure_blueprints(app)
    return app


def configure_services(app: Flask) -> None:
    """The core's collaborators, made from the settings once for this app (``webmap.services``)."""
    from webmap.services import install

    install(app)


def configure_settings(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(settings.defaults())
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["INSTANCE_PATH"] = app.instance_path
    _check_communes(app.config)
    _check_nearest_index(app.config)
    _private_folder(Path(app.instance_path))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _check_communes(config) -> None:
    """The communes served are INSEE codes. Those the core does not ship are known from the outlines
    ``carto data sync`` wrote in the instance folder; until then, the pages leave them out
    (``served_communes``). The BAN index follows them unless told."""
    from geo.communes import is_insee_code, register_synced
    from geo.io.sync import CONTOURS_FILENAME

    malformed = [code for code in config["COMMUNES"] if not is_insee_code(code)]
    if malformed or not config["COMMUNES"]:
        raise settings.ConfigurationError(
            f"CARTO_COMMUNES : code INSEE attendu, pas : {', '.join(malformed) or '(aucune commune)'}"
        )
    synced = Path(config["INSTANCE_PATH"]) / "contours" / CONTOURS_FILENAME
    try:
        register_synced(synced)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as error:  # the service still runs on what it ships
        logging.getLogger(__name__).warning(
            "contours des communes illisibles (%s) : relancez « carto data sync »", error
        )
    config["COMMUNES"] = tuple(config["COMMUNES"])
    if not config["BAN_COMMUNES"]:
        config["BAN_COMMUNES"] = config["COMMUNES"]


def _check_nearest_index(config: Mapping[str, Any]) -> None:
    """The index named can serve the store configured (PostGIS's needs PostgreSQL), said at start."""
    from geo.search.indexes import UnknownIndex, check_index_url

    try:
        check_index_url(config["NEAREST_INDEX"], config["DATABASE_URL"])
    except UnknownIndex as error:
        raise settings.ConfigurationError(f"CARTO_NEAREST_INDEX et CARTO_DATABASE_URL : {error}") from None


def configure_proxy(app: Flask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-* headers (client address, https) — only then."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore


def configure_limits(app: Flask) -> None:
    """Request bodies are small (413 beyond), but for the back office's file import."""
    from flask import abort, request

    from webmap.gestion.views import MAX_IMPORT_BYTES

    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]

    @app.before_request
    def larger_body_for_imports() -> None:  # before CSRFProtect, which reads the form
        if request.endpoint == "curation.import_file":
            request.max_content_length = MAX_IMPORT_BYTES + 64 * 1024

    @app.before_request
    def chunked_body_within_the_limit() -> None:
        """A body sent without Content-Length (chunked) is cut at the limit by the server's stream,
        silently: read it here, and a body that reaches the limit is a 413, as a declared one is."""
        limit = request.max_content_length
        if (
            request.content_length is None
            and limit is not None
            and "chunked" in (request.headers.get("Transfer-Encoding", "").lower())
        ):
            if len(request.get_data(cache=True)) >= limit:
                abort(413)


def configure_static_files(app: Flask) -> None:
    from webmap.assets import register_static_files

    register_static_files(app)


def configure_translations(app: Flask) -> None:
    from webmap.i18n import register_translations

    register_translations(app)


def configure_blueprints(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    from webmap.api.campaigns import blueprint as api_campaigns
    from webmap.api.read import blueprint as api
    from webmap.api.write import blueprint as api_write
    from webmap.assets import blueprint as vendor
    from webmap.auth.views import blueprint as auth
    from webmap.embed.oembed import blueprint as oembed
    from webmap.embed.views import blueprint as embed
    from webmap.errors import register_error_handlers
    from webmap.gestion import call_sheet  # noqa: F401 - its routes are the curation blueprint's
    from webmap.gestion.campaigns import blueprint as campaigns
    from webmap.gestion.views import blueprint as curation
    from webmap.security import register_security_headers
    from webmap.volunteer.encounter import blueprint as encounter
    from webmap.volunteer.offline import blueprint as offline
    from webmap.volunteer.views import blueprint as volunteer

    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SECURE_COOKIES"],
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    csrf = CSRFProtect(app)
    csrf.exempt(api_write)  # checked there: CSRF header for sessions, none for personal tokens
    csrf.exempt(api_campaigns)  # likewise
    for blueprint in (
        volunteer,
        api_write,
        api_campaigns,
        api,
        embed,
        oembed,
        vendor,
        auth,
        curation,
        campaigns,
        encounter,
        offline,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_security_headers(app)


def configure_cli(app: Flask) -> None:
    from webmap.commands import ProjectCommands

    app.cli = ProjectCommands(app.name)


def _private_folder(folder: Path) -> None:
    """The instance folder holds the secret key and the store: its owner's only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_uid == os.getuid():  # a folder someone else set up is theirs to mind
        os.chmod(folder, 0o700)


def _instance_secret_key(folder: Path) -> str:
    """The instance's own secret key, created on first use and readable by its owner only.

    Several workers may start at once: the key is written whole under another name, then linked
    into place, so that no worker ever reads a half-written key; the first link wins."""
    path = folder / "secret_key"
    if not path.exists():
        handle, draft = tempfile.mkstemp(dir=folder, prefix=".secret_key.")
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text(encoding="ascii").strip()
