"""Our local BAN index against Addok, on identical data, with queries our matcher was not written from.

    .venv/bin/python benchmarks/geocoding.py [--queries 2000] [--seed 2026]
    .venv/bin/python benchmarks/geocoding.py --ban adresses-93.csv.gz --communes 93

Data: a synthetic BAN file (``geo.geocoding.synthetic``: made-up positions, labelled « synthetique »)
stands in for the real BAN, which is not available offline; ``--ban`` takes a real one.

Queries are made the way people type, from sources independent of our normaliser:
- abbreviations from addok-fr's synonyms list (read from the installed package), not from
  ``geo.geocoding.normalize.ABBREVIATIONS``;
- typos from a keyboard model (AZERTY neighbours, dropped, doubled and swapped letters: the four
  single-edit kinds that make most misspellings, after Damerau 1964);
- additions people put around an address (flat, building, staircase, residence, floor, care-of), a
  list written for this benchmark, not our normaliser's noise pattern;
- styles weighted by an assumed frequency at the door (stated in ``STYLES``; no field data exists yet);
  every style is reported on its own as well.
Two sets: *development* (the street vocabulary the matcher was developed on) and *held out* (street
types from addok-fr's list that the synthetic generator never uses, and names it never uses, on a new
seed): the held-out figures are the ones to quote. A top-1 answer is right within 25 m of the truth.

The « number street » queries are also asked with the commune the volunteer chose (``citycode``), as
the search page sends it.

Engines, each as deployed and each engine against engine: ours behind the service (gunicorn, 2 workers,
``/api/v1/geocode``, which searches in autocomplete mode as the suggestions do) and in-process; Addok
1.2.1 (addok-fr, addok-france) behind gunicorn (2 workers, its WSGI app) over a real Redis, and
in-process. Memory is measured the same way for both: peak RSS
of the serving processes (plus Redis's used memory for Addok). Needs redis-server and the ``addok``
extra (both installed by ./dev).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RIGHT_WITHIN_M = 25.0
COMMUNE_CHOSEN = "number street, commune chosen"
"""Not a style typed: the « number street » queries asked again with the volunteer's commune."""

