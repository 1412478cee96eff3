"""PostgreSQL/PostGIS in use: the schema made by ``carto db upgrade``, nearest-first on the GiST index
and the search through it, the app served from it, two app servers on one database, a ``pg_dump``
backup restored, and a move from SQLite.

The store contract itself runs on both back-ends in tests/test_store.py."""

from __future__ import annotations

import dataclasses
import math
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from devtools.services import PostgresServer
from geo.actors.model import Location, actor_from_feature
from geo.projection import to_lambert93
from geo.search.filters import offers_thematiques
from geo.search.travel import WalkingEstimate
from geo.store import SchemaNotReady
from geo.store.migrations import HEAD
from geo.store.postgres import PostgresStore
from tests.production import ACTORS_FILE, MANAGER, PASSWORD, TOKEN, gunicorn, made_up_instance
from tests.support import ROOT, fictional_feature
from tests.web_support import csrf_token

pytestmark = pytest.mark.postgres

EMPLOI = "trouver-un-emploi--repondre-a-des-offres-demploi"
FORMATION = "se-former--trouver-sa-formation"
CARTO = str(Path(sys.executable).with_name("carto"))
SECRET = "cle-secrete-fictive-partagee-par-les-serveurs"
SECOND = "second-acteur-fictif"


def _made_up_actors(count: int, rng: random.Random) -> list:
    return [
        actor_from_feature(
            fictional_feature(
                id=f"acteur-fictif-{n}",
                nom=f"Acteur fictif {n}",
                geometry={
                    "type": "Point",
                    "coordinates": [
                        round(rng.uniform(2.425, 2.455), 5),
                        round(rng.uniform(48.852, 48.868), 5),
                    ],
                },
                thematiques=[rng.choice([EMPLOI, FORMATION])],
                statut=rng.choice(["a_verifier", "a_verifier", "ferme"]),
            )
        )
        for n in range(count)
    ]


@pytest.fixture
def pg_store(postgres_url):
    opened = PostgresStore(postgres_url)
    yield opened
    opened.close()


def test_nearest_ids_follow_the_straight_line_in_lambert93(pg_store):
    rng = random.Random(93)
    actors = _made_up_actors(300, rng)
    store = pg_store
    store.replace_all(actors, "import fictif")
    for _ in range(25):
        point = (rng.uniform(2.40, 2.48), rng.uniform(48.84, 48.88))
        wanted = rng.choice([None, [EMPLOI], [EMPLOI, FORMATION], ["se-former"]])  # a slug or a category
        x, y = to_lambert93(*point)
        expected = sorted(
            (math.dist((x, y), to_lambert93(a.location.lon, a.location.lat)), a.id)
            for a in actors
            if a.statut != "ferme" and (wanted is None or offers_thematiques(a.thematiques, wanted))
        )[:7]
        found = store.nearest_ids(point, 7, wanted)
        assert [i for i, _ in found] == [i for _, i in expected]
        assert all(abs(metres - d) < 0.01 for (_, metres), (d, _) in zip(found, expected, strict=True))


def test_the_indexed_place_follows_every_edit(pg_store):
    store = pg_store
    near, far = (2.4400, 48.8600), (2.4500, 48.8650)
    actor = actor_from_feature(fictional_feature(geometry={"type": "Point", "coordinates": list(near)}))
    store.create(actor, "a")
    assert [i for i, _ in store.nearest_ids(near, 1)] == [actor.id]

    moved = store.update(dataclasses.replace(actor, location=Location(*far, source="manager")), 1, "a")
    assert store.nearest_ids(far, 1)[0][1] < 0.01
    store.update(dataclasses.replace(moved.actor, location=None), 2, "a")
    assert store.nearest_ids(far, 1) == []


def test_the_nearest_query_walks_the_gist_index_and_never_scans_the_table(pg_store):
    from sqlalchemy import text

    from geo.store.postgres import _NEAREST

    pg_store.replace_all(_made_up_actors(2000, random.Random(7)), "import fictif")
    with pg_store.engine.begin() as db:
        db.exec_driver_sql("ANALYZE actors")
        method = db.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_actors_geom'"
        ).scalar()
        x, y = to_lambert93(2.44, 48.86)
        plans = [
            "\n".join(
                row[0]
                for row in db.execute(
                    text("EXPLAIN " + _NEAREST.text), {"x": x, "y": y, "k": 5, "wanted": wanted}
                )
            )
            for wanted in (None, [EMPLOI])
        ]
    assert "USING gist (geom)" in method
    for plan in plans:
        assert "Order By: (geom <->" in plan and "Seq Scan" not in plan, plan


