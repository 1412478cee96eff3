"""Logging in and out, and changing one's password (hashed passwords, CSRF, attempts limited): the
pages; the accounts' rules are in ``webmap.auth.services``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from webmap.auth.services import (
    CURATORS,
    MIN_PASSWORD_LENGTH,
    ROLES,
    check_role,
    checked_user,
    current_user,
    fresh_csrf_token,
    hash_password,
    open_session,
    require_login,
)
from webmap.auth.validators import service_email, stripped
from webmap.services import current_store

blueprint = Blueprint("auth", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail",
        filters=[stripped],
        validators=[DataRequired("indiquez votre adresse e-mail"), service_email],
    )
    password = PasswordField(
        "Mot de passe", validators=[DataRequired("indiquez votre mot de passe"), Length(max=200)]
    )


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
        email = form.email.data.lower()  # stripped by the field
        user = checked_user(email, form.password.data)
        if user is not None:
            open_session(user)
            home = url_for("curation.home") if user["role"] in CURATORS else url_for("rencontre.page")
            return redirect(safe_next(request.args.get("suivant")) or home)
        error = "Adresse ou mot de passe incorrect."
    status = 401 if error else 400 if form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.post("/deconnexion")
def logout():
    """Logging out ends every session of the account, on every device."""
    user = current_user()
    if user is not None:
        current_store().end_sessions(user["email"])
    session.clear()
    fresh_csrf_token()
    return redirect(url_for("volunteer.index"))


@blueprint.route("/compte/mot-de-passe", methods=["GET", "POST"])
@require_login
def change_password():
    """A new password ends the account's other sessions; this one goes on."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        email = check_role(ROLES)["email"]
        if checked_user(email, form.current.data) is not None:
            current_store().set_password(email, hash_password(form.new.data))
            renewed = current_store().user(email)
            assert renewed is not None  # accounts are disabled, never deleted
            open_session(renewed)
            flash("Mot de passe changé ; vos autres sessions sont fermées.")
            return redirect(url_for("curation.home"))
        form.current.errors = ["mot de passe actuel incorrect"]
    if form.errors:
        status = 400
    return render_template("auth/password.html", form=form), status
