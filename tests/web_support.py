"""Helpers for the web tests: reading the actor markers a map page carries, a form's CSRF token, the
actor form as a browser posts it."""

from __future__ import annotations

import json
import re

_PAYLOAD = re.compile(r"cartoAddActors\((\w+), (\[.*?\])\);", re.S)
_CSRF_FIELD = re.compile(
    r'(?:name="csrf_token" type="hidden" value|type="hidden" name="csrf_token" value)="([^"]+)"'
)


def csrf_token(page: str) -> str:
    """The CSRF token of the page's first form (WTForms' field, or a hand-written one as the back
    office's logout form)."""
    return _CSRF_FIELD.search(page).group(1)


def markers(page: str) -> list[dict]:
    """Every actor marker of the page's maps, in order (the JSON given to ``cartoAddActors``)."""
    found = []
    for _, payload in _PAYLOAD.findall(page):
        found.extend(json.loads(payload))
    return found


def local_urls_only(page: str) -> list[str]:
    """src/href values that leave the service (tiles are loaded by script, not listed here)."""
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    return [
        u
        for u in urls
        if u.startswith(("http://", "https://", "//")) and not u.startswith("http://localhost")
    ]


def csp(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive → sources."""
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())


def form_of(app, actor_id, **changes):
    """The edit form as the browser would post it, from the stored actor, with ``changes``."""
    from webmap.gestion.forms import ActorForm
    from webmap.services import current_store

    with app.test_request_context():
        stored = current_store().get(actor_id)
        form = ActorForm(meta={"csrf": False})
        form.fill(stored.actor, stored.version)
        data = {}
        for field in form:
            if field.type in ("MultiCheckbox", "SelectMultipleField"):
                data[field.name] = list(field.data or [])
            elif field.data is not None:
                data[field.name] = str(field.data)
    data.update(changes)
    return data


MADE_UP_MANAGER, MADE_UP_PASSWORD = "gestionnaire-fictif@example.org", "mot-de-passe-fictif"


def with_manager(app):
    """``app`` with the made-up manager's account."""
    from tests.support import made_up_hash
    from webmap.services import current_store

    with app.app_context():
        current_store().add_user(MADE_UP_MANAGER, made_up_hash(MADE_UP_PASSWORD), "manager")
    return app


def signed_in(app):
    """A client signed in as the made-up manager (on an app without CSRF checks)."""
    client = app.test_client()
    client.post("/connexion", data={"email": MADE_UP_MANAGER, "password": MADE_UP_PASSWORD})
    return client
