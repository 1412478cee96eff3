"""Who is there: managers log in (hashed passwords, CSRF, rate limit); API clients use a token."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from webmap.data import current_store

ROLES = ("admin", "manager", "volunteer")
CURATORS = ("admin", "manager")
blueprint = Blueprint("auth", __name__)
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Email(), Length(max=200)])
    password = PasswordField("Mot de passe", validators=[DataRequired(), Length(max=200)])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "carto_" + secrets.token_urlsafe(32)


def current_user() -> dict[str, Any] | None:
    """The person behind this request: a personal API token, else the session."""
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = current_store().user_by_token(hash_token(header.removeprefix("Bearer ").strip()))
        g.token_auth = user is not None
    elif session.get("email"):
        user = current_store().user(session["email"])
    g.user = user
    return user


def require_role(*roles: str) -> Callable:
    """Decorator: anonymous people are sent to the login page, others without the role get 403."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            check_role(roles)
            return view(*args, **kwargs)
        return guarded
    return decorator


def check_role(roles) -> None:
    user = current_user()
    if user is None:
        if request.path.startswith("/api/"):
            abort(401)
        abort(redirect(url_for("auth.login", suivant=request.full_path)))
    if user["role"] not in roles:
        abort(403)


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = current_store().user(form.email.data.strip().lower())
        if user and check_password_hash(user["password_hash"], form.password.data):
            session.clear()
            session["email"] = user["email"]
            session.permanent = True
            target = request.args.get("suivant", "")
            return redirect(target if target.startswith("/") and not target.startswith("//")
                            else url_for("curation.home"))
        error = "Adresse ou mot de passe incorrect."
    return render_template("login.html", form=form, error=error), 200 if not error else 401


@blueprint.post("/deconnexion")
def logout():
    session.clear()
    return redirect(url_for("volunteer.index"))
