"""Shared fixtures: a fresh app per test in its own instance folder, and made-up actors."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from webmap import create_app
from webmap.services import services

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "actors.geojson"
"""The curated dataset: only its invariants are tested (tests/test_dataset.py), never its contents."""
FICTIONAL_DATASET = ROOT / "tests" / "fixtures" / "acteurs-fictifs.geojson"
"""Made-up actors (tests/fixtures/make_acteurs_fictifs.py) that every test app starts from."""
PUBLIC_DATA = ROOT / "data" / "sources"
"""The small public files the product and its tests need, copied into the repository (data/SOURCES.md)."""


IN_CI = os.environ.get("CI") == "true"
"""In CI every test must run: a skip (importorskip included) is reported as a failure."""

pytest_plugins = ("tests.browser_fixtures", "tests.postgres_fixtures")


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


OFFLINE = "http://127.0.0.1:9/geocodage"
"""A Géoplateforme address nothing answers at: no test ever reaches the real service."""


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty store at the newest schema revision, migrated once and copied for every app."""
    from geo.store.sqlite import SQLiteStore

    path = tmp_path_factory.mktemp("schema") / "carto.sqlite"
    SQLiteStore.upgrade(path)
    return path


def migrate_instance(instance: Path) -> None:
    """Create the schema of the instance's default store, as ``carto db upgrade`` does."""
    from geo.store.sqlite import SQLiteStore

    SQLiteStore.upgrade(instance / "carto.sqlite")


def new_store(path: Path):
    """A SQLite store at ``path``, its schema created the way ``carto db upgrade`` does."""
    from geo.store.sqlite import SQLiteStore

    SQLiteStore.upgrade(path)
    return SQLiteStore(path)


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
def make_app(instance_path: Path, migrated_database: Path):
    """A fresh app in its own instance folder, its store migrated (as ``carto db upgrade`` would)."""

    def make(**config: Any):
        database = instance_path / "carto.sqlite"
        if not database.exists() and not config.get("DATABASE_URL"):
            instance_path.mkdir(parents=True, exist_ok=True)
            shutil.copy(migrated_database, database)
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


def fictional_feature(**properties: Any) -> dict[str, Any]:
    """A valid, entirely made-up actor (name and id say so); ``properties`` override its fields."""
    feature: dict[str, Any] = {
        "type": "Feature",
        "id": properties.pop("id", "acteur-fictif-de-test"),
        "geometry": properties.pop("geometry", {"type": "Point", "coordinates": [2.4400, 48.8600]}),
        "properties": {
            "nom": "Acteur fictif de test",
            "kind": "association_accompagnement_emploi",
            "source": "fixture de test inventée",
            "date_source": "2026-01-15",
            "statut": "a_verifier",
            "adresse": "1 rue Fictive",
            "code_postal": "93100",
            "code_insee": "93048",
            "commune": "Montreuil",
            "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi"],
            "publics": [],
            "horaires_accueil": "Mo-Fr 09:00-12:00",
            "location_source": "manager",
        },
    }
    feature["properties"].update(properties)
    return feature


EVERY_FIELD = {
    # made-up values (the SIRET, phone and site are reserved for fiction), one for each field
    "id": "acteur-fictif-complet",
    "nom": "Acteur fictif complet",
    "kind": "siae_ei",
    "statut": "actif",
    "description": "Description fictive d’un acteur inventé pour le test.",
    "siret": "00000000000000",
    "reseaux_porteurs": ["ei"],
    "adresse": "1 rue Fictive",
    "complement_adresse": "Bâtiment fictif",
    "code_postal": "93100",
    "code_insee": "93048",
    "commune": "Montreuil",
    "geometry": {"type": "Point", "coordinates": [2.4401, 48.8601]},
    "location_source": "manager",
    "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi"],
    "publics": ["jeunes", "demandeurs-emploi"],
    "zone_eligibilite": ["93048", "93006"],
    "age_min": 18,
    "age_max": 30,
    "modes_accueil": ["en-presentiel"],
    "modes_mobilisation": ["utiliser-lien-mobilisation", "telephoner"],
    "mobilisable_par": ["usagers", "professionnels"],
    "frais": "gratuit",
    "horaires_accueil": "Mo-Fr 09:00-12:00; PH off",
    "telephone": "+33199000101",
    "courriel": "contact@example.org",
    "site_web": "https://example.org/",
    "date_verification": "2026-11-02",
    "frequence_verification": 3,
}


def fictional_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [copy.deepcopy(f) for f in features]}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


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


def pick(addresses, predicate=lambda a: True, skip: int = 0):
    """The first synthetic address (after ``skip`` matches) that satisfies ``predicate``."""
    return [a for a in addresses if predicate(a)][skip]


TWIN_STREETS_FICTIVES = [
    ("Rue Fictive des Jumelles", 12, "93100", "93048", "Montreuil", 2.4400, 48.8600),
    ("Rue Fictive des Jumelles", 12, "93170", "93006", "Bagnolet", 2.4250, 48.8700),
]
"""One made-up street in two communes, as « rue de Paris » is in many: only the commune tells."""


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


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve_files(folder: Path):
    """A real HTTP server on loopback serving ``folder``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def serve_folder():
    """Serve folders over HTTP for the duration of the test."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve_files(folder))
