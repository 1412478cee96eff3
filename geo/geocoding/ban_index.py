"""The embedded geocoder: an on-disk index of the official BAN address file, searched in-process.

``build_index`` turns BAN CSV files into one SQLite file (streets and house numbers), written next to
its target and swapped in atomically. ``LocalBanGeocoder`` keeps the streets in memory for fuzzy
matching (rapidfuzz) and reads house numbers from SQLite; it notices a re-import by the file's mtime.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz, process

from geo.geocoding.ban_file import communes_filter, read_ban
from geo.geocoding.base import (
    GeocodeResult,
    GeocoderUnavailable,
    check_coordinates,
    check_search_arguments,
)
from geo.geocoding.normalize import STREET_TYPES, core_words, normalize, parse
from geo.geocoding.streets import group_by_street
from geo.projection import to_lambert93

if TYPE_CHECKING:
    import shapely

BACKEND = "ban-local"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE streets (id INTEGER PRIMARY KEY, ban_id TEXT, name TEXT NOT NULL, postcode TEXT,
                      citycode TEXT NOT NULL, city TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL);
CREATE TABLE numbers (street_id INTEGER NOT NULL, number INTEGER NOT NULL, rep TEXT NOT NULL,
                      lon REAL NOT NULL, lat REAL NOT NULL, ban_id TEXT NOT NULL);
"""
CANDIDATES = 25
RESOLVED = 8
_REVERSE_MAX_DISTANCE_M = 1_000.0


@dataclass(frozen=True)
class IndexSummary:
    addresses: int
    streets: int
    communes: int
    path: Path


def build_index(
    paths: Sequence[Path],
    communes: Iterable[str],
    target: Path,
    progress: Callable[[int], None] | None = None,
) -> IndexSummary:
    """Index the addresses of the BAN ``paths`` located in ``communes`` (INSEE or département codes).

    Raises BanFileError on a file that is not a BAN export; the previous index stays in place.
    """
    keep = communes_filter(communes)
    streets = group_by_street(address for path in paths for address in read_ban(Path(path), keep, progress))
    street_rows: list[tuple[object, ...]] = []
    number_rows: list[tuple[object, ...]] = []
    for street_id, street in enumerate(streets):
        point = street.representative
        street_rows.append(
            (
                street_id,
                street.ban_id,
                street.name,
                street.postcode,
                street.citycode,
                street.city,
                point.lon,
                point.lat,
            )
        )
        number_rows.extend((street_id, a.numero, a.rep, a.lon, a.lat, a.id) for a in street.addresses)
    communes_found = sorted({street.citycode for street in streets})
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(temporary)
        with db:
            db.executescript(_SCHEMA)
            db.executemany("INSERT INTO streets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", street_rows)
            db.executemany("INSERT INTO numbers VALUES (?, ?, ?, ?, ?, ?)", number_rows)
            db.execute("CREATE INDEX numbers_by_street ON numbers (street_id, number)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("addresses", str(len(number_rows))),
                    ("streets", str(len(street_rows))),
                    ("communes", ",".join(communes_found)),
                ],
            )
        db.close()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return IndexSummary(len(number_rows), len(street_rows), len(communes_found), target)


@dataclass(frozen=True)
class _Street:
    id: int
    ban_id: str
    name: str
    postcode: str
    citycode: str
    city: str
    lon: float
    lat: float


class _Loaded:
    """The in-memory part of one version of the index file."""

    def __init__(self, db: sqlite3.Connection):
        rows = db.execute(
            "SELECT id, ban_id, name, postcode, citycode, city, lon, lat FROM streets ORDER BY id"
        ).fetchall()
        self.streets = [_Street(*row) for row in rows]
        normalized = [normalize(street.name).split() for street in self.streets]
        self.names = [" ".join(words) for words in normalized]
        self.sorted_names = [" ".join(sorted(words)) for words in normalized]
        self.cores = [" ".join(sorted(core_words(words))) for words in normalized]
        self.types = [next((w for w in words if w in STREET_TYPES), "") for words in normalized]
        by_city: defaultdict[str, list[int]] = defaultdict(list)
        for position, street in enumerate(self.streets):
            by_city[street.citycode].append(position)
        self.everywhere = _Choices.of(self, range(len(self.streets)))
        self.by_city = {code: _Choices.of(self, positions) for code, positions in by_city.items()}
        self.citycodes = frozenset(self.by_city)
        self.postcodes = frozenset(street.postcode for street in self.streets)
        self.city_aliases = city_aliases({street.citycode: street.city for street in self.streets})
        self.reverse_tree: shapely.STRtree | None = None
        self.reverse_rows: list[tuple[Any, ...]] = []