def test_a_database_not_upgraded_is_refused_without_showing_its_password(postgres_server):
    url = postgres_server.create_database("carto_vide").replace("carto@", "carto:mot-de-passe-fictif@")
    with pytest.raises(SchemaNotReady) as refused:
        PostgresStore(url)
    assert "carto db upgrade" in str(refused.value) and "mot-de-passe-fictif" not in str(refused.value)


def test_carto_db_upgrade_started_three_times_at_once_migrates_once(postgres_server, tmp_path):
    url = postgres_server.create_database("carto_trois_demarrages")
    env = {"PATH": "/usr/bin:/bin", "CARTO_INSTANCE_PATH": str(tmp_path), "CARTO_DATABASE_URL": url}
    runs = [
        subprocess.Popen(
            [CARTO, "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    said = [out for out, _ in outputs]
    assert sum(f"vide → {HEAD}" in out for out in said) == 1
    assert sum("déjà à jour" in out for out in said) == 2
    PostgresStore(url).close()


def test_a_change_made_by_another_process_is_seen_at_the_next_read(pg_store, postgres_url):
    reader = pg_store
    actor = actor_from_feature(fictional_feature())
    reader.create(actor, "a")
    before = reader.revision_count()
    code = (
        "import sys, dataclasses; from geo.store.postgres import PostgresStore\n"
        "store = PostgresStore(sys.argv[1]); actor = store.get('acteur-fictif-de-test').actor\n"
        "store.update(dataclasses.replace(actor, description='ailleurs'), 1, 'x')"
    )
    subprocess.run([sys.executable, "-c", code, postgres_url], cwd=ROOT, check=True)
    assert reader.revision_count() == before + 1
    assert reader.get(actor.id).actor.description == "ailleurs"


def test_the_app_runs_on_postgres(make_app, postgres_url):
    """Seeded from the made-up dataset on first use; searched, edited (412 for a stale version)."""
    app = make_app(DATABASE_URL=postgres_url)
    client = app.test_client()
    actors = client.get("/api/v1/actors").get_json()["features"]
    nearest = client.get("/api/v1/nearest", query_string={"lat": "48.8600", "lon": "2.4400"})
    assert actors and nearest.status_code == 200 and nearest.get_json()["results"]

    from webmap.auth.services import hash_token
    from webmap.services import current_store

    with app.app_context():
        current_store().add_user(MANAGER, "x", "manager")
        current_store().set_token(MANAGER, hash_token(TOKEN))
    api, bearer = f"/api/v1/actors/{actors[0]['id']}", {"Authorization": f"Bearer {TOKEN}"}
    body = {"properties": {"telephone": "+33199000109"}}
    assert client.patch(api, json=body, headers={**bearer, "If-Match": '"v1"'}).status_code == 200
    assert client.patch(api, json=body, headers={**bearer, "If-Match": '"v1"'}).status_code == 412
    assert client.get(api).get_json()["properties"]["telephone"] == "+33199000109"


# --- two app servers, one database ----------------------------------------------------------------


@pytest.fixture
def two_servers(tmp_path, postgres_url):
    """Two gunicorn instances (two workers each) on different ports, with their own instance folders,
    sharing one PostgreSQL database and one secret key, as behind a load balancer."""
    with ExitStack() as stack:
        (tmp_path / "serveur-a").mkdir()
        instances = [made_up_instance(tmp_path / "serveur-a", database_url=postgres_url)]
        (tmp_path / "serveur-b" / "instance").mkdir(parents=True)
        shutil.copy(tmp_path / "serveur-a" / ACTORS_FILE, tmp_path / "serveur-b" / ACTORS_FILE)
        instances.append(tmp_path / "serveur-b" / "instance")
        yield [
            stack.enter_context(
                gunicorn(
                    instance, workers=2, DATABASE_URL=postgres_url, SECRET_KEY=SECRET, SECURE_COOKIES="false"
                )
            )  # plain HTTP on loopback
            for instance in instances
        ]


def test_edits_through_two_servers_lose_no_accepted_edit(two_servers, pg_store):
    """Six managers edit the same two actors through either server, each from the version they
    read: every 200 is in the history, every other answer is a 412, no version is skipped."""
    first, second = two_servers
    bearer = {"Authorization": f"Bearer {TOKEN}"}

    def edit(number: int) -> tuple[str, int, str]:
        actor = ("acteur-fictif-de-test", SECOND)[number % 2]
        read_from, write_to = (first, second) if number % 3 else (second, first)
        with httpx.Client(timeout=30, headers=bearer) as client:
            etag = client.get(f"{read_from.url}/api/v1/actors/{actor}").headers["ETag"]
            text = f"Modification fictive numéro {number}"
            answer = client.patch(
                f"{write_to.url}/api/v1/actors/{actor}",
                headers={"If-Match": etag},
                json={"properties": {"description": text}},
            )
        return actor, answer.status_code, text

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(edit, range(60)))

    assert {status for _, status, _ in outcomes} <= {200, 412}
    store = pg_store
    for actor in ("acteur-fictif-de-test", SECOND):
        accepted = {text for a, status, text in outcomes if a == actor and status == 200}
        kept = [r.changes["description"][1] for r in store.history(actor) if "description" in r.changes]
        assert accepted and set(kept) == accepted and len(kept) == len(accepted)
        assert [r.version for r in store.history(actor)] == list(range(1 + len(accepted), 0, -1))
        assert store.get(actor).version == 1 + len(accepted)


def test_each_server_finds_the_other_servers_edits_at_its_next_request(two_servers):
    first, second = two_servers
    position = {"lat": "48.8620", "lon": "2.4420"}

    def nearest_ids(server) -> set[str]:
        return {
            r["id"]
            for r in httpx.get(
                f"{server.url}/api/v1/nearest", params={**position, "k": "5"}, timeout=30
            ).json()["results"]
        }

    assert all(SECOND in nearest_ids(second) for _ in range(4))  # both of its workers
    etag = httpx.get(f"{first.url}/api/v1/actors/{SECOND}").headers["ETag"]
    retired = httpx.delete(
        f"{first.url}/api/v1/actors/{SECOND}",
        timeout=30,
        headers={"Authorization": f"Bearer {TOKEN}", "If-Match": etag},
    )
    assert retired.status_code == 200
    assert all(SECOND not in nearest_ids(second) for _ in range(4))


def test_a_login_limit_holds_across_two_servers(two_servers):
    """30 wrong passwords spread over both servers: 10 are checked, then the right one waits too."""
    statuses = []
    for number in range(30):
        with httpx.Client(base_url=two_servers[number % 2].url, timeout=30) as client:
            wrong = {
                "email": MANAGER,
                "password": "faux-mot-de-passe",
                "csrf_token": _csrf(client, "/connexion"),
            }
            statuses.append(client.post("/connexion", data=wrong).status_code)
    with httpx.Client(base_url=two_servers[0].url, timeout=30) as client:
        right = client.post(
            "/connexion",
            data={"email": MANAGER, "password": PASSWORD, "csrf_token": _csrf(client, "/connexion")},
        )
    assert statuses.count(401) == 10 and statuses.count(429) == 20 and right.status_code == 429


def test_a_logout_through_one_server_ends_the_session_on_the_other(two_servers):
    first, second = two_servers
    with httpx.Client(base_url=first.url, timeout=30) as client:
        logged = client.post(
            "/connexion",
            data={"email": MANAGER, "password": PASSWORD, "csrf_token": _csrf(client, "/connexion")},
        )
        assert logged.status_code == 302
        cookie = client.cookies["session"]
        with httpx.Client(base_url=second.url, timeout=30, cookies={"session": cookie}) as other:
            assert other.get("/gestion/").status_code == 200  # the same session, on the other server
            logout = client.post("/deconnexion", data={"csrf_token": _csrf(client, "/gestion/")})
            assert logout.status_code == 302
            assert other.get("/gestion/").status_code == 302


def _csrf(client: httpx.Client, page: str) -> str:
    return csrf_token(client.get(page).text)


# --- backup -----------------------------------------------------------------------------------------


def test_a_pg_dump_backup_restores_into_a_fresh_cluster_and_is_served(
    postgres_server, postgres_url, tmp_path
):
    """docs/deploy.md's commands: ``pg_dump --format=custom``, then ``pg_restore`` into a new cluster's
    empty database; the app serves the restored actors; their history and the accounts are back."""
    store = PostgresStore(postgres_url)
    actor = actor_from_feature(fictional_feature())
    store.create(actor, "gestionnaire-fictif")
    store.update(dataclasses.replace(actor, description="Sauvegardée avant la panne fictive"), 1, "g")
    store.add_user(MANAGER, "x", "manager")
    store.close()
    database = postgres_url.rsplit("/", 1)[1]
    backup = Path(postgres_server.folder) / "sauvegarde.dump"
    postgres_server.run(
        "pg_dump",
        "--host",
        "127.0.0.1",
        "--port",
        str(postgres_server.port),
        "--username",
        "carto",
        "--format",
        "custom",
        "--file",
        str(backup),
        database,
    )

    with PostgresServer() as fresh:
        url = fresh.create_database("carto_restauree")
        fresh.run(
            "pg_restore",
            "--host",
            "127.0.0.1",
            "--port",
            str(fresh.port),
            "--username",
            "carto",
            "--dbname",
            "carto_restauree",
            "--no-owner",
            "--exit-on-error",
            str(backup),
        )
        folder = tmp_path / "restauree"
        folder.mkdir()
        instance = folder / "instance"
        instance.mkdir()
        (folder / "acteurs-fictifs.geojson").write_text('{"type": "FeatureCollection", "features": []}')
        with gunicorn(instance, workers=2, DATABASE_URL=url) as served:
            answer = httpx.get(f"{served.url}/api/v1/actors/{actor.id}", timeout=30)
            near = httpx.get(
                f"{served.url}/api/v1/nearest", params={"lat": "48.86", "lon": "2.44"}, timeout=30
            )
        restored = PostgresStore(url)
        assert restored.nearest_ids((2.44, 48.86), 1)[0][0] == actor.id  # the GiST index came back too
        assert len(restored.history(actor.id)) == 2 and restored.user(MANAGER)["role"] == "manager"
        restored.close()
    assert answer.json()["properties"]["description"] == "Sauvegardée avant la panne fictive"
    assert answer.headers["ETag"].startswith('"v2')
    assert [r["id"] for r in near.json()["results"]] == [actor.id]


# --- the search on PostGIS's index ------------------------------------------------------------------


class BusEveryOtherPlace(WalkingEstimate):
    """Made up: a ride in a third of the walk to the places whose metre x is even, none elsewhere; so
    that « il peut prendre le bus » changes the order."""

    def ride(self, origin, destinations, depart, within):
        import datetime as dt

        from geo.transit.journey import Journey, Ride

        trips = []
        for (x, _), minutes in zip(destinations, within, strict=True):
            if int(x) % 2 or minutes < 3:
                trips.append(None)
                continue
            arrival = depart + dt.timedelta(minutes=minutes // 3)
            ride = Ride("fictive", "bus", "Arrêt fictif", "Arrêt fictif", 1, depart, arrival)
            trips.append(Journey(depart, arrival, (ride,)))
        return trips


def test_the_search_through_postgis_gives_the_in_memory_answers(pg_store, dataset):
    """400 random searches (needs, publics, age, commune, k, radius, ineligible too, a moment, « il peut
    prendre le bus » with made-up rides) over the made-up dataset and 400 random made-up actors: the
    same actors, order, distances and verdicts."""
    import datetime as dt

    from geo.actors.vocabularies import PUBLICS
    from geo.search.eligibility import Resident
    from geo.search.indexes import build_index

    rng = random.Random(1515)
    many_ineligible_nearby = [
        dataclasses.replace(  # so that the first candidates are often not enough
            actor,
            publics=tuple(rng.choice([(), ("jeunes",), ("seniors",), ("femmes", "jeunes")])),
            age_max=rng.choice([None, 25, 25, 30]),
        )
        for actor in _made_up_actors(400, rng)
    ]
    actors = [actor_from_feature(f) for f in dataset["features"]] + many_ineligible_nearby
    pg_store.replace_all(actors, "import fictif")
    in_memory, in_store = build_index("memory", pg_store), build_index("postgis", pg_store)
    for _ in range(400):
        origin = (rng.uniform(2.40, 2.48), rng.uniform(48.84, 48.88))
        options = {
            "thematiques": rng.choice([None, [EMPLOI], [FORMATION], ["se-former", "trouver-un-emploi"]]),
            "publics": rng.choice([None, [], ["seniors"], [rng.choice(sorted(PUBLICS))]]),
            "resident": Resident(rng.choice([None, 19, 30, 58]), rng.choice([None, "93048", "93006"])),
            "k": rng.choice([1, 3, 5, 10, 40]),
            "radius_m": rng.choice([None, None, 300.0, 1500.0]),
            "include_ineligible": rng.random() < 0.3,
            "at": dt.datetime(2026, 11, 30, rng.randint(7, 19)),
            "by_transit": rng.random() < 0.3,
            "travel": BusEveryOtherPlace(),
        }
        expected, found = in_memory.nearest(origin, **options), in_store.nearest(origin, **options)
        assert [(r.actor.id, r.eligibility, r.placement) for r in found] == [
            (r.actor.id, r.eligibility, r.placement) for r in expected
        ], options
        assert all(a.distance_m == pytest.approx(b.distance_m) for a, b in zip(found, expected, strict=True))


def test_the_service_searches_through_postgis_when_told(make_app, postgres_url):
    position = {"lat": "48.8600", "lon": "2.4400", "k": "8", "age": "22"}
    answers = [
        make_app(DATABASE_URL=postgres_url, NEAREST_INDEX=mode)
        .test_client()
        .get("/api/v1/nearest", query_string=position)
        .get_json()["results"]
        for mode in ("memory", "postgis")
    ]
    assert answers[0] and answers[0] == answers[1]


def test_postgis_search_without_postgresql_stops_the_service_with_what_to_do(make_app):
    from webmap.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="CARTO_DATABASE_URL"):
        make_app(NEAREST_INDEX="postgis")


def test_searching_through_postgis_never_loads_every_actor(make_app, postgres_url):
    """The search page, the API, an actor's page and a fiche, with no worker holding every actor."""
    app = make_app(DATABASE_URL=postgres_url, NEAREST_INDEX="postgis")
    client = app.test_client()
    position = {"lat": "48.8600", "lon": "2.4400"}
    found = client.get("/api/v1/nearest", query_string=position).get_json()["results"]
    pages = [
        client.get("/", query_string=position),
        client.get(f"/acteurs/{found[0]['id']}"),
        client.get("/fiche", query_string={"acteurs": [found[0]["id"], found[1]["id"]]}),
        client.get("/acteurs/acteur-absent"),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200, 404]
    assert found[0]["nom"] in pages[1].get_data(as_text=True)
    assert found[1]["nom"] in pages[2].get_data(as_text=True)
    assert "carto.actors" not in app.extensions  # services.current_actors() was never needed


def test_moving_from_sqlite_to_postgresql_as_docs_deploy_says(make_app, postgres_url, tmp_path):
    """Export from the SQLite service, then fill the empty database from that export."""
    from webmap.services import current_store

    on_sqlite = make_app()
    with on_sqlite.app_context():
        first = current_store().all()[0]
        edited = dataclasses.replace(first.actor, description="Modifiée avant le passage à PostgreSQL")
        current_store().update(edited, first.version, "gestionnaire-fictif")
        before = [stored.actor for stored in current_store().all()]
    exported = tmp_path / "actors.geojson"
    assert on_sqlite.test_cli_runner().invoke(args=["actors", "export", str(exported)]).exit_code == 0

    on_postgres = make_app(DATABASE_URL=postgres_url, ACTORS_FILE=str(exported))
    assert on_postgres.test_cli_runner().invoke(args=["actors", "list"]).exit_code == 0
    with on_postgres.app_context():
        assert [stored.actor for stored in current_store().all()] == before


def test_the_service_answers_503_while_the_database_is_down_and_comes_back_with_it(make_app, caplog):
    """And the operator reads one line when it goes, one when it is back: no traceback per request."""
    with PostgresServer() as own:
        url = own.create_database("carto_redemarree")
        PostgresStore.upgrade(url)
        client = make_app(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False).test_client()  # as in production
        assert client.get("/api/v1/actors").status_code == 200
        own.stop()
        caplog.clear()
        assert {client.get(path).status_code for path in ("/api/v1/actors", "/", "/carte") * 5} == {503}
        own.start()
        assert client.get("/api/v1/actors").status_code == 200  # no restart of the app needed
        assert client.get("/carte").status_code == 200
    said = [
        (record.levelname, record.getMessage().split(" : ")[0])
        for record in caplog.records
        if record.name == "webmap"
    ]
    assert said == [
        ("ERROR", "base de données injoignable"),
        ("WARNING", "base de données de nouveau joignable"),
    ]
    assert not [record for record in caplog.records if record.exc_info]
