"""Real PostgreSQL, Redis, Addok and carto-insertion servers on loopback, started and stopped by tests,
benchmarks and scripts.

Addok 1.2.1 (with addok-fr and addok-france) is used because Addok 1.3 needs Redis ≥ 7.2 and Debian 12
ships 7.0. Each server gets its own port and folder; nothing outside that folder is touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.geocoding.ban_file import BanAddress

ADDOK_CONFIG = """\
REDIS = {{"host": "127.0.0.1", "port": {redis_port}, "unix_socket_path": None,
          "indexes": {{"db": 0}}, "documents": {{"db": 1}}}}
EXTRA_FIELDS = [{{"key": "citycode"}}]
FILTERS = ["type", "postcode", "citycode"]
QUERY_PROCESSORS_PYPATHS = [
    "addok.helpers.text.check_query_length",
    "addok_france.extract_address",
    "addok_france.clean_query",
    "addok_france.remove_leading_zeros",
]
PROCESSORS_PYPATHS = [
    "addok.helpers.text.tokenize",
    "addok.helpers.text.normalize",
    "addok_france.glue_ordinal",
    "addok_france.fold_ordinal",
    "addok_france.flag_housenumber",
    "addok.helpers.text.synonymize",
    "addok_fr.phonemicize",
]
SEARCH_RESULT_PROCESSORS_PYPATHS = [
    "addok.helpers.results.match_housenumber",
    "addok_france.make_labels",
    "addok.helpers.results.score_by_importance",
    "addok.helpers.results.score_by_autocomplete_distance",
    "addok.helpers.results.score_by_ngram_distance",
    "addok.helpers.results.score_by_geo_distance",
    "addok.helpers.results.adjust_scores",
]
BATCH_WORKERS = 1
LOG_DIR = "{folder}"
ATTRIBUTION = "BAN"
LICENCE = "ETALAB-2.0"
"""


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def addok_binary() -> str | None:
    candidate = Path(sys.executable).parent / "addok"
    return str(candidate) if candidate.exists() else shutil.which("addok")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` without persistence, bound to 127.0.0.1 on a free port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> RedisServer:
        binary = redis_server_binary()
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: self._ping(), f"redis-server on port {self.port}")
        return self

    def _ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    def __exit__(self, *exc) -> None:
        _stop(self.process)


def postgres_bindir() -> Path | None:
    """Where Debian puts the newest installed PostgreSQL server's programs (initdb, pg_ctl, pg_dump)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PostgresServer:
    """A throw-away PostgreSQL cluster (``initdb`` + ``pg_ctl``) in a temporary folder, listening on
    127.0.0.1 on a free port, its superuser ``carto`` trusted on loopback; removed on exit.

    PostgreSQL refuses to run as root: as root, the cluster is run by Debian's ``postgres`` user."""

    USER = "carto"

    def __init__(self):
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.folder: Path | None = None
        self._as = "postgres" if os.geteuid() == 0 else None

    def __enter__(self) -> PostgresServer:
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed (Debian packages postgresql, postgresql-15-postgis-3)"
            )
        self.folder = Path(tempfile.mkdtemp(prefix="carto-postgres-"))
        if self._as:
            shutil.chown(self.folder, self._as, self._as)
        self.run(
            "initdb",
            "--pgdata",
            str(self.folder / "data"),
            "--username",
            self.USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.start()
        return self

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c max_connections=200 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )  # throw-away data
        self.run(
            "pg_ctl",
            "--pgdata",
            str(self.folder / "data"),
            "--log",
            str(self.folder / "postgres.log"),
            "--wait",
            "--options",
            options,
            "start",
        )

    def stop(self) -> None:
        """Stop the server, keeping its data (``start`` brings it back on the same port)."""
        self.run("pg_ctl", "--pgdata", str(self.folder / "data"), "--mode", "fast", "--wait", "stop")

    def __exit__(self, *exc) -> None:
        if self.folder is None:
            return
        subprocess.run(
            [
                str(self.bindir / "pg_ctl"),
                "--pgdata",
                str(self.folder / "data"),
                "--mode",
                "immediate",
                "stop",
            ],
            user=self._as,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.USER}@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *arguments: str, **options) -> subprocess.CompletedProcess:
        """One of the server's programs, as the cluster's owner; stops on failure with its output."""
        result = subprocess.run(
            [str(self.bindir / program), *arguments],
            user=self._as,
            cwd="/",
            capture_output=True,
            text=True,
            **options,
        )
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}")
        return result

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` if given): its URL."""
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.USER, dbname=database, autocommit=True
        ) as connection:
            connection.execute(statement)


class AddokServer:
    """An Addok HTTP server over a Redis server, loaded from an Addok import file."""

    def __init__(self, folder: Path, redis: RedisServer, gunicorn_workers: int = 0):
        """``gunicorn_workers`` > 0 serves Addok's WSGI app under gunicorn, as Addok is deployed;
        0 uses ``addok serve`` (a single-threaded development server, enough for tests)."""
        self.folder = folder
        self.gunicorn_workers = gunicorn_workers
        self.port = free_port()
        self.config = folder / "addok_local.py"
        self.redis = redis
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def load(self, documents: Path) -> None:
        """Index ``documents`` (one JSON street per line), then compute Addok's n-grams."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            ADDOK_CONFIG.format(redis_port=self.redis.port, folder=self.folder), encoding="utf-8"
        )
        for command in (["batch", str(documents)], ["ngrams"]):
            self._addok(command)

    def __enter__(self) -> AddokServer:
        binary = addok_binary()
        if self.gunicorn_workers:
            gunicorn = str(Path(binary).with_name("gunicorn"))
            self.process = subprocess.Popen(
                [
                    gunicorn,
                    "--workers",
                    str(self.gunicorn_workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--log-level",
                    "warning",
                    "addok.http.wsgi:application",
                ],
                env={**os.environ, "ADDOK_CONFIG_MODULE": str(self.config)},
                cwd=self.folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            self.process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    "--config",
                    str(self.config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        _wait(self._answers, f"addok serve on port {self.port}")
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.process)

    def _answers(self) -> bool:
        with urllib.request.urlopen(f"{self.url}/search/?q=rue", timeout=2) as response:
            return response.status == 200

    def _addok(self, arguments: list[str]) -> None:
        binary = addok_binary()
        if binary is None:
            raise RuntimeError("addok is not installed (pip install -e '.[addok]')")
        subprocess.run(
            [binary, *arguments, "--config", str(self.config)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )


def synthetic_ban_index(
    target: Path, streets_per_commune: int, numbers_per_street: int, seed: int
) -> list[BanAddress]:
    """A made-up BAN index of the five communes at ``target`` (``geo.geocoding.synthetic``: every row
    labelled « synthetique »), as ``carto data sync`` leaves a real one; its addresses."""
    from geo.geocoding.ban_index import build_index
    from geo.geocoding.synthetic import generate, write_ban_csv

    target.parent.mkdir(parents=True, exist_ok=True)
    addresses = generate(streets_per_commune, numbers_per_street, seed=seed)
    build_index([write_ban_csv(target.with_name("adresses-synthetique.csv"), addresses)], ["93"], target)
    return addresses


class CartoServer:
    """carto-insertion under gunicorn on a fresh instance folder (its store seeded from the configured
    actors file), with a BAN index copied in when given; ``CARTO_*`` settings as keyword arguments."""

    def __init__(
        self,
        instance: Path,
        ban_index: Path | None = None,
        *,
        workers: int = 2,
        preload: bool = True,
        ready_within: float = 30.0,
        **settings: str,
    ):
        self.instance, self.ban_index, self.workers, self.preload = instance, ban_index, workers, preload
        self.ready_within = ready_within
        self.settings = {f"CARTO_{name}": value for name, value in settings.items()}
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> CartoServer:
        if self.ban_index is not None:
            (self.instance / "ban").mkdir(parents=True)
            shutil.copy(self.ban_index, self.instance / "ban" / "index.sqlite")
        port = free_port()
        env = {**os.environ, "CARTO_INSTANCE_PATH": str(self.instance), **self.settings}
        gunicorn = Path(sys.executable).parent / "gunicorn"
        root = Path(__file__).resolve().parent.parent  # its gunicorn.conf.py migrates the store first
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                *([] if self.preload else ["--config", str(self._without_preload(root))]),
                "webmap:create_app()",
            ],
            cwd=root,
            env=env,
        )
        self.url = f"http://127.0.0.1:{port}"
        _wait(self._answers, f"gunicorn on port {port}", self.ready_within)
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.process)

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        assert self.process is not None
        return self.process.pid

    def _without_preload(self, root: Path) -> Path:
        """The repository's gunicorn settings with ``preload_app = False``: each worker loads its own."""
        config = self.instance.parent / f"{self.instance.name}-gunicorn.conf.py"
        source = (root / "gunicorn.conf.py").read_text(encoding="utf-8")
        config.write_text(source + "\npreload_app = False\n", encoding="utf-8")
        return config

    def _answers(self) -> bool:
        with urllib.request.urlopen(f"{self.url}/api/v1/communes", timeout=2) as response:
            return response.status == 200


def _wait(ready, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
