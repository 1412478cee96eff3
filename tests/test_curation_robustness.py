"""No lost update under concurrent writers, and no half-written store after a crash."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from devtools.services import free_port
from geo.io.dataset import load_actors
from geo.store.sqlite import SQLiteStore
from tests.support import FICTIONAL_DATASET, ROOT, made_up_hash, new_store
from webmap.auth.services import hash_token

ACTORS = ["insertion-fictive-montreuil", "chantier-fictif-montreuil", "recyclerie-fictive-montreuil"]
TOKEN = "jeton-fictif-concurrence"


def _editor(base: str, worker: int, rounds: int, results) -> None:
    """A manager's script: read an actor, change its description, save with If-Match."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
        for round_ in range(rounds):
            actor_id = ACTORS[(worker + round_) % len(ACTORS)]
            read = client.get(f"/api/v1/actors/{actor_id}")
            value = f"Édition fictive {worker}-{round_}"
            answer = client.patch(
                f"/api/v1/actors/{actor_id}",
                json={"properties": {"description": value}},
                headers={"If-Match": read.headers["ETag"]},
            )
            results.append((actor_id, answer.status_code, answer.headers.get("ETag"), value))


@pytest.fixture
def served_instance(tmp_path):
    """gunicorn with 2 worker processes over one SQLite store, as in production."""
    instance = tmp_path / "instance"
    store = new_store(instance / "carto.sqlite")
    store.seed_if_empty(load_actors(FICTIONAL_DATASET), "graine")
    store.add_user("gestionnaire-fictif@example.org", made_up_hash("mot-de-passe-fictif"), "manager")
    store.set_token("gestionnaire-fictif@example.org", hash_token(TOKEN))
    port = free_port()
    env = {**os.environ, "CARTO_INSTANCE_PATH": str(instance), "CARTO_GEOCODERS": "local"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webmap:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/v1/communes", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield base, store
    server.terminate()
    server.wait(timeout=10)


def test_concurrent_editors_lose_no_accepted_edit(served_instance):
    base, store = served_instance
    with multiprocessing.get_context("spawn").Manager() as manager:
        results = manager.list()
        editors = [
            multiprocessing.get_context("spawn").Process(target=_editor, args=(base, worker, 12, results))
            for worker in range(4)
        ]
        for editor in editors:
            editor.start()
        for editor in editors:
            editor.join(timeout=120)
        results = list(results)

    assert len(results) == 48
    accepted = [r for r in results if r[1] == 200]
    refused = [r for r in results if r[1] != 200]
    assert accepted and {status for _, status, _, _ in refused} <= {409, 412}
    for actor_id in ACTORS:
        history = {revision.version: revision for revision in store.history(actor_id)}
        mine = [r for r in accepted if r[0] == actor_id]
        assert len(history) == 1 + len(mine)  # the seed, then exactly the accepted edits
        for _, _, etag, value in mine:
            version = int(etag.strip('"').partition(":")[0].removeprefix("v"))  # « "v3:br" »: compressed
            assert history[version].actor.description == value


WRITER = """
import dataclasses, sys
from geo.io.dataset import load_actors
from geo.store.sqlite import SQLiteStore
SQLiteStore.upgrade(sys.argv[1])
store = SQLiteStore(sys.argv[1])
actors = load_actors(sys.argv[2])
store.seed_if_empty(actors, "graine")
print("ready", flush=True)
batch = 0
while True:
    batch += 1
    store.replace_all([dataclasses.replace(a, description=f"lot fictif {batch}") for a in actors],
                      f"écrivain {batch}")
"""


def test_a_writer_killed_mid_batch_leaves_a_readable_store_with_whole_batches(tmp_path):
    path = tmp_path / "carto.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(FICTIONAL_DATASET)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while _committed_batches(path) < 3:  # killed once some batches are in, most likely in the middle of one
        assert time.monotonic() < deadline and writer.poll() is None, "the writer commits no batch"
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        batches = [
            row[0]
            for row in db.execute(
                "SELECT author, COUNT(*) FROM revisions WHERE author LIKE 'écrivain %' GROUP BY author"
            )
        ]
    store = SQLiteStore(path)
    actors = store.all()
    assert len(actors) == len(load_actors(FICTIONAL_DATASET))
    counts = {a.actor.id: len(store.history(a.actor.id)) for a in actors}
    assert all(a.version == counts[a.actor.id] for a in actors)  # every version has its revision
    descriptions = {a.actor.description for a in actors}
    assert len(descriptions) == 1  # the last committed batch, whole: no actor from a later one
    assert batches  # some batches were committed before the kill
    assert json.loads(json.dumps(store.history("insertion-fictive-montreuil")[0].changes))


def _committed_batches(path) -> int:
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute(
            "SELECT COUNT(DISTINCT author) FROM revisions WHERE author LIKE 'écrivain %'"
        ).fetchone()[0]
