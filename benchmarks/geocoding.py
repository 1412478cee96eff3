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

Besides, noise models of their own, none read from the index's tables: the street type left out or
replaced by another (a list written here), sound-alike spellings (French spellings of one sound,
a list written here), and the commune's name as people shorten or misspell it (« St », « s/ »,
hyphens dropped, one letter off).

Every query is asked twice: as typed, and with the true commune passed (``citycode``), as the search
page sends it once the volunteer chose a commune. Accuracy is reported per style, without and with
the commune, for every engine.

Engines, each as deployed and each engine against engine: ours behind the service (gunicorn, 2 workers,
``/api/v1/geocode``, which searches in autocomplete mode as the suggestions do) and in-process; Addok
1.2.1 (addok-fr, addok-france) behind gunicorn (2 workers, its WSGI app) over a real Redis, and
in-process. The two services answer in turns (ours, Addok, ours…, one query each), and so do the two
in-process engines, loaded in one process; latencies are p50/p95 over the queries. Memory is measured
the same way for both: what the serving processes hold together once warm (the sum of their PSS,
which counts shared pages once), and the peak RSS of a process running one engine alone (plus
Redis's used memory for Addok). Needs redis-server and the ``addok`` extra (both installed by
./dev).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

from devtools.measure import children_of, load_average, machine_line, memory_of, percentile

