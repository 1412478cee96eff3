"""What the README promises holds under the production server: gunicorn, four workers, access log on.

Run as the README says (``gunicorn -w 4 --access-logfile FILE 'webmap:create_app()'``): from the
repository root, which reads the project's gunicorn.conf.py, and from elsewhere, which does not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.production import MANAGER, PASSWORD, TOKEN, gunicorn, made_up_instance, wait_for_log
from tests.web_support import csrf_token

ADDRESS = "13 rue Imaginaire 93100 Montreuil"
POSITION = {"lat": "48.86137", "lon": "2.44191"}
RESIDENT_TRACES = ("Imaginaire", "48.86137", "2.44191", "age=", "adresse=", "lat=", "q=")
"""What a log line must never show: the made-up address, position and age of the visits below."""


@pytest.fixture(scope="module")
def production(tmp_path_factory, synthetic_index):
    """Gunicorn with four workers, the made-up actors and campaign 1 (the API document's example)."""
    from geo.store.sqlite import SQLiteStore

    instance = made_up_instance(tmp_path_factory.mktemp("production"), synthetic_index)
    store = SQLiteStore(instance / "carto.sqlite")
    assert store.add_campaign("Campagne fictive de l’exemple", ["93048"]).id == 1
    store.close()
    with gunicorn(instance, workers=4, SECURE_COOKIES="false") as served:
        yield served


def visit_as_a_volunteer(url: str) -> dict[str, httpx.Response]:
    """A volunteer's search at the door: results page, API, suggestions, embed, then an actor page
    opened from the results (its Referer is the results URL)."""
    results = f"{url}/?" + str(httpx.QueryParams({"adresse": ADDRESS, "age": "37", "besoin": "emploi"}))
    with httpx.Client(timeout=30) as client:
        answers = {
            "results": client.get(results),
            "nearest": client.get(f"{url}/api/v1/nearest", params={**POSITION, "age": "41"}),
            "geocode": client.get(f"{url}/api/v1/geocode", params={"q": ADDRESS}),
            "embed": client.get(f"{url}/embed/carte", params={"adresse": ADDRESS, "liste": "1"}),
            "actor": client.get(f"{url}/acteurs/acteur-fictif-de-test", headers={"Referer": results}),
        }
    return answers


VISIT_LINES = (
    '"GET /?… HTTP/1.1" 200',
    '"GET /api/v1/nearest?… HTTP/1.1" 200',
    '"GET /api/v1/geocode?… HTTP/1.1" 200',
    '"GET /embed/carte?… HTTP/1.1" 200',
    '"GET /acteurs/acteur-fictif-de-test HTTP/1.1" 200',
)
"""The access log's lines of one ``visit_as_a_volunteer``: the requests, without what the resident said."""


def assert_no_resident_in(log: str) -> None:
    for trace in RESIDENT_TRACES:
        assert trace not in log, f"{trace!r} reached a log:\n{log}"


def test_access_log_keeps_no_address_position_age_or_results_url(production):
    before = production.access_log.read_text()
    answers = visit_as_a_volunteer(production.url)
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    log = wait_for_log(production.access_log, *VISIT_LINES, since=before)  # without what the resident said
    assert_no_resident_in(log + production.error_log.read_text())


def test_access_log_stays_private_without_the_project_gunicorn_conf(tmp_path, synthetic_index):
    instance = made_up_instance(tmp_path, synthetic_index)
    with gunicorn(instance, workers=2, cwd=tmp_path) as served:
        visit_as_a_volunteer(served.url)
        log = wait_for_log(served.access_log, *VISIT_LINES)
    assert_no_resident_in(log)


def test_resident_answers_are_not_cacheable_in_production(production):
    answers = visit_as_a_volunteer(production.url)
    for name in ("results", "nearest", "geocode", "embed"):
        assert "no-store" in answers[name].headers["Cache-Control"], name
        assert "public" not in answers[name].headers["Cache-Control"], name


def test_pages_travel_compressed_and_static_files_are_kept_a_year_in_production(production):
    with httpx.Client(timeout=30, headers={"Accept-Encoding": "br, gzip"}) as client:
        page = client.get(f"{production.url}/", params=POSITION)
        leaflet = re.search(r'src="(/static/vendor/leaflet/leaflet\.js\?v=[0-9a-f]+)"', page.text).group(1)
        script = client.get(production.url + leaflet)
    assert page.headers["Content-Encoding"] == "br" and script.headers["Content-Encoding"] == "br"
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert int(script.headers["Content-Length"]) < 50_000  # Leaflet: 147 KB as a file


def test_an_encounter_posted_with_a_position_keeps_commune_and_iris_only_in_production(production):
    """docs/campaigns.md: a position is reduced to its commune and IRIS, and no log line shows it."""
    import sqlite3
    import uuid

    from geo.store.sqlite import SQLiteStore

    store = SQLiteStore(production.instance / "carto.sqlite")
    campaign = store.add_campaign("Campagne fictive de production", ["93048"])
    encounter = {
        "id": str(uuid.uuid4()),
        "campagne": campaign.id,
        "date": "2026-11-20",
        "lat": float(POSITION["lat"]),
        "lon": float(POSITION["lon"]),
        "en_recherche": "oui",
    }
    before = production.access_log.read_text()
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        first = client.post(f"{production.url}/api/v1/rencontres", json=encounter)
        again = client.post(f"{production.url}/api/v1/rencontres", json=encounter)  # another worker
    assert first.json()["nouvelles"] == 1 and again.json()["nouvelles"] == 0
    log = wait_for_log(production.access_log, '"POST /api/v1/rencontres HTTP/1.1" 200', since=before, times=2)
    assert_no_resident_in(log + production.error_log.read_text())
    with sqlite3.connect(production.instance / "carto.sqlite") as db:
        [row] = db.execute("SELECT * FROM encounters WHERE campagne = ?", (campaign.id,)).fetchall()
    assert "93048" in row and not any(POSITION["lat"][:6] in str(value) for value in row)


def test_the_workers_share_the_preloaded_app_but_never_its_database_handles(production):
    """gunicorn.conf.py preloads the app and warms it up in the master (the address index loaded
    too), then forks: a handle on the store or the address index carried across the fork would be
    shared by every worker (SQLite forbids it; PostgreSQL would mix their answers). The master keeps
    none open, and each worker, having its own, answers."""
    from devtools.measure import children_of

    workers = children_of(production.pid)
    assert len(workers) == 4
    with httpx.Client(timeout=30) as client:
        for n in range(16):
            answer = client.get(f"{production.url}/api/v1/nearest", params={**POSITION, "k": str(1 + n % 4)})
            assert answer.status_code == 200 and answer.json()["results"]
            found = client.get(f"{production.url}/api/v1/geocode", params={"q": ADDRESS, "limit": "1"})
            assert found.status_code == 200
    store = str(production.instance / "carto.sqlite")
    addresses = str(production.instance / "ban" / "index.sqlite")

    def open_files(pid: int) -> set[str]:
        return {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()}

    held = open_files(production.pid)
    assert not {name for name in held if name.startswith(store) or name.startswith(addresses)}
    assert any(store in open_files(worker) for worker in workers)
    assert any(addresses in open_files(worker) for worker in workers)


def test_login_limit_holds_across_four_workers(production):
    """30 wrong passwords in a row, spread by gunicorn over its workers: 10 are checked."""
    with httpx.Client(base_url=production.url, timeout=30) as client:
        token = csrf_token(client.get("/connexion").text)
        statuses = [
            client.post(
                "/connexion", data={"email": MANAGER, "password": "faux-mot-de-passe", "csrf_token": token}
            ).status_code
            for _ in range(30)
        ]
        right = client.post("/connexion", data={"email": MANAGER, "password": PASSWORD, "csrf_token": token})
    assert statuses.count(401) == 10 and statuses.count(429) == 20
    assert right.status_code == 429 and "Trop de tentatives" in right.text


BY_DESIGN = {
    "ST202": {
        "GET /nearest",
        "POST /rencontres",
        "POST /actors",
        "PUT /actors/{actor_id}",
        "PATCH /actors/{actor_id}",
        "DELETE /actors/{actor_id}",
        "Stateful tests",
    },
    "ST203": {"PUT /actors/{actor_id}", "PATCH /actors/{actor_id}", "DELETE /actors/{actor_id}"},
    "ST301": {"Stateful tests"},
}
"""Schemathesis' findings that are the API's rules, each explained in docs/web.md: a schema-valid request
refused by a rule no schema states (ST202: a point beyond the communes served, a stale version (412),
an unknown campaign, a phone number that is none…); a missing If-Match is a 428, not a 400 (ST203); a
retired actor stays readable, with its history (ST301)."""


def test_api_fuzzing_with_every_check_finds_only_what_docs_web_md_explains(production, tmp_path):
    """Schemathesis, all its checks, from the served OpenAPI document: reads and writes (with a manager's
    token), a bounded number of examples per operation, every answer in under a second."""
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{production.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--checks",
        "all",
        "--max-response-time",
        "1",
        "--max-examples",
        "40",
        "--seed",
        "20261128",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--workers",
        "1",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert " passed" in run.stdout or "FAILURES" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]
    found = _findings(run.stdout)
    unexplained = {(code, where) for code, where in found if where not in BY_DESIGN.get(code, ())}
    assert not unexplained, run.stdout[-8000:]
    assert run.returncode == 0 or found, run.stdout[-3000:]


def _findings(output: str) -> set[tuple[str, str]]:
    """(check code, operation) of each failure Schemathesis printed."""
    found, where = set(), ""
    for line in output.split("SUMMARY", 1)[0].splitlines():
        title = re.fullmatch(r"_+ (.+?) _+", line.strip())
        if title:
            where = title.group(1)
        code = re.match(r"- (ST\d{3}) ", line)
        if code:
            found.add((code.group(1), where))
    return found


def test_a_chunked_body_over_the_limit_is_a_413_in_production(production):
    """A client that sends no Content-Length (chunked) is held to the same 1 MiB as one that does."""

    def chunks():
        for _ in range(17):
            yield b'{"properties": {"description": "' + b"x" * 65_536 + b'"}}'

    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        version = client.get(f"{production.url}/api/v1/actors/acteur-fictif-de-test").headers["ETag"]
        answer = client.patch(
            f"{production.url}/api/v1/actors/acteur-fictif-de-test",
            content=chunks(),
            headers={"Content-Type": "application/json", "If-Match": version},
        )
        small = client.post(
            f"{production.url}/api/v1/rencontres",
            content=iter([b"[", b"]"]),
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 413, answer.text
    assert small.status_code == 400  # a chunked body under the limit is read as usual