STYLES = {  # style: assumed share of what volunteers type at the door
    "number street commune": 25,
    "number street": 20,
    "lowercase, no accents": 15,
    "number street postcode commune": 10,
    "abbreviated (addok-fr)": 10,
    "typo (keyboard model)": 10,
    "with flat, building, floor…": 5,
    "commune first": 3,
    "number last": 2,
}
ADDITIONS = (
    "Bât. {L}",
    "Bat {L}",
    "Esc {n}",
    "escalier {L}",
    "Apt {nn}",
    "appt {nn}",
    "{n}e étage",
    "{n}ème étage gauche",
    "Résidence du Parc",
    "Hall {L}",
    "porte {nn}",
    "RDC",
    "Logement {nn}",
    "chez M. et Mme Dupont",
)
AZERTY = ("azertyuiop", "qsdfghjklm", "wxcvbn")
HELD_OUT_TYPES = (
    "Hameau",
    "Esplanade",
    "Carrefour",
    "Rond-Point",
    "Traverse",
    "Mail",
    "Parvis",
    "Promenade",
    "Résidence",
    "Faubourg",
)
HELD_OUT_NAMES = (
    "des Tilleuls",
    "Georges Brassens",
    "Simone Veil",
    "du Docteur Calmette",
    "des Acacias",
    "Aimé Césaire",
    "Rosa Parks",
    "du Stade",
    "Lucie Aubrac",
    "des Cerisiers",
    "Nelson Mandela",
    "Olympe de Gouges",
    "de la Fontaine",
    "Germaine Tillion",
    "du Commandant Charcot",
    "des Marronniers",
    "Gisèle Halimi",
    "Missak Manouchian",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--ban", type=Path, help="a real BAN file instead of the synthetic one")
    parser.add_argument(
        "--communes",
        default="93048,93006,93014,93031,93079",
        help="INSEE or département codes kept (default: the five communes)",
    )
    parser.add_argument("--queries", type=int, default=2000, help="queries per set")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    communes = args.communes.split(",")
    _describe_machine()

    from geo.geocoding.ban_file import communes_filter, read_ban

    with tempfile.TemporaryDirectory(prefix="bench-geocoding-") as folder:
        folder = Path(folder)
        if args.ban:
            ban_path, label, held_out_streets = args.ban, f"real BAN file {args.ban.name}", None
        else:
            ban_path, held_out_streets = _synthetic_ban(folder, args.seed)
            label = "synthetic BAN (labelled « synthetique »)"
        truth = list(read_ban(ban_path, communes_filter(communes)))
        print(
            f"Data: {label}: {len(truth):,} addresses on "
            f"{len({(a.code_insee, a.nom_voie) for a in truth}):,} streets"
        )
        synonyms = addok_fr_abbreviations()
        sets = {}
        for name, seed, keep in (
            ("development", args.seed, lambda a: a.nom_voie not in held_out_streets),
            ("held out", args.seed + 1, lambda a: a.nom_voie in held_out_streets),
        ):
            pool = [a for a in truth if held_out_streets is None or keep(a)]
            sets[name] = make_queries(pool, args.queries, random.Random(seed), synonyms)
        print(
            f"Queries: {args.queries:,} per set, styles weighted as in STYLES; abbreviations from "
            f"addok-fr ({len(synonyms)} forms)\n"
        )

        engines = {}
        engines["ours, in-process"] = run_isolated(measure_local, ban_path, communes, folder, sets)
        engines["ours, service (gunicorn ×2)"] = measure_service(folder, sets)
        engines.update(measure_addok(ban_path, communes, folder, sets))
    report(engines)


# --- data and queries -----------------------------------------------------------------------------


def _synthetic_ban(folder: Path, seed: int):
    """The synthetic BAN, plus streets named from a held-out vocabulary the matcher never saw."""
    from geo.communes import COMMUNES, TARGET_COMMUNES
    from geo.geocoding.synthetic import generate, street_addresses, write_ban_csv

    rng = random.Random(seed + 17)
    addresses = generate(330, 32, seed=seed)
    held_out = set()
    for code in TARGET_COMMUNES:
        names = [f"{kind} {name}" for kind in HELD_OUT_TYPES for name in HELD_OUT_NAMES]
        rng.shuffle(names)
        for name in names[:40]:
            held_out.add(name)
            addresses.extend(street_addresses(rng, COMMUNES[code], name, 32))
    return write_ban_csv(folder / "adresses-synthetique.csv", addresses), held_out


def addok_fr_abbreviations() -> dict[str, list[str]]:
    """Full word → the short forms addok-fr knows for it (``av, ave, aven => avenue``)."""
    import addok_fr

    text = (Path(addok_fr.__file__).parent / "resources" / "synonyms.txt").read_text("utf-8")
    forms: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=>" not in line or line.startswith("#"):
            continue
        shorts, full = line.split("=>")
        full = full.strip()
        if " " in full or full[0].isdigit():
            continue
        forms.setdefault(full, []).extend(s.strip() for s in shorts.split(",") if s.strip())
    return forms


def make_queries(pool, count, rng, synonyms):
    """(typed text, lon, lat, style, INSEE code of the truth), styles drawn by their weight."""
    styles, weights = list(STYLES), list(STYLES.values())
    queries = []
    for _ in range(count):
        style = rng.choices(styles, weights)[0]
        a = rng.choice(pool)
        number = f"{a.numero}{' ' + a.rep if a.rep else ''}"
        street, city, postcode = a.nom_voie, a.nom_commune, a.code_postal
        text = {
            "number street commune": f"{number} {street} {city}",
            "number street": f"{number} {street}",
            "lowercase, no accents": _plain(f"{number} {street} {city}").lower(),
            "number street postcode commune": f"{number} {street} {postcode} {city}",
            "abbreviated (addok-fr)": f"{number} {_abbreviate(street, synonyms, rng)} {city}",
            "typo (keyboard model)": f"{number} {_typo(street, rng)} {city}",
            "with flat, building, floor…": f"{_addition(rng)}, {number} {street} {_addition(rng)} {city}",
            "commune first": f"{city} {number} {street}",
            "number last": f"{street} {number} {city}",
        }[style]
        queries.append((text, a.lon, a.lat, style, a.code_insee))
    return queries


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _abbreviate(street: str, synonyms, rng) -> str:
    words = []
    for word in street.split():
        key = _plain(word).lower()
        words.append(rng.choice(synonyms[key]) if key in synonyms else word)
    return " ".join(words)


def _typo(street: str, rng) -> str:
    words = street.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4]
    if not candidates:
        return street
    i = rng.choice(candidates)
    word, j = words[i], rng.randrange(1, len(words[i]) - 1)
    kind = rng.choices(("neighbour", "dropped", "doubled", "swapped"), (35, 30, 20, 15))[0]
    if kind == "neighbour":
        word = word[:j] + _neighbour(word[j], rng) + word[j + 1 :]
    elif kind == "dropped":
        word = word[:j] + word[j + 1 :]
    elif kind == "doubled":
        word = word[:j] + word[j] + word[j:]
    else:
        word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _neighbour(letter: str, rng) -> str:
    lower = _plain(letter).lower()
    for row_index, row in enumerate(AZERTY):
        if lower in row:
            column = row.index(lower)
            near = [row[c] for c in (column - 1, column + 1) if 0 <= c < len(row)]
            near += [
                AZERTY[r][column]
                for r in (row_index - 1, row_index + 1)
                if 0 <= r < len(AZERTY) and column < len(AZERTY[r])
            ]
            return rng.choice(near)
    return letter