ROOT = Path(__file__).resolve().parent.parent
RIGHT_WITHIN_M = 25.0

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
    "no street type": 4,
    "other street type": 3,
    "sound-alike spelling": 4,
    "commune shortened or misspelt": 4,
}
STREET_TYPES_TYPED = ("Rue", "Avenue", "Boulevard", "Allée", "Impasse", "Place", "Chemin", "Villa", "Sentier")
"""What people put instead of a street's true type: written for this benchmark, not the index's list."""
SOUND_ALIKE = (
    ("é", "er"),
    ("è", "ai"),
    ("eau", "o"),
    ("au", "o"),
    ("ph", "f"),
    ("ll", "l"),
    ("mm", "m"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("qu", "k"),
    ("ai", "é"),
    ("ch", "sh"),
    ("y", "i"),
)
"""French spellings of one sound (Catach's graphemes), swapped as someone writing by ear would."""
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
    _main(args, communes)
    print(f"load average after: {load_average()}")


def _main(args, communes) -> None:
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

        engines = measure(ban_path, communes, folder, sets)
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
            "no street type": f"{number} {_without_type(street)} {city}",
            "other street type": f"{number} {_other_type(street, rng)} {city}",
            "sound-alike spelling": f"{number} {_sound_alike(street, rng)} {city}",
            "commune shortened or misspelt": f"{number} {street} {_commune_variant(city, rng)}",
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


def _without_type(street: str) -> str:
    words = street.split()
    return " ".join(words[1:]) if len(words) > 1 else street


def _other_type(street: str, rng) -> str:
    words = street.split()
    others = [t for t in STREET_TYPES_TYPED if t.lower() != words[0].lower()]
    return " ".join([rng.choice(others), *words[1:]]) if len(words) > 1 else street


def _sound_alike(street: str, rng) -> str:
    words = street.split()
    found = [(i, a, b) for i, w in enumerate(words[1:], 1) for a, b in SOUND_ALIKE if a in w.lower()]
    if not found:
        return _typo(street, rng)
    i, a, b = rng.choice(found)
    words[i] = words[i].lower().replace(a, b, 1)
    return " ".join(words)


def _commune_variant(city: str, rng) -> str:
    """How people write a commune's name: « St » for Saint, « s/ » for sur or sous, hyphens as
    spaces or gone, the first word alone, or one letter off."""
    variants = [city.replace("-", " "), city.replace("-", "")]
    if "-sur-" in city or "-sous-" in city:
        variants.append(city.replace("-sur-", " s/ ").replace("-sous-", " s/s "))
        variants.append(city.split("-")[0])
    if city.startswith("Saint"):
        variants.append(city.replace("Saint", "St", 1))
    variants.append(_typo(city.replace("-", " "), rng))
    return rng.choice(variants)


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


def build_local(ban_path, communes, folder) -> float:
    from geo.geocoding.ban_index import build_index

    started = time.perf_counter()
    build_index([ban_path], communes, folder / "index.sqlite")
    return time.perf_counter() - started


def local_search(index_path):
    from geo.geocoding.ban_index import LocalBanGeocoder

    geocoder = LocalBanGeocoder(index_path)
    geocoder.search("rue de paris")  # load the index
    return lambda q, c=None: _first(geocoder.search(q, limit=1, citycode=c))


def addok_search(config_path):
    os.environ["ADDOK_CONFIG_MODULE"] = str(config_path)
    from addok.config import config

    config.load()
    from addok.core import search

    def first(text, citycode=None):
        results = search(text, limit=1, **({"citycode": citycode} if citycode else {}))
        return (results[0].lon, results[0].lat) if results else None

    first("rue de paris")
    return first


def in_process_both(index_path, config_path, sets):
    """Ours and Addok in one process, answering in turns."""
    return _run_turns({"ours": local_search(index_path), "Addok": addok_search(config_path)}, sets)


def memory_alone(kind, path, sets):
    """Peak RSS of a process holding one engine, after it answered the held-out set once."""
    search = local_search(path) if kind == "ours" else addok_search(path)
    for text, *_ in sets["held out"]:
        search(text)
    return _peak_rss_mb(os.getpid())


def measure(ban_path, communes, folder, sets):
    """Both engines as services (answering in turns), then in-process (in turns), then each alone for
    its memory."""
    import httpx

    from devtools.services import AddokServer, CartoServer, RedisServer
    from geo.geocoding.addok_export import write_addok_documents

    ours_build = build_local(ban_path, communes, folder)
    documents = folder / "addok-synthetique.ndjson"
    started = time.perf_counter()
    write_addok_documents([ban_path], communes, documents)
    with RedisServer(folder / "redis") as redis:
        addok = AddokServer(folder / "addok", redis, gunicorn_workers=2)
        addok.load(documents)
        addok_build = time.perf_counter() - started
        ours_service = CartoServer(folder / "instance", folder / "index.sqlite", GEOCODERS="local")
        with addok, ours_service, httpx.Client(timeout=10) as client:
            ours_url, ours_pid = ours_service.url, ours_service.pid

            def ours(text, citycode=None):
                params = {"q": text, "limit": 1, **({"citycode": citycode} if citycode else {})}
                answer = client.get(ours_url + "/api/v1/geocode", params=params)
                features = answer.json()["features"] if answer.status_code == 200 else []
                return tuple(features[0]["geometry"]["coordinates"]) if features else None

            def theirs(text, citycode=None):
                params = {"q": text, "limit": 1, **({"citycode": citycode} if citycode else {})}
                features = client.get(addok.url + "/search/", params=params).json()["features"]
                return tuple(features[0]["geometry"]["coordinates"]) if features else None

            for _ in range(20):  # every worker of both loads what it needs
                ours("rue de paris")
                theirs("rue de paris")
            served = _run_turns({"ours": ours, "Addok": theirs}, sets)
            served_mb = {"ours": _service_mb(ours_pid), "Addok": _service_mb(addok.process.pid)}
        redis_mb = _redis_memory_mb(redis.port)
        local = run_isolated(in_process_both, folder / "index.sqlite", str(addok.config), sets)
        alone = {
            "ours": run_isolated(memory_alone, "ours", folder / "index.sqlite", sets),
            "Addok": run_isolated(memory_alone, "Addok", str(addok.config), sets) + redis_mb,
        }
    builds = {"ours": ours_build, "Addok": addok_build}
    engines = {}
    for engine in ("ours", "Addok"):
        extra = redis_mb if engine == "Addok" else 0.0
        engines[f"{engine}, service (gunicorn ×2)"] = {
            "build_s": builds[engine],
            "memory_mb": served_mb[engine] + extra,
            "sets": served[engine],
        }
        engines[f"{engine}, in-process"] = {
            "build_s": builds[engine],
            "memory_mb": alone[engine],
            "sets": local[engine],
        }
    return engines


def _first(results):
    return (results[0].lon, results[0].lat) if results else None


def _run_turns(engines, sets):
    """Each query asked of each engine in turn, as typed and with the true commune (``citycode``):
    by engine and set, latencies (as typed), and (style, commune given?, right?) per question; an
    exception counts as an error, not a crash."""
    results = {name: {} for name in engines}
    for set_name, queries in sets.items():
        runs = {name: {"latencies": [], "right": [], "errors": 0} for name in engines}
        for text, lon, lat, style, citycode in queries:
            for commune in (None, citycode):
                for name, search in engines.items():
                    run = runs[name]
                    started = time.perf_counter()
                    try:
                        found = search(text, commune)
                    except Exception:  # noqa: BLE001 - a benchmark counts failures instead of stopping
                        found, run["errors"] = None, run["errors"] + 1
                    if commune is None:
                        run["latencies"].append(time.perf_counter() - started)
                    ok = found is not None and _metres(found, (lon, lat)) <= RIGHT_WITHIN_M
                    run["right"].append((style, commune is not None, ok))
        for name in engines:
            results[name][set_name] = runs[name]
    return results


def _metres(a, b):
    from geo.projection import to_lambert93

    (x1, y1), (x2, y2) = to_lambert93(*a), to_lambert93(*b)
    return math.hypot(x1 - x2, y1 - y2)


def _peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _service_mb(pid):
    """What a server and its workers (gunicorn forks them) hold together: the sum of their PSS, which
    counts once the pages they share."""
    return sum(memory_of(process)["pss"] for process in [pid, *children_of(pid)])


def _redis_memory_mb(port):
    import socket

    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"INFO memory\r\n")
        time.sleep(0.2)
        info = conn.recv(65536).decode(errors="replace")
    used = next(line for line in info.splitlines() if line.startswith("used_memory:"))
    return int(used.split(":")[1]) / 1e6


