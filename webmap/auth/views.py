"""Who is there: managers log in (hashed passwords, CSRF, attempts limited); API clients use a token.

A session names its account and the account's ``session_epoch``; any change of the account (logout,
new password, new role, disabling) raises the epoch, which ends every session opened before.
Login attempts are counted in the store, so every worker of the production server sees them.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from webmap.services import current_store

ROLES = ("admin", "manager", "volunteer")
CURATORS = ("admin", "manager")
MIN_PASSWORD_LENGTH = 12
ATTEMPTS_PER_ADDRESS = (10, 60.0)
"""Login attempts a client address may make, and over how many seconds."""
FAILURES_PER_ACCOUNT = (10, 15 * 60.0)
"""Wrong passwords an account may receive before it is locked for that long (a success resets)."""

blueprint = Blueprint("auth", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Email(), Length(max=200)])
    password = PasswordField("Mot de passe", validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        f"Nouveau mot de passe ({MIN_PASSWORD_LENGTH} caractères au moins)",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message="entre 12 et 200 caractères"),
        ],
    )
    confirmation = PasswordField(
        "Nouveau mot de passe, encore une fois",
        validators=[DataRequired(), EqualTo("new", message="les deux mots de passe diffèrent")],
    )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "carto_" + secrets.token_urlsafe(32)


def current_user() -> dict[str, Any] | None:
    """The person behind this request: a personal API token, else a session still valid."""
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = current_store().user_by_token(hash_token(header.removeprefix("Bearer ").strip()))
        if user is not None and user["disabled"]:
            user = None
        g.token_auth = user is not None
    elif session.get("email"):
        user = current_store().user(session["email"])
        if user is None or user["disabled"] or session.get("epoch") != user["session_epoch"]:
            session.clear()
            user = None
    g.user = user
    return user


def require_login(view: Callable) -> Callable:
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        check_role(ROLES)
        return view(*args, **kwargs)

    return guarded


def check_role(roles) -> None:
    """Anonymous people are sent to the login page (401 under /api), others without the role get 403."""
    user = current_user()
    if user is None:
        if request.path.startswith("/api/"):
            abort(401)
        abort(redirect(url_for("auth.login", suivant=request.full_path)))
    if user["role"] not in roles:
        abort(403)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site to go to after login, else None.

    A browser drops tabs and line breaks from a URL, trims control characters and spaces, and reads
    ``\\`` as ``/``: « /\\t/evil.example » takes it to another site. The URL so normalised must be a
    path on this site, and the same as given: a target a browser would rewrite is refused."""
    if not target or len(target) > 2_000:
        return None
    normalised = target.strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    normalised = "".join(c for c in normalised if c not in "\t\n\r")
    parts = urlsplit(normalised)
    if (
        normalised != target
        or parts.scheme
        or parts.netloc
        or not normalised.startswith("/")
        or normalised.startswith("//")
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)
    ):
        return None
    return target


@blueprint.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = _checked_user(email, form.password.data)
        if user is not None:
            _open_session(user)
            home = url_for("curation.home") if user["role"] in CURATORS else url_for("rencontre.page")
            return redirect(safe_next(request.args.get("suivant")) or home)
        error = "Adresse ou mot de passe incorrect."
    return render_template("auth/login.html", form=form, error=error), 200 if not error else 401


@blueprint.post("/deconnexion")
def logout():
    """Logging out ends every session of the account, on every device."""
    user = current_user()
    if user is not None:
        current_store().end_sessions(user["email"])
    session.clear()
    return redirect(url_for("volunteer.index"))


@blueprint.route("/compte/mot-de-passe", methods=["GET", "POST"])
@require_login
def change_password():
    """A new password ends the account's other sessions; this one goes on."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        email = current_user()["email"]
        if _checked_user(email, form.current.data) is not None:
            current_store().set_password(email, hash_password(form.new.data))
            _open_session(current_store().user(email))
            flash("Mot de passe changé ; vos autres sessions sont fermées.")
            return redirect(url_for("curation.home"))
        form.current.errors = ["mot de passe actuel incorrect"]
    if form.errors:
        status = 400
    return render_template("auth/password.html", form=form), status


def _checked_user(email: str, password: str) -> dict[str, Any] | None:
    """The enabled account whose password this is, or None; 429 once the attempts run out.

    An unknown address costs a password check too, so that timing tells nobody which accounts exist."""
    address_limit = (f"adresse:{request.remote_addr}", ATTEMPTS_PER_ADDRESS)
    account_limit = (f"compte:{email}", FAILURES_PER_ACCOUNT)
    if not current_store().reserve_login_attempt(dict([address_limit, account_limit]), time.time()):
        raise TooManyRequests(retry_after=int(ATTEMPTS_PER_ADDRESS[1]))
    user = current_store().user(email)
    matches = check_password_hash(user["password_hash"] if user else _unknown_account_hash(), password)
    if not matches or user is None or user["disabled"]:
        return None
    current_store().forget_login_attempts(account_limit[0])
    return user


@functools.cache
def _unknown_account_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _open_session(user: dict[str, Any]) -> None:
    session.clear()
    session["email"] = user["email"]
    session["epoch"] = user["session_epoch"]
    session.permanent = True
