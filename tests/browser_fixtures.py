"""Chromium (Debian's) driven by Playwright, and the app on a real port: fixtures of the browser tests.

The browser fixtures skip with the reason when Chromium is missing, except in CI where ./dev test
installs it (a skip fails there: tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.support import FICTIONAL_DATASET, migrate_instance, start_serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (Debian package chromium); ./dev test installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def wait_until(page, expression: str, seconds: float = 30) -> Any:
    """The value of the in-page ``expression`` (a promise is awaited) once it is truthy, polled.
    Playwright's ``wait_for_function`` returns as soon as a promise settles, whatever its value (a
    promise is itself truthy): it cannot wait on ``caches.match(…)``."""
    deadline = time.monotonic() + seconds
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds} s: {expression}")
        page.wait_for_timeout(50)  # the polling interval: the wait itself is for the condition


def serve(app):
    return start_serving(make_server("127.0.0.1", 0, app, threaded=True))


@contextlib.contextmanager
def served_app(instance: Path, **config: Any) -> Iterator[tuple[Any, str]]:
    """The app on a real port over a migrated ``instance`` (the made-up actors, no tiles, unless
    ``config`` says otherwise): the app and its URL."""
    from webmap import create_app

    migrate_instance(instance)
    settings = {"ACTORS_FILE": str(FICTIONAL_DATASET), "TILES": "none", **config}
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), **settings})
    server = serve(app)
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def live(tmp_path_factory, synthetic_index):
    """The app with the synthetic BAN index and the made-up actors, on a real port; geocoding falls
    back nowhere else."""
    from webmap import create_app

    instance = tmp_path_factory.mktemp("live") / "instance"
    (instance / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance / "ban" / "index.sqlite")
    migrate_instance(instance)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "GEOCODERS": ("local",),
            "ACTORS_FILE": str(FICTIONAL_DATASET),
        }
    )
    server = serve(app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(browser):
    """A fresh page (768 px) that records, and blocks, every request leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="fr-FR")
    page = context.new_page()
    page.outside = []
    page.errors = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", None) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.refused = []  # what the Content-Security-Policy blocked
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.refused.append(message.text),
    )
    yield page
    context.close()


def manager_site(app):
    """``app`` with the made-up manager's account, on a real port: (app, its URL, the server)."""
    from tests.web_support import with_manager

    server = serve(with_manager(app))
    return app, f"http://127.0.0.1:{server.server_port}", server
