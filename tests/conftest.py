"""Shared fixtures: a fresh app per test in its own instance folder, and made-up actors."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.support import (
    FICTIONAL_DATASET,
    IN_CI,
    OFFLINE,
    QUICK_PROFILE,
    TWIN_STREETS_FICTIVES,
    new_store,
    serve_files,
)
from webmap import create_app
from webmap.services import services

pytest_plugins = ("tests.browser_fixtures", "tests.postgres_fixtures")

BROWSER_FIXTURES = frozenset({"browser", "page", "live", "offline_live"})
SERVER_FIXTURES = frozenset(
    {
        "production",
        "two_servers",
        "served_instance",
        "postgres_server",
        "postgres_url",
        "pg_store",
        "addok_server",
    }
)
SERVER_FILES = frozenset(
    {"test_postgres.py", "test_production.py", "test_curation_robustness.py", "test_notebooks.py"}
)
"""Where gunicorn, PostgreSQL, Redis, Addok or a Jupyter kernel run for real: the ``server`` tier
(pyproject.toml)."""

settings.register_profile(QUICK_PROFILE, max_examples=10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tiers, from what a test uses: ``browser`` (Chromium), ``server`` (real servers), the rest unit
    (``./dev test -m "not browser and not server"``, the quick loop)."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if (
            used & SERVER_FIXTURES
            or item.path.name in SERVER_FILES
            or item.get_closest_marker("postgres")
            or params.get("any_geocoder") == "addok"
        ):
            item.add_marker(pytest.mark.server)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _no_skip_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _no_skip_in_ci(outcome.get_result())


def _no_skip_in_ci(report) -> None:
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    return tmp_path / "instance"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty store at the newest schema revision, migrated once and copied for every app."""
    from geo.store.sqlite import SQLiteStore

    path = tmp_path_factory.mktemp("schema") / "carto.sqlite"
    SQLiteStore.upgrade(path)
    return path


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory, migrated_database: Path) -> Path:
    """``migrated_database`` holding the made-up actors, as an app's first start writes them from its
    ``ACTORS_FILE`` (``webmap.services``): seeded once, copied for every app that starts from them."""
    from geo.io.dataset import load_actors

    path = tmp_path_factory.mktemp("seeded") / "carto.sqlite"
    shutil.copy(migrated_database, path)
    store = new_store(path)
    store.seed_if_empty(load_actors(FICTIONAL_DATASET), f"import initial ({FICTIONAL_DATASET.name})")
    store.close()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path):
    """An empty, migrated store on each back-end: the store contract holds on both."""
    if request.param == "sqlite":
        opened = new_store(tmp_path / "carto.sqlite")
    else:
        from geo.store.postgres import PostgresStore

        opened = PostgresStore(request.getfixturevalue("postgres_url"))
    yield opened
    opened.close()


@pytest.fixture
def make_app(instance_path: Path, migrated_database: Path, seeded_database: Path):
    """A fresh app in its own instance folder, its store migrated (as ``carto db upgrade`` would) and,
    when it starts from the made-up actors, holding them already."""

    def make(**config: Any):
        database = instance_path / "carto.sqlite"
        if not database.exists() and not config.get("DATABASE_URL"):
            instance_path.mkdir(parents=True, exist_ok=True)
            own_actors = config.get("ACTORS_FILE") not in (None, str(FICTIONAL_DATASET))
            shutil.copy(migrated_database if own_actors else seeded_database, database)
        defaults = {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_path),
            "ACTORS_FILE": str(FICTIONAL_DATASET),
            "GEOPLATEFORME_URL": OFFLINE,
            "GEOCODER_TIMEOUT": 1.0,
        }
        made.append(create_app({**defaults, **config}))
        return made[-1]

    made: list = []
    yield make
    for app in made:  # give back the store's connections (a PostgreSQL server counts them)
        services(app).close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def dataset() -> dict[str, Any]:
    """A fresh copy of the made-up dataset, to break in a test."""
    return json.loads(FICTIONAL_DATASET.read_text(encoding="utf-8"))


