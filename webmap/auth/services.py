"""Accounts and roles, for views and commands alike: password and token hashing, who is behind a
request, the role check, and the login check with its limits.

A session names its account and the account's ``session_epoch``; any change of the account (logout,
new password, new role, disabling) raises the epoch, which ends every session opened before.
Login attempts are counted in the store, so every worker of the production server sees them.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable, Collection
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash, generate_password_hash

from webmap.services import current_store

ROLES = ("admin", "manager", "volunteer")
CURATORS = ("admin", "manager")
MIN_PASSWORD_LENGTH = 12
ATTEMPTS_PER_ADDRESS = (10, 60.0)
"""Login attempts a client address may make, and over how many seconds."""
FAILURES_PER_ACCOUNT = (10, 15 * 60.0)
"""Wrong passwords an account may receive before it is locked for that long (a success resets)."""

User = dict[str, Any]
"""An account as the store gives it: email, password_hash, role, token_hash, session_epoch, disabled."""
View = TypeVar("View", bound=Callable[..., Any])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "carto_" + secrets.token_urlsafe(32)


def current_user() -> User | None:
    """The person behind this request: a personal API token, else a session still valid."""
    if "user" in g:
        return cast("User | None", g.user)
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


def check_role(roles: Collection[str]) -> User:
    """The person behind this request, if they hold one of ``roles``. Anonymous people are sent to the
    login page (401 under /api), others without the role get 403."""
    user = current_user()
    if user is None:
        if request.path.startswith("/api/"):
            abort(401)
        abort(redirect(url_for("auth.login", suivant=request.full_path)))
    if user["role"] not in roles:
        abort(403)
    return user


def author() -> str:
    """Who makes this change, as the store's history names them: the person the role check let in."""
    return check_role(ROLES)["email"]


def require_login(view: View) -> View:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_role(ROLES)
        return view(*args, **kwargs)

    return cast(View, guarded)


def checked_user(email: str, password: str) -> User | None:
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


def open_session(user: User) -> None:
    session.clear()
    session["email"] = user["email"]
    session["epoch"] = user["session_epoch"]
    session.permanent = True
    fresh_csrf_token()


def fresh_csrf_token() -> None:
    """Put a new CSRF token in a session just cleared, with the answer that clears it. Otherwise the
    requests a page fires at once (its service worker's) would each make one, and whichever cookie
    arrived last would void the forms of the others (« The CSRF tokens do not match », a 400)."""
    from flask_wtf.csrf import generate_csrf

    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # the cleared one
    generate_csrf()


@functools.cache
def _unknown_account_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
