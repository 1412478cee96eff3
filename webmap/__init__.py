"""carto-insertion web service: the Flask shell around the ``geo`` core."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from webmap import settings
from webmap.privacy import configure_private_logs


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``CARTO_*``, then ``test_config``."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        settings.BY_NAME["INSTANCE_PATH"].env, settings.BY_NAME["INSTANCE_PATH"].default)
    app = Flask(__name__, instance_path=str(Path(instance_path).resolve()),
                instance_relative_config=True)
    configure_settings(app, test_config)
    configure_private_logs()
    configure_blueprints(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(settings.defaults())
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["INSTANCE_PATH"] = app.instance_path
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def configure_blueprints(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    from webmap.api import blueprint as api
    from webmap.api_write import blueprint as api_write
    from webmap.assets import blueprint as vendor
    from webmap.auth import blueprint as auth
    from webmap.auth import limiter
    from webmap.curation import blueprint as curation
    from webmap.embed import blueprint as embed
    from webmap.errors import register_error_handlers
    from webmap.security import register_security_headers
    from webmap.volunteer import blueprint as volunteer

    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["SECURE_COOKIES"],
                      PERMANENT_SESSION_LIFETIME=12 * 3600)
    csrf = CSRFProtect(app)
    csrf.exempt(api_write)  # checked there: CSRF header for sessions, none for personal tokens
    limiter.init_app(app)
    for blueprint in (volunteer, api_write, api, embed, vendor, auth, curation):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_security_headers(app)


def configure_cli(app: Flask) -> None:
    from webmap.commands import register_commands

    register_commands(app)


def _instance_secret_key(folder: Path) -> str:
    """The instance's own secret key, created on first use and readable by its owner only."""
    path = folder / "secret_key"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        key = secrets.token_hex(32)
        stream.write(key)
    return key
