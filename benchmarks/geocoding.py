"""Local BAN index vs Addok, on identical data: accuracy, latency, build time, size, memory.

    .venv/bin/python benchmarks/geocoding.py            # synthetic BAN (≥ 50,000 addresses)
    .venv/bin/python benchmarks/geocoding.py --ban adresses-93.csv.gz --communes 93

The synthetic file (``geo.geocoding.synthetic``: common French street-name patterns, made-up
positions, labelled « synthetique ») stands in for the real BAN, which is not available offline.
Queries carry the noise people type; a top-1 answer is right when within 25 m of the true point.
Addok 1.2.1 (addok-fr, addok-france) runs for real on a local Redis; it is timed both through its
HTTP API (as deployed) and in-process (engine against engine). Needs redis-server and the `addok`
extra (both installed by ./dev test).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.services import AddokServer, RedisServer  # noqa: E402
from geo.geocoding.addok_export import write_addok_documents  # noqa: E402
from geo.geocoding.ban_file import communes_filter, read_ban  # noqa: E402
from geo.geocoding.synthetic import generate, write_ban_csv  # noqa: E402
from geo.projection import to_lambert93  # noqa: E402

NOISES = ("exact", "no_accents_upper", "abbreviated", "typo", "no_postcode", "suffix",
          "extra_words", "reordered", "no_commune")
ABBREVIATIONS = {"Avenue": "av", "Boulevard": "bd", "Rue": "r", "Place": "pl", "Impasse": "imp",
                 "Allée": "all", "Chemin": "ch", "Square": "sq", "Passage": "pass", "Route": "rte",
                 "Saint": "st", "Sainte": "ste", "Général": "gal", "Maréchal": "mal"}
RIGHT_WITHIN_M = 25.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--ban", type=Path, help="a real BAN file instead of the synthetic one")
    parser.add_argument("--communes", default="93048,93006,93014,93031,93079",
                        help="INSEE or département codes kept (default: the five communes)")
    parser.add_argument("--queries", type=int, default=1800)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    communes = args.communes.split(",")

    with tempfile.TemporaryDirectory(prefix="bench-geocoding-") as folder:
        folder = Path(folder)
        if args.ban:
            ban_path = args.ban
            label = f"real BAN file {ban_path.name}"
        else:
            ban_path = write_ban_csv(folder / "adresses-synthetique.csv", generate(330, 32, seed=args.seed))
            label = "synthetic BAN (labelled « synthetique »)"
        truth = [a for a in read_ban(ban_path, communes_filter(communes))]
        streets = {(a.code_insee, a.nom_voie) for a in truth}
        print(f"Data: {label}: {len(truth):,} addresses on {len(streets):,} streets")
        queries = make_queries(truth, args.queries, random.Random(args.seed))
        print(f"Queries: {len(queries):,} ({', '.join(NOISES)})\n")

        local = run_isolated(measure_local, ban_path, communes, folder / "index.sqlite", queries)
        addok = measure_addok(ban_path, communes, folder, queries)
    report(local, addok)


def make_queries(truth, count, rng):
    """(typed text, lon, lat, noise kind) for addresses drawn at random."""
    with_suffix = [a for a in truth if a.rep]
    queries = []
    for index in range(count):
        noise = NOISES[index % len(NOISES)]
        a = rng.choice(with_suffix if noise == "suffix" and with_suffix else truth)
        number = f"{a.numero}{' ' + a.rep if a.rep else ''}"
        text = {
            "exact": f"{number} {a.nom_voie} {a.code_postal} {a.nom_commune}",
            "no_accents_upper": _strip_accents(f"{number} {a.nom_voie} {a.nom_commune}").upper(),
            "abbreviated": f"{number} {_abbreviate(a.nom_voie)} {a.code_postal} {a.nom_commune}",
            "typo": f"{number} {_typo(a.nom_voie, rng)} {a.nom_commune}",
            "no_postcode": f"{number} {a.nom_voie} {a.nom_commune}",
            "suffix": f"{a.numero}{a.rep} {a.nom_voie} {a.code_postal} {a.nom_commune}",
            "extra_words": f"appartement {rng.randint(1, 99)}, {number} {a.nom_voie}, bat B, "
                           f"{rng.randint(1, 9)}e étage {a.code_postal} {a.nom_commune}",
            "reordered": f"{a.nom_commune} {a.code_postal} {a.nom_voie} {number}",
            "no_commune": f"{number} {a.nom_voie}",
        }[noise]
        queries.append((text, a.lon, a.lat, noise))
    return queries


def _strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _abbreviate(name):
    return " ".join(ABBREVIATIONS.get(word, word) for word in name.split())


def _typo(name, rng):
    words = name.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return name
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]  # swap two letters
    return " ".join(words)


def run_isolated(function, *args):
    """Run ``function`` in a fresh process, so its peak memory is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def measure_local(ban_path, communes, index_path, queries):
    from geo.geocoding.ban_index import LocalBanGeocoder, build_index

    started = time.perf_counter()
    build_index([ban_path], communes, index_path)
    build_seconds = time.perf_counter() - started
    geocoder = LocalBanGeocoder(index_path)
    geocoder.search("rue de paris")  # load the index
    latencies, right = _run(lambda q: _first(geocoder.search(q, limit=1)), queries)
    return {
        "name": "local BAN index (in-process)", "build_s": build_seconds,
        "size_mb": index_path.stat().st_size / 1e6, "peak_mb": _peak_rss_mb(os.getpid()),
        "latencies": latencies, "right": right,
    }