# --- Geocoding: a small synthetic BAN (made up, and named so), indexed once per session ---------


@pytest.fixture(scope="session")
def synthetic_addresses():
    from geo.geocoding.synthetic import generate

    return generate(streets_per_commune=12, numbers_per_street=10, seed=7)


@pytest.fixture(scope="session")
def synthetic_ban_csv(tmp_path_factory, synthetic_addresses):
    from geo.geocoding.synthetic import write_ban_csv

    folder = tmp_path_factory.mktemp("ban")
    return write_ban_csv(folder / "adresses-93-synthetique.csv", synthetic_addresses)


@pytest.fixture(scope="session")
def synthetic_index(tmp_path_factory, synthetic_ban_csv):
    from geo.geocoding.ban_index import build_index

    target = tmp_path_factory.mktemp("index") / "index.sqlite"
    build_index([synthetic_ban_csv], ["93"], target)
    return target


@pytest.fixture(scope="session")
def twin_index(tmp_path_factory) -> Path:
    from geo.geocoding.ban_file import BanAddress
    from geo.geocoding.ban_index import build_index
    from geo.geocoding.synthetic import write_ban_csv

    folder = tmp_path_factory.mktemp("jumelles")
    rows = [
        BanAddress("", number, "", street, postcode, code, city, lon, lat)
        for street, number, postcode, code, city, lon, lat in TWIN_STREETS_FICTIVES
    ]
    csv = write_ban_csv(folder / "adresses-jumelles-fictives-synthetique.csv", rows)
    return build_index([csv], ["93"], folder / "index.sqlite").path


@pytest.fixture
def twin_app(make_app, instance_path, twin_index):
    """An app whose local BAN index holds the twin streets only, and no other geocoder."""
    (instance_path / "ban").mkdir(parents=True)
    shutil.copy(twin_index, instance_path / "ban" / "index.sqlite")
    return make_app(GEOCODERS=("local",))


@pytest.fixture(scope="session")
def addok_server(tmp_path_factory, synthetic_ban_csv):
    """A real Redis and a real Addok 1.2.1 on loopback, loaded with the synthetic BAN.

    Skipped with the reason when redis-server or addok is missing (a failure in CI, like every skip).
    """
    from devtools.services import AddokServer, RedisServer, addok_binary, redis_server_binary
    from geo.geocoding.addok_export import write_addok_documents

    if redis_server_binary() is None or addok_binary() is None:
        reason = (
            "the Addok tests need redis-server (Debian package) and addok "
            "(pip extra 'addok'); ./dev test installs both"
        )
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("addok")
    documents = folder / "addok-synthetique.ndjson"
    write_addok_documents([synthetic_ban_csv], ["93"], documents)
    with RedisServer(folder / "redis") as redis:
        server = AddokServer(folder / "server", redis)
        server.load(documents)
        with server:
            yield server


@pytest.fixture(scope="session")
def fake_geoplateforme(synthetic_index):
    from tests.fake_geoplateforme import FakeGeoplateforme

    with FakeGeoplateforme(synthetic_index) as server:
        yield server


@pytest.fixture(scope="session")
def http_client():
    import httpx

    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture(scope="session", params=["local", "geoplateforme", "addok"])
def any_geocoder(request, synthetic_index, http_client):
    """Each back-end in turn, over the same synthetic addresses: the contract tests run on all."""
    from geo.geocoding.ban_index import LocalBanGeocoder
    from geo.geocoding.remote import addok, geoplateforme

    if request.param == "local":
        return LocalBanGeocoder(synthetic_index)
    if request.param == "geoplateforme":
        server = request.getfixturevalue("fake_geoplateforme")
        return geoplateforme(http_client, server.url, per_second=1000)
    return addok(http_client, request.getfixturevalue("addok_server").url)


@pytest.fixture
def serve_folder():
    """Serve folders over HTTP for the duration of the test."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve_files(folder))