# --- report ---------------------------------------------------------------------------------------


def report(engines):
    print(
        f"{'engine':30} {'set':12} {'weighted top-1':>14} {'with commune':>13} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>7} {'memory MB':>10} {'build s':>8}"
    )
    for name, engine in engines.items():
        for set_name, result in engine["sets"].items():
            p50, p95 = (percentile(result["latencies"], q) * 1000 for q in (50, 95))
            print(
                f"{name:30} {set_name:12} {_shown(_accuracy(result['right'], False)):>14} "
                f"{_shown(_accuracy(result['right'], True)):>13} {p50:8.2f} {p95:8.2f} "
                f"{result['errors']:7d} {engine['memory_mb']:10.0f} {engine['build_s']:8.1f}"
            )
    shown = [name for name in engines if "in-process" in name]
    for set_name in ("held out", "development"):
        print(
            f"\nTop-1 accuracy by style, {set_name} set (weight in parentheses), without → with the commune:"
        )
        print(f"{'style':40}" + "".join(f"{name:>26}" for name in shown))
        for style, weight in STYLES.items():
            cells = ""
            for name in shown:
                right = engines[name]["sets"][set_name]["right"]
                without, with_ = _accuracy(right, False, style), _accuracy(right, True, style)
                worse = " ←" if name.startswith("ours") and without is not None and with_ < without else ""
                cells += f"{_shown(without) + ' → ' + _shown(with_) + worse:>26}"
            print(f"{style + f' ({weight} %)':40}" + cells)
    lowered = [
        (set_name, style)
        for set_name in ("held out", "development")
        for style in STYLES
        for name in shown
        if name.startswith("ours")
        and (without := _accuracy(engines[name]["sets"][set_name]["right"], False, style)) is not None
        and _accuracy(engines[name]["sets"][set_name]["right"], True, style) < without
    ]
    print(f"\nstyles where passing the commune lowers ours: {len(lowered)} {lowered or ''}")


def _accuracy(right, commune: bool, style=None) -> float | None:
    """The share right among the questions asked with (or without) the commune, of ``style`` or all
    weighted by ``STYLES``."""
    kept = [(kind, ok) for kind, given, ok in right if given == commune and (style is None or kind == style)]
    if not kept:
        return None
    if style is not None:
        return sum(ok for _, ok in kept) / len(kept)
    return sum(ok for _, ok in kept) / len(kept)  # the styles were drawn by their weights


def _shown(share: float | None) -> str:
    """A share as a percentage; « — » when no query had that style."""
    return "—" if share is None else f"{share:.1%}"


def _describe_machine() -> None:
    from importlib.metadata import version

    print(machine_line())
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    packages = ("rapidfuzz", "addok", "addok-fr", "addok-france", "gunicorn")
    print(" · ".join(f"{name} {version(name)}" for name in packages) + " · " + " ".join(redis[:3]))


if __name__ == "__main__":
    main()