def _addition(rng) -> str:
    return rng.choice(ADDITIONS).format(L=rng.choice("ABCDEFG"), n=rng.randint(1, 9), nn=rng.randint(1, 99))


# --- engines --------------------------------------------------------------------------------------


def run_isolated(function, *args):
    """Run ``function`` in a fresh process, so its peak memory is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def measure_local(ban_path, communes, folder, sets):
    from geo.geocoding.ban_index import LocalBanGeocoder, build_index

    index_path = folder / "index.sqlite"
    started = time.perf_counter()
    build_index([ban_path], communes, index_path)
    build_seconds = time.perf_counter() - started
    geocoder = LocalBanGeocoder(index_path)
    geocoder.search("rue de paris")  # load the index
    results = {
        name: _run(lambda q, c=None: _first(geocoder.search(q, limit=1, citycode=c)), queries)
        for name, queries in sets.items()
    }
    return {
        "build_s": build_seconds,
        "size_mb": index_path.stat().st_size / 1e6,
        "memory_mb": _peak_rss_mb(os.getpid()),
        "sets": results,
    }


def measure_service(folder, sets):
    """Our service under gunicorn, its local index only, asked through /api/v1/geocode."""
    import shutil
    import socket

    import httpx

    instance = folder / "instance"
    (instance / "ban").mkdir(parents=True)
    shutil.copy(folder / "index.sqlite", instance / "ban" / "index.sqlite")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CARTO_INSTANCE_PATH": str(instance), "CARTO_GEOCODERS": "local"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
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
    try:
        with httpx.Client(timeout=10) as client:
            _wait_http(client, base + "/api/v1/communes")

            def search(text, citycode=None):
                params = {"q": text, "limit": 1, **({"citycode": citycode} if citycode else {})}
                answer = client.get(base + "/api/v1/geocode", params=params)
                features = answer.json()["features"] if answer.status_code == 200 else []
                return tuple(features[0]["geometry"]["coordinates"]) if features else None

            for _ in range(20):
                search("rue de paris")  # both workers load the index
            results = {name: _run(search, queries) for name, queries in sets.items()}
        memory = _tree_peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"build_s": None, "size_mb": None, "memory_mb": memory, "sets": results}


def measure_addok(ban_path, communes, folder, sets):
    import httpx

    from devtools.services import AddokServer, RedisServer
    from geo.geocoding.addok_export import write_addok_documents

    documents = folder / "addok-synthetique.ndjson"
    started = time.perf_counter()
    write_addok_documents([ban_path], communes, documents)
    with RedisServer(folder / "redis") as redis:
        server = AddokServer(folder / "addok", redis, gunicorn_workers=2)
        server.load(documents)
        build_seconds = time.perf_counter() - started
        with server, httpx.Client(timeout=10) as client:

            def http_search(text, citycode=None):
                params = {"q": text, "limit": 1, **({"citycode": citycode} if citycode else {})}
                payload = client.get(server.url + "/search/", params=params).json()
                features = payload["features"]
                return tuple(features[0]["geometry"]["coordinates"]) if features else None

            for _ in range(20):
                http_search("rue de paris")
            http = {name: _run(http_search, queries) for name, queries in sets.items()}
            served_mb = _tree_peak_rss_mb(server.process.pid)
        redis_mb = _redis_memory_mb(redis.port)
        engine = run_isolated(measure_addok_in_process, str(server.config), sets)
    return {
        "Addok, service (gunicorn ×2)": {
            "build_s": build_seconds,
            "size_mb": redis_mb,
            "memory_mb": served_mb + redis_mb,
            "sets": http,
        },
        "Addok, in-process": {
            "build_s": build_seconds,
            "size_mb": redis_mb,
            "memory_mb": engine["memory_mb"] + redis_mb,
            "sets": engine["sets"],
        },
    }


def measure_addok_in_process(config_path, sets):
    os.environ["ADDOK_CONFIG_MODULE"] = config_path
    from addok.config import config

    config.load()
    from addok.core import search

    def first(text, citycode=None):
        results = search(text, limit=1, **({"citycode": citycode} if citycode else {}))
        return (results[0].lon, results[0].lat) if results else None

    first("rue de paris")
    results = {name: _run(first, queries) for name, queries in sets.items()}
    return {"sets": results, "memory_mb": _peak_rss_mb(os.getpid())}


def _first(results):
    return (results[0].lon, results[0].lat) if results else None


def _run(search, queries):
    """Latencies, and (style, right?) for each query; an exception counts as an error, not a crash.
    The queries without a commune are asked again with the commune the volunteer would have chosen
    (``citycode``), as the search page sends it."""
    latencies, right, errors = [], [], 0
    for text, lon, lat, style, citycode in queries:
        started = time.perf_counter()
        try:
            found = search(text)
        except Exception:  # noqa: BLE001 - a benchmark counts failures instead of stopping
            found, errors = None, errors + 1
        latencies.append(time.perf_counter() - started)
        right.append((style, found is not None and _metres(found, (lon, lat)) <= RIGHT_WITHIN_M))
        if style == "number street":
            try:
                found = search(text, citycode)
            except Exception:  # noqa: BLE001
                found, errors = None, errors + 1
            right.append((COMMUNE_CHOSEN, found is not None and _metres(found, (lon, lat)) <= RIGHT_WITHIN_M))
    return {"latencies": latencies, "right": right, "errors": errors}


def _metres(a, b):
    from geo.projection import to_lambert93

    (x1, y1), (x2, y2) = to_lambert93(*a), to_lambert93(*b)
    return math.hypot(x1 - x2, y1 - y2)


def _peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _tree_peak_rss_mb(pid):
    """Peak RSS of a server and its workers (gunicorn forks them), summed."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return _peak_rss_mb(pid) + sum(_peak_rss_mb(int(child)) for child in children)


