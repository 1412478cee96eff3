"""Chromium (Debian's) driven by Playwright, and the app on a real port: fixtures of the browser tests.

The browser fixtures skip with the reason when Chromium is missing, except in CI where ./dev test
installs it (a skip fails there: tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.conftest import FICTIONAL_DATASET, migrate_instance

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (Debian package chromium); ./dev test installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def live(tmp_path_factory, synthetic_index):
    """The app with the synthetic BAN index and the made-up actors, on a real port; geocoding falls
    back nowhere else."""
    from webmap import create_app

    instance = tmp_path_factory.mktemp("live") / "instance"
    (instance / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance / "ban" / "index.sqlite")
    migrate_instance(instance)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "GEOCODERS": ("local",),
                      "ACTORS_FILE": str(FICTIONAL_DATASET)})
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
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.refused.append(message.text))
    yield page
    context.close()
