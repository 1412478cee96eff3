"""What the tests share besides fixtures: the repository's paths, made-up actors and the helpers
that write them, a local file server (tests/conftest.py holds the fixtures)."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
import socketserver
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from geo.actors.model import Actor, Location

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "actors.geojson"
"""The curated dataset: only its invariants are tested (tests/test_dataset.py), never its contents."""
FICTIONAL_DATASET = ROOT / "tests" / "fixtures" / "acteurs-fictifs.geojson"
"""Made-up actors (tests/fixtures/make_acteurs_fictifs.py) that every test app starts from."""
PUBLIC_DATA = ROOT / "data" / "sources"
"""The small public files the product and its tests need, copied into the repository (data/SOURCES.md)."""
IN_CI = os.environ.get("CI") == "true"
"""In CI every test must run: a skip (importorskip included) is reported as a failure."""
OFFLINE = "http://127.0.0.1:9/geocodage"
"""A Géoplateforme address nothing answers at: no test ever reaches the real service."""


QUICK_PROFILE = "quick"
"""The Hypothesis profile of the quick loop (``./dev quick``): a tenth of each property test's examples."""


def examples(thorough: int) -> int:
    """How many examples a property test tries: ``thorough`` on Hypothesis' default profile (``./dev
    test``, CI), fewer on the quick loop's, scaled by the profile's own ``max_examples``."""
    from hypothesis import settings

    return max(5, thorough * settings.default.max_examples // settings.get_profile("default").max_examples)


MADE_UP_HASH = "scrypt:1024:8:1"
"""scrypt at a light cost, for made-up accounts only: werkzeug reads the costs back from each hash, so
logging in to them takes milliseconds, where the service's own hash (``hash_password``, 32 times
the work) takes a tenth of a second by design — and the suite logs in hundreds of times."""


@functools.cache
def made_up_hash(password: str) -> str:
    """The hash of a made-up account's password (``MADE_UP_HASH``), made once per password."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method=MADE_UP_HASH)


def migrate_instance(instance: Path) -> None:
    """Create the schema of the instance's default store, as ``carto db upgrade`` does."""
    from geo.store.sqlite import SQLiteStore

    SQLiteStore.upgrade(instance / "carto.sqlite")


def new_store(path: Path):
    """A SQLite store at ``path``, its schema created the way ``carto db upgrade`` does."""
    from geo.store.sqlite import SQLiteStore

    SQLiteStore.upgrade(path)
    return SQLiteStore(path)


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
    "lien_mobilisation": "https://example.org/candidater",
    "date_verification": "2026-11-02",
    "frequence_verification": 3,
}


def fictional_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [copy.deepcopy(f) for f in features]}


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def pick(addresses, predicate=lambda a: True, skip: int = 0):
    """The first synthetic address (after ``skip`` matches) that satisfies ``predicate``."""
    return [a for a in addresses if predicate(a)][skip]


TWIN_STREETS_FICTIVES = [
    ("Rue Fictive des Jumelles", 12, "93100", "93048", "Montreuil", 2.4400, 48.8600),
    ("Rue Fictive des Jumelles", 12, "93170", "93006", "Bagnolet", 2.4250, 48.8700),
]
"""One made-up street in two communes, as « rue de Paris » is in many: only the commune tells."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


Server = TypeVar("Server", bound=socketserver.BaseServer)
SHUTDOWN_POLL = 0.02
"""How often a test server's loop looks for a shutdown request, in seconds: socketserver's default
(0.5 s) made up most of the teardown of every test that serves files."""


def start_serving(server: Server) -> Server:
    """Serve ``server`` on a thread of its own until ``server.shutdown()``; returns it."""
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL}, daemon=True
    ).start()
    return server


@contextlib.contextmanager
def serve_files(folder: Path):
    """A real HTTP server on loopback serving ``folder``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = start_serving(ThreadingHTTPServer(("127.0.0.1", 0), handler))
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


THEMES = (
    "trouver-un-emploi--repondre-a-des-offres-demploi",
    "se-former--trouver-sa-formation",
    "numerique--maitriser-les-fondamentaux-du-numerique",
)


def fictional_actor(n: int, lon: float | None, lat: float | None, **fields: Any) -> Actor:
    """A made-up actor (« acteur-fictif-NNN »), at (``lon``, ``lat``) or without a place; ``fields``
    say the rest."""
    location = Location(lon, lat, "manager") if lon is not None else None
    values = dict(
        id=f"acteur-fictif-{n:03d}",
        nom=f"Acteur fictif {n}",
        kind="organisme_formation",
        source="fixture inventée",
        date_source="2026",
        statut="actif",
        location=location,
        thematiques=(THEMES[n % 3],),
        horaires_accueil="Mo-Fr 09:00-17:00",
    )
    values.update(fields)
    return Actor(**values)
