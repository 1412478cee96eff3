"""A GTFS feed kept in the instance folder: the files the engine loads, its dates, and the lines.

``import_feed`` checks a GTFS ``.zip``, keeps its text files and writes ``lines.sqlite`` beside them:
which trip leaves which stop at which minute, so that a ride the engine found is said with its line
(« bus 122 ») and the number of stops. The folder is replaced whole, or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REQUIRED = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
CALENDARS = ("calendar.txt", "calendar_dates.txt")
SUMMARY = "feed.json"
LINES = "lines.sqlite"


class FeedError(ValueError):
    """The file is not a GTFS feed the engine can load."""


@dataclass(frozen=True)
class Feed:
    """What the instance folder holds: where, from when to when, how big."""

    folder: Path
    start: dt.date
    end: dt.date
    publisher: str
    stops: int
    routes: int

    def out_of_date(self, on: dt.date) -> bool:
        return not self.start <= on <= self.end

    @classmethod
    def read(cls, folder: Path) -> Feed | None:
        try:
            data = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(
            folder,
            dt.date.fromisoformat(data["start"]),
            dt.date.fromisoformat(data["end"]),
            data["publisher"],
            data["stops"],
            data["routes"],
        )


def import_feed(archive: Path, folder: Path) -> Feed:
    """Check ``archive`` and keep it in ``folder`` (replacing what was there)."""
    try:
        with zipfile.ZipFile(archive) as opened:
            names = {Path(name).name: name for name in opened.namelist() if name.endswith(".txt")}
            missing = [name for name in REQUIRED if name not in names]
            if missing or not any(name in names for name in CALENDARS):
                wanted = ", ".join(missing or ["calendar.txt ou calendar_dates.txt"])
                raise FeedError(f"{archive.name} : flux GTFS incomplet (manque {wanted})")
            staging = folder.with_name(f".{folder.name}.new")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            for name, member in names.items():
                with opened.open(member) as source, open(staging / name, "wb") as target:
                    shutil.copyfileobj(source, target)
    except (zipfile.BadZipFile, OSError) as error:
        raise FeedError(f"{archive.name} : archive GTFS illisible ({error})") from None
    try:
        start, end = _validity(staging)
        stops, routes = _write_lines(staging)
        publisher = next((row.get("feed_publisher_name", "") for row in _rows(staging, "feed_info.txt")), "")
        publisher = publisher or next(row["agency_name"] for row in _rows(staging, "agency.txt"))
    except (KeyError, ValueError, StopIteration) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise FeedError(f"{archive.name} : flux GTFS illisible ({error})") from None
    summary = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "publisher": publisher,
        "stops": stops,
        "routes": routes,
    }
    (staging / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    previous = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.replace(previous)
    staging.replace(folder)
    shutil.rmtree(previous, ignore_errors=True)
    return Feed(folder, start, end, publisher, stops, routes)


def minutes_of(clock: str) -> int:
    """« 25:10:00 » → 1510 minutes after the service day's start (GTFS times go past 24:00); seconds
    are dropped, as the engine drops them."""
    hours, minutes, _ = (int(part) for part in clock.strip().split(":"))
    return hours * 60 + minutes


def _validity(folder: Path) -> tuple[dt.date, dt.date]:
    """The feed's own dates (feed_info.txt), else the span of its calendars."""
    for row in _rows(folder, "feed_info.txt"):
        if row.get("feed_start_date") and row.get("feed_end_date"):
            return _date(row["feed_start_date"]), _date(row["feed_end_date"])
    days = [_date(row[key]) for row in _rows(folder, "calendar.txt") for key in ("start_date", "end_date")]
    days += [
        _date(row["date"]) for row in _rows(folder, "calendar_dates.txt") if row.get("exception_type") == "1"
    ]
    if not days:
        raise ValueError("aucun jour de service")
    return min(days), max(days)


def _write_lines(folder: Path) -> tuple[int, int]:
    db = sqlite3.connect(folder / LINES)
    try:
        db.executescript(
            """
            CREATE TABLE stops (
                stop_id TEXT PRIMARY KEY, name TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL
            );
            CREATE TABLE routes (route_id TEXT PRIMARY KEY, line TEXT NOT NULL, type INTEGER NOT NULL);
            CREATE TABLE trips (trip_id TEXT PRIMARY KEY, route_id TEXT NOT NULL);
            CREATE TABLE stop_times (
                trip_id TEXT NOT NULL, sequence INTEGER NOT NULL, stop_id TEXT NOT NULL,
                arrival INTEGER, departure INTEGER, PRIMARY KEY (trip_id, sequence)
            ) WITHOUT ROWID;
            """
        )
        stops = db.executemany(
            "INSERT INTO stops VALUES (?, ?, ?, ?)",
            (
                (r["stop_id"], r["stop_name"], float(r["stop_lon"]), float(r["stop_lat"]))
                for r in _rows(folder, "stops.txt")
                if r.get("location_type", "") in ("", "0")  # where vehicles stop, not stations or exits
            ),
        ).rowcount
        routes = db.executemany(
            "INSERT INTO routes VALUES (?, ?, ?)",
            (
                (
                    r["route_id"],
                    r.get("route_short_name") or r.get("route_long_name", ""),
                    int(r["route_type"]),
                )
                for r in _rows(folder, "routes.txt")
            ),
        ).rowcount
        db.executemany(
            "INSERT INTO trips VALUES (?, ?)",
            ((r["trip_id"], r["route_id"]) for r in _rows(folder, "trips.txt")),
        )
        db.executemany(
            "INSERT INTO stop_times VALUES (?, ?, ?, ?, ?)",
            (
                (
                    r["trip_id"],
                    int(r["stop_sequence"]),
                    r["stop_id"],
                    minutes_of(r["arrival_time"]) if r.get("arrival_time") else None,
                    minutes_of(r["departure_time"]) if r.get("departure_time") else None,
                )
                for r in _rows(folder, "stop_times.txt")
            ),
        )
        db.execute("CREATE INDEX stop_times_at ON stop_times (stop_id, departure)")
        db.commit()
    finally:
        db.close()
    return stops, routes


def _rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    path = folder / name
    if not path.exists():
        return
    with open(path, encoding="utf-8-sig", newline="") as text:
        yield from csv.DictReader(text)


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text.strip(), "%Y%m%d").date()
