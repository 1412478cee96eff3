"""The store's schema: created and migrated once by ``carto db upgrade`` (Alembic), never by workers;
a store that is not ready says what to do; changes are seen through SQLite's data_version."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geo.actors.model import actor_from_feature
from geo.store import SchemaNotReady
from geo.store.migrations import HEAD
from geo.store.sqlite import SQLiteStore
from tests.production import gunicorn
from tests.support import ROOT, fictional_feature, new_store

FICTIONAL = actor_from_feature(fictional_feature())


def test_head_is_the_newest_migration_script():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from geo.store.schema import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_carto_db_upgrade_creates_the_schema_once(make_app, instance_path):
    (instance_path / "carto.sqlite").unlink(missing_ok=True)
    runner = make_app(DATABASE_URL=f"sqlite:///{instance_path / 'carto.sqlite'}").test_cli_runner()

    first = runner.invoke(args=["db", "upgrade"])
    again = runner.invoke(args=["db", "upgrade"])

    assert first.exit_code == 0 and f"vide → {HEAD}" in first.output
    assert again.exit_code == 0 and "déjà à jour" in again.output


def test_a_store_not_upgraded_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(SchemaNotReady, match="carto db upgrade"):
        SQLiteStore(tmp_path / "carto.sqlite")


def test_the_service_answers_503_and_the_commands_say_what_to_do(make_app, instance_path):
    app = make_app(DATABASE_URL=f"sqlite:///{instance_path / 'vide.sqlite'}")
    page = app.test_client().get("/carte")
    assert page.status_code == 503 and "momentanément indisponible" in page.get_data(as_text=True)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("carto")), "actors", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "CARTO_INSTANCE_PATH": str(instance_path),
            "CARTO_DATABASE_URL": f"sqlite:///{instance_path / 'vide.sqlite'}",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 1 and "lancez « carto db upgrade »" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_from_before_migrations_is_adopted_with_its_data(tmp_path):
    path = tmp_path / "carto.sqlite"
    with sqlite3.connect(path) as db:  # the tables as the store created them before migrations
        db.executescript("""
            CREATE TABLE actors (id VARCHAR PRIMARY KEY, version INTEGER NOT NULL, feature TEXT NOT NULL);
            CREATE TABLE revisions (number INTEGER PRIMARY KEY AUTOINCREMENT, actor_id VARCHAR NOT NULL,
                version INTEGER NOT NULL, author VARCHAR NOT NULL, at VARCHAR NOT NULL,
                action VARCHAR NOT NULL, changes TEXT NOT NULL, feature TEXT NOT NULL);
            CREATE TABLE users (email VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
                role VARCHAR NOT NULL, token_hash VARCHAR UNIQUE);
            INSERT INTO users VALUES ('gestionnaire-fictif@example.org', 'x', 'manager', NULL);
        """)

    assert SQLiteStore.upgrade(path) == (None, HEAD)
    store = SQLiteStore(path)
    assert store.user("gestionnaire-fictif@example.org")["role"] == "manager"
    store.end_sessions("gestionnaire-fictif@example.org")  # a column the old table lacked
    store.create(FICTIONAL, "gestionnaire-fictif")
    assert store.revision_count() == 1


def test_a_change_by_another_connection_is_seen_at_once(tmp_path):
    reader = new_store(tmp_path / "carto.sqlite")
    assert reader.revision_count() == 0
    SQLiteStore(tmp_path / "carto.sqlite").create(FICTIONAL, "ailleurs")
    assert reader.revision_count() == 1
    code = (
        "import sys; from geo.store.sqlite import SQLiteStore; from geo.actors.model import Actor\n"
        "store = SQLiteStore(sys.argv[1]); actor = store.get('acteur-fictif-de-test').actor\n"
        "import dataclasses; store.update(dataclasses.replace(actor, description='autre'), 1, 'x')"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "carto.sqlite")], cwd=ROOT, check=True)
    assert reader.revision_count() == 2


@pytest.mark.server
def test_fresh_starts_under_gunicorn_never_find_the_database_locked(tmp_path):
    """Five fresh instances, four workers each, asked at once from eight threads as they start:
    the master migrates before forking (gunicorn.conf.py), workers only read the revision."""
    from tests.production import made_up_instance

    for attempt in range(5):
        folder = tmp_path / f"demarrage-{attempt}"
        folder.mkdir()
        instance = made_up_instance(folder)
        for path in instance.glob("carto.sqlite*"):  # nothing prepared: the master must create it
            path.unlink()
        with gunicorn(instance) as served:
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(lambda _: _status(served.url + "/api/v1/actors"), range(32)))
            assert statuses == [200] * 32, served.error_log.read_text()
            assert "locked" not in served.error_log.read_text()


def _status(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_database_out_of_reach_answers_503_and_the_commands_say_so(make_app, instance_path):
    from devtools.services import free_port

    url = f"postgresql+psycopg://carto:mot-de-passe-fictif@127.0.0.1:{free_port()}/carto"  # nothing there
    app = make_app(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False)  # as in production
    page, api = app.test_client().get("/carte"), app.test_client().get("/api/v1/actors")
    assert page.status_code == 503 and "momentanément indisponible" in page.get_data(as_text=True)
    assert api.status_code == 503 and api.get_json()["status"] == 503
    result = subprocess.run(
        [str(Path(sys.executable).with_name("carto")), "actors", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"CARTO_INSTANCE_PATH": str(instance_path), "CARTO_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1 and "base de données injoignable" in result.stderr
    assert "Traceback" not in result.stderr and "mot-de-passe-fictif" not in result.stderr
