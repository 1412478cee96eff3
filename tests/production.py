"""The production server in tests: gunicorn with several workers, started as the README says."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from devtools.services import free_port
from tests.support import ROOT, fictional_collection, fictional_feature, made_up_hash, new_store, write_json
from webmap.auth.services import hash_token

MANAGER = "gestionnaire-fictif@example.org"
PASSWORD = "mot-de-passe-fictif-123"
TOKEN = "jeton-fictif-production"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
ACTORS_FILE = "acteurs-fictifs.geojson"


@dataclass(frozen=True)
class Served:
    url: str
    access_log: Path
    error_log: Path
    instance: Path
    pid: int
    """The gunicorn master's."""


def made_up_instance(folder: Path, ban_index: Path | None = None, database_url: str = "") -> Path:
    """An instance with two made-up actors, a manager with a token, and the synthetic BAN index; its
    store in the instance folder, or the migrated PostgreSQL database at ``database_url``."""
    instance = folder / "instance"
    write_json(
        folder / ACTORS_FILE,
        fictional_collection(
            fictional_feature(),
            fictional_feature(
                id="second-acteur-fictif",
                nom="Second acteur fictif",
                publics=["jeunes"],
                geometry={"type": "Point", "coordinates": [2.4420, 48.8620]},
            ),
        ),
    )
    if database_url:
        from geo.store.postgres import PostgresStore

        instance.mkdir(parents=True)
        store = PostgresStore(database_url)
    else:
        store = new_store(instance / "carto.sqlite")
    store.add_user(MANAGER, made_up_hash(PASSWORD), "manager")
    store.set_token(MANAGER, hash_token(TOKEN))
    store.close()
    if ban_index is not None:
        (instance / "ban").mkdir()
        shutil.copy(ban_index, instance / "ban" / "index.sqlite")
    return instance


@contextlib.contextmanager
def gunicorn(instance: Path, *, workers: int = 4, cwd: Path = ROOT, **settings: str) -> Iterator[Served]:
    """``gunicorn -w N --access-logfile FILE 'webmap:create_app()'`` run from ``cwd``: from the
    repository root it reads the project's gunicorn.conf.py, from elsewhere it does not."""
    port = free_port()
    access_log, error_log = instance.parent / "access.log", instance.parent / "error.log"
    env = {
        **os.environ,
        "CARTO_INSTANCE_PATH": str(instance),
        "CARTO_GEOCODERS": "local",
        "CARTO_ACTORS_FILE": str(instance.parent / ACTORS_FILE),
        **{f"CARTO_{name}": value for name, value in settings.items()},
    }
    server = subprocess.Popen(
        [
            GUNICORN,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
            "webmap:create_app()",
        ],
        cwd=cwd,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, server)
        _wait_for_workers(server.pid, workers)
        yield Served(url, access_log, error_log, instance, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_workers(master: int, workers: int) -> None:
    """Until the master has forked all its workers: the first answers before the last is forked."""
    from devtools.measure import children_of

    deadline = time.monotonic() + 60
    while len(children_of(master)) < workers:
        if time.monotonic() > deadline:
            raise AssertionError(f"gunicorn forked {len(children_of(master))} of {workers} workers")
        time.sleep(0.05)


def _wait_until_answering(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {server.returncode})")
        try:
            urllib.request.urlopen(url + "/api/v1/communes", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def wait_for_log(path: Path, *lines: str, since: str = "", times: int = 1, seconds: float = 30) -> str:
    """The log at ``path`` once each of ``lines`` stands in it ``times`` times more than in ``since``
    (the log as it was before): gunicorn's workers write a request's line after its answer has left,
    so a test that then checks what is *not* in the log reads it whole."""
    deadline = time.monotonic() + seconds
    while True:
        text = path.read_text() if path.exists() else ""
        if all(text.count(line) >= since.count(line) + times for line in lines):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{lines} not {times}× more in {path} after {seconds} s:\n{text[-2000:]}")
        time.sleep(0.05)