@dataclass(frozen=True)
class _Choices:
    """A set of streets with their match strings side by side, as rapidfuzz wants them."""

    positions: list[int]
    sorted_names: list[str]
    cores: list[str]
    names: list[str]

    @classmethod
    def of(cls, loaded: _Loaded, positions: Iterable[int]) -> _Choices:
        positions = list(positions)
        return cls(
            positions,
            [loaded.sorted_names[p] for p in positions],
            [loaded.cores[p] for p in positions],
            [loaded.names[p] for p in positions],
        )


def city_aliases(names: dict[str, str]) -> dict[str, str]:
    """Folded commune names (``names``: INSEE code → name) → INSEE code, with the first word alone
    when it is unambiguous: how a query may name a commune."""
    aliases = {normalize(name): code for code, name in names.items()}
    first_words = Counter(normalize(name).split()[0] for name in names.values())
    for code, name in names.items():
        first = normalize(name).split()[0]
        if first_words[first] == 1 and len(first) >= 4:
            aliases.setdefault(first, code)
    return aliases


class LocalBanGeocoder:
    """Search and reverse over the local BAN index; raises GeocoderUnavailable until it is built."""

    name = BACKEND

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._version: tuple[int, int] | None = None
        self._loaded: _Loaded | None = None

    def covers(self, *, citycode: str | None = None, postcode: str | None = None) -> bool:
        try:
            loaded = self._state()[0]
        except GeocoderUnavailable:
            return True  # Not built yet: asking it yields the reason, « lancez carto ban import ».
        if citycode:
            return citycode in loaded.citycodes
        if postcode:
            return postcode in loaded.postcodes
        return bool(loaded.streets)

    def search(
        self,
        q: str,
        *,
        limit: int = 5,
        autocomplete: bool = False,
        citycode: str | None = None,
        postcode: str | None = None,
        near: tuple[float, float] | None = None,
    ) -> list[GeocodeResult]:
        check_search_arguments(limit, near)
        loaded, db = self._state()
        parsed = parse(q)
        if not parsed.words:
            return []
        pool = _pool(loaded, citycode, postcode)
        if pool is None or not pool.positions:
            return []
        scored: dict[int, float] = {}
        for words, city in _readings(parsed.words, loaded.city_aliases):
            # A commune given (``citycode``) is a filter, as Addok's: the one typed only tells which
            # words are not the street's.
            choices = pool if city is None or citycode else loaded.by_city[city]
            for position, similarity in _match_streets(loaded, choices, words, autocomplete):
                street = loaded.streets[position]
                factor = 1.0
                if (city is not None and not citycode) or parsed.postcode:
                    factor = 1.0 if citycode or city in (None, street.citycode) else 0.85
                    if parsed.postcode and street.postcode != parsed.postcode:
                        factor *= 0.9
                scored[position] = max(scored.get(position, 0.0), similarity * factor)
            if city is not None and scored and max(scored.values()) >= 0.9:
                break  # The commune named in the query holds a good match: look no further.
        ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
        if near is not None:
            ranked = _favour_near(loaded, ranked, near)
        # Resolve more streets than asked when the name alone ties: a house number that exists on
        # only one of them decides. House-number factors are ≥ 0.8, so weaker names cannot win.
        best = ranked[0][1] if ranked else 0.0
        contenders = [
            item for i, item in enumerate(ranked[: max(limit, RESOLVED)]) if i < limit or item[1] > best * 0.8
        ]
        results = [
            _resolve(db, loaded.streets[position], score, parsed.housenumber, parsed.suffix)
            for position, score in contenders
        ]
        return sorted(results, key=lambda r: -r.score)[:limit]

    def reverse(self, lon: float, lat: float, *, limit: int = 1) -> list[GeocodeResult]:
        check_coordinates(lon, lat)
        check_search_arguments(limit)
        loaded, db = self._state()
        tree, rows = self._reverse_tree(loaded, db)
        if tree is None:
            return []
        import shapely

        x, y = to_lambert93(lon, lat)
        point = shapely.Point(x, y)
        nearby = tree.query(point, predicate="dwithin", distance=_REVERSE_MAX_DISTANCE_M)
        if len(nearby) == 0:
            return []
        distances = shapely.distance(tree.geometries.take(nearby), point)
        order = np.argsort(distances, kind="stable")[:limit]
        results = []
        for index in order:
            street_position, number, rep, pt_lon, pt_lat, ban_id = rows[int(nearby[index])]
            street = loaded.streets[street_position]
            score = max(0.0, 1.0 - float(distances[index]) / _REVERSE_MAX_DISTANCE_M)
            results.append(_housenumber_result(street, number, rep, pt_lon, pt_lat, ban_id, score))
        return results

    def before_fork(self) -> None:
        """Load the streets and the tree of points (for reverse geocoding) now, then close this
        thread's connection: forked workers share what was loaded, and each opens its own."""
        try:
            loaded, db = self._state()
        except GeocoderUnavailable:
            return  # not built yet: each worker will say so
        self._reverse_tree(loaded, db)
        db.close()
        self._local = threading.local()  # a forked worker's main thread would find it otherwise

    def _state(self) -> tuple[_Loaded, sqlite3.Connection]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise GeocoderUnavailable(
                f"index BAN local absent ({self.path}) : lancez « carto ban import »"
            ) from None
        version = (stat.st_mtime_ns, stat.st_ino)
        with self._lock:
            if version != self._version:
                # closed now: a connection lives until the cyclic GC otherwise (its statement cache
                # refers back to it), and the gunicorn master freezes what is left before forking
                with contextlib.closing(self._connect()) as db:
                    self._loaded = _Loaded(db)
                self._version = version
            loaded = self._loaded
        assert loaded is not None
        local = self._local
        if getattr(local, "version", None) != version:
            local.db = self._connect()
            local.version = version
        connection: sqlite3.Connection = local.db
        return loaded, connection

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def _reverse_tree(
        self, loaded: _Loaded, db: sqlite3.Connection
    ) -> tuple[shapely.STRtree | None, list[tuple[Any, ...]]]:
        import shapely  # only to look up a point: the search by text needs none

        with self._lock:
            if loaded.reverse_tree is None:
                rows = db.execute("SELECT street_id, number, rep, lon, lat, ban_id FROM numbers").fetchall()
                if not rows:
                    return None, []
                lons = np.array([row[3] for row in rows])
                lats = np.array([row[4] for row in rows])
                xs, ys = to_lambert93(lons, lats)
                loaded.reverse_rows = rows
                loaded.reverse_tree = shapely.STRtree(np.asarray(shapely.points(xs, ys)))
            return loaded.reverse_tree, loaded.reverse_rows