def measure_addok(ban_path, communes, folder, queries):
    import httpx

    documents = folder / "addok-synthetique.ndjson"
    started = time.perf_counter()
    write_addok_documents([ban_path], communes, documents)
    with RedisServer(folder / "redis") as redis:
        server = AddokServer(folder / "addok", redis)
        server.load(documents)
        build_seconds = time.perf_counter() - started
        with server, httpx.Client(timeout=10) as client:
            def http_search(text):
                payload = client.get(server.url + "/search/", params={"q": text, "limit": 1}).json()
                features = payload["features"]
                return tuple(features[0]["geometry"]["coordinates"]) if features else None

            http_search("rue de paris")
            latencies, right = _run(http_search, queries)
            addok_peak = _peak_rss_mb(server.process.pid)
        memory = _redis_memory_mb(redis.port)
        engine = run_isolated(measure_addok_in_process, str(server.config), queries)
    return [
        {"name": "Addok 1.2.1 (HTTP API)", "build_s": build_seconds, "size_mb": memory,
         "peak_mb": memory + addok_peak, "latencies": latencies, "right": right},
        {"name": "Addok 1.2.1 (in-process)", "build_s": build_seconds, "size_mb": memory,
         "peak_mb": memory + engine["peak_mb"], "latencies": engine["latencies"],
         "right": engine["right"]},
    ]


def measure_addok_in_process(config_path, queries):
    os.environ["ADDOK_CONFIG_MODULE"] = config_path
    from addok.config import config
    config.load()
    from addok.core import search

    def first(text):
        results = search(text, limit=1)
        return (results[0].lon, results[0].lat) if results else None

    first("rue de paris")
    latencies, right = _run(first, queries)
    return {"latencies": latencies, "right": right, "peak_mb": _peak_rss_mb(os.getpid())}


def _first(results):
    return (results[0].lon, results[0].lat) if results else None


def _run(search, queries):
    latencies, right = [], []
    for text, lon, lat, noise in queries:
        started = time.perf_counter()
        found = search(text)
        latencies.append(time.perf_counter() - started)
        right.append((noise, found is not None and _metres(found, (lon, lat)) <= RIGHT_WITHIN_M))
    return latencies, right


def _metres(a, b):
    (x1, y1), (x2, y2) = to_lambert93(*a), to_lambert93(*b)
    return math.hypot(x1 - x2, y1 - y2)


def _peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _redis_memory_mb(port):
    import socket
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"INFO memory\r\n")
        time.sleep(0.2)
        info = conn.recv(65536).decode(errors="replace")
    used = next(line for line in info.splitlines() if line.startswith("used_memory:"))
    return int(used.split(":")[1]) / 1e6


def report(local, addoks):
    rows = [local, *addoks]
    print(f"{'engine':32} {'top-1 ≤25 m':>11} {'p50 ms':>8} {'p95 ms':>8} {'build s':>8} "
          f"{'index MB':>9} {'peak MB':>8}")
    for row in rows:
        accuracy = sum(ok for _, ok in row["right"]) / len(row["right"])
        p50, p95 = _percentile(row["latencies"], 50), _percentile(row["latencies"], 95)
        print(f"{row['name']:32} {accuracy:>10.1%} {p50 * 1000:>8.2f} {p95 * 1000:>8.2f} "
              f"{row['build_s']:>8.1f} {row['size_mb']:>9.1f} {row['peak_mb']:>8.0f}")
    print("\nTop-1 accuracy by kind of noise:")
    print(f"{'noise':18}" + "".join(f"{row['name'][:24]:>26}" for row in rows))
    for noise in NOISES:
        cells = []
        for row in rows:
            kept = [ok for kind, ok in row["right"] if kind == noise]
            cells.append(f"{sum(kept) / len(kept):>26.1%}")
        print(f"{noise:18}" + "".join(cells))
    local_p50 = _percentile(local["latencies"], 50)
    local_accuracy = sum(ok for _, ok in local["right"]) / len(local["right"])
    print()
    for addok in addoks:
        accuracy = sum(ok for _, ok in addok["right"]) / len(addok["right"])
        speedup = _percentile(addok["latencies"], 50) / local_p50
        print(f"vs {addok['name']}: p50 {speedup:.1f}× lower (target ≥ 5×), accuracy "
              f"{local_accuracy - accuracy:+.1%} (target ≥ 0)")


def _percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


if __name__ == "__main__":
    main()