def _redis_memory_mb(port):
    import socket

    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"INFO memory\r\n")
        time.sleep(0.2)
        info = conn.recv(65536).decode(errors="replace")
    used = next(line for line in info.splitlines() if line.startswith("used_memory:"))
    return int(used.split(":")[1]) / 1e6


def _wait_http(client, url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.get(url).status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


# --- report ---------------------------------------------------------------------------------------


def report(engines):
    print(
        f"{'engine':30} {'set':12} {'weighted top-1':>14} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
        f"{'memory MB':>10} {'build s':>8}"
    )
    for name, engine in engines.items():
        for set_name, result in engine["sets"].items():
            build = f"{engine['build_s']:8.1f}" if engine["build_s"] is not None else f"{'':8}"
            print(
                f"{name:30} {set_name:12} {_shown(_accuracy(result['right'])):>14} "
                f"{_p(result['latencies'], 50) * 1000:8.2f} {_p(result['latencies'], 95) * 1000:8.2f} "
                f"{result['errors']:7d} {engine['memory_mb']:10.0f} {build}"
            )
    for set_name in ("held out", "development"):
        print(f"\nTop-1 accuracy by style, {set_name} set (weight in parentheses):")
        print(f"{'style':38}" + "".join(f"{name[:22]:>24}" for name in engines))
        for style, weight in STYLES.items():
            cells = "".join(
                f"{_shown(_accuracy(e['sets'][set_name]['right'], style)):>24}" for e in engines.values()
            )
            print(f"{style + f' ({weight} %)':38}" + cells)
        cells = "".join(
            f"{_shown(_accuracy(e['sets'][set_name]['right'], COMMUNE_CHOSEN)):>24}" for e in engines.values()
        )
        print(f"{'  … same, commune chosen (citycode)':38}" + cells)


def _accuracy(right, style=None) -> float | None:
    kept = [ok for kind, ok in right if kind == style or (style is None and kind != COMMUNE_CHOSEN)]
    return sum(kept) / len(kept) if kept else None


def _shown(share: float | None) -> str:
    """A share as a percentage; « — » when no query had that style."""
    return "—" if share is None else f"{share:.1%}"


def _p(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _describe_machine() -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    from importlib.metadata import version

    print(
        f"{dt.date.today()} · {platform.platform()} · {os.cpu_count()} CPU · load {load} · "
        f"Python {platform.python_version()}"
    )
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    print(
        "rapidfuzz "
        + version("rapidfuzz")
        + " · addok "
        + version("addok")
        + " · addok-fr "
        + version("addok-fr")
        + " · addok-france "
        + version("addok-france")
        + " · gunicorn "
        + version("gunicorn")
        + " · "
        + " ".join(redis[:3])
    )


if __name__ == "__main__":
    main()