def _pool(loaded: _Loaded, citycode: str | None, postcode: str | None) -> _Choices | None:
    choices = loaded.by_city.get(citycode) if citycode else loaded.everywhere
    if choices is None or not postcode:
        return choices
    return _Choices.of(loaded, [p for p in choices.positions if loaded.streets[p].postcode == postcode])


def _readings(words: tuple[str, ...], aliases: dict[str, str]) -> list[tuple[tuple[str, ...], str | None]]:
    """Ways to read the words: a commune named somewhere plus a street, or all of it a street.

    Readings naming a commune come first: they search a few hundred streets, not all of them.
    """
    readings: list[tuple[tuple[str, ...], str | None]] = []
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            code = aliases.get(phrase)
            if code is None and size == 1 and len(phrase) >= 5 and not phrase.isdigit():
                match = process.extractOne(phrase, aliases.keys(), scorer=fuzz.ratio, score_cutoff=85)
                code = aliases[match[0]] if match else None
            rest = words[:start] + words[start + size :]
            if code and rest and (rest, code) not in readings:
                readings.append((rest, code))
    readings.append((words, None))
    return readings


def _match_streets(
    loaded: _Loaded, choices: _Choices, words: tuple[str, ...], autocomplete: bool
) -> list[tuple[int, float]]:
    """Candidate streets among ``choices`` with a text similarity in 0–1."""
    query_sorted = " ".join(sorted(words))
    query_core = " ".join(sorted(core_words(words)))
    query_type = next((w for w in words if w in STREET_TYPES), "")
    query_text = " ".join(words)
    searches = [(query_sorted, choices.sorted_names, fuzz.ratio)]
    if query_core:
        searches.append((query_core, choices.cores, fuzz.ratio))
    if autocomplete and len(query_text) >= 3:
        searches.append((query_text, choices.names, fuzz.partial_ratio))
    found: dict[int, float] = {}
    for query, strings, scorer in searches:
        for _, _, index in process.extract(query, strings, scorer=scorer, limit=CANDIDATES, score_cutoff=50):
            position = choices.positions[index]
            if position not in found:
                found[position] = _similarity(
                    loaded, position, query_sorted, query_core, query_type, query_text, autocomplete
                )
    return list(found.items())


def _similarity(
    loaded: _Loaded,
    position: int,
    query_sorted: str,
    query_core: str,
    query_type: str,
    query_text: str,
    autocomplete: bool,
) -> float:
    whole = fuzz.ratio(query_sorted, loaded.sorted_names[position])
    core = 0.0
    if query_core:
        core = fuzz.ratio(query_core, loaded.cores[position]) * 0.97
        if query_type and loaded.types[position] and query_type != loaded.types[position]:
            core *= 0.9
    prefix = 0.0
    if autocomplete and len(query_text) >= 3:
        name = loaded.names[position]
        prefix = fuzz.ratio(query_text, name[: len(query_text)]) * (0.9 + 0.1 * len(query_text) / len(name))
    return max(whole, core, prefix) / 100


def _favour_near(
    loaded: _Loaded, ranked: Sequence[tuple[int, float]], near: tuple[float, float]
) -> list[tuple[int, float]]:
    """Among equally good matches, the closest to ``near`` first."""
    x0, y0 = to_lambert93(*near)

    def key(item: tuple[int, float]) -> tuple[float, float]:
        street = loaded.streets[item[0]]
        x, y = to_lambert93(street.lon, street.lat)
        return (-round(item[1], 2), (x - x0) ** 2 + (y - y0) ** 2)

    return sorted(ranked, key=key)


_EQUIVALENT_REPS = {"bis": ("bis", "b"), "ter": ("ter", "t"), "quater": ("quater", "q")}


def _resolve(
    db: sqlite3.Connection, street: _Street, score: float, wanted: int | None, suffix: str | None
) -> GeocodeResult:
    """The result for ``street``: the house number asked for, else the nearest known, else the street."""
    if wanted is None:
        return _street_result(street, score)
    same_number: list[_NumberRow] = db.execute(
        "SELECT number, rep, lon, lat, ban_id FROM numbers WHERE street_id = ? AND number = ?",
        (street.id, wanted),
    ).fetchall()
    reps = _EQUIVALENT_REPS.get(suffix or "", (suffix or "",))
    exact = [row for row in same_number if row[1] in reps]
    if exact:
        return _housenumber_result(street, *exact[0], score)
    plain = [row for row in same_number if row[1] == ""]
    if plain:
        return _housenumber_result(street, *plain[0], score * 0.95, approximate=bool(suffix))
    rows: list[_NumberRow] = (
        same_number
        or db.execute(
            "SELECT number, rep, lon, lat, ban_id FROM numbers WHERE street_id = ?", (street.id,)
        ).fetchall()
    )
    if not rows:
        return _street_result(street, score * 0.8, approximate=True)
    nearest = min(rows, key=lambda row: (abs(row[0] - wanted), (row[0] - wanted) % 2, row[1]))
    return _housenumber_result(street, *nearest, score * 0.85, approximate=True)


def _street_result(street: _Street, score: float, approximate: bool = False) -> GeocodeResult:
    return GeocodeResult(
        label=f"{street.name} {street.postcode} {street.city}",
        lon=street.lon,
        lat=street.lat,
        score=round(min(score, 1.0), 4),
        type="street",
        backend=BACKEND,
        street=street.name,
        postcode=street.postcode,
        citycode=street.citycode,
        city=street.city,
        id=street.ban_id,
        approximate=approximate,
    )


_NumberRow = tuple[int, str, float, float, str]
"""number, rep, lon, lat, ban_id: a house number as the index holds it."""


def _housenumber_result(
    street: _Street,
    number: int,
    rep: str,
    lon: float,
    lat: float,
    ban_id: str,
    score: float,
    approximate: bool = False,
) -> GeocodeResult:
    housenumber = f"{number} {rep}".strip() if rep else str(number)
    return GeocodeResult(
        label=f"{housenumber} {street.name} {street.postcode} {street.city}",
        lon=lon,
        lat=lat,
        score=round(min(score, 1.0), 4),
        type="housenumber",
        backend=BACKEND,
        housenumber=housenumber,
        street=street.name,
        postcode=street.postcode,
        citycode=street.citycode,
        city=street.city,
        id=ban_id,
        approximate=approximate,
    )
