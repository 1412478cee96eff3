"""Reading and writing the curated dataset, ``data/actors.geojson``.

The written file is deterministic — features sorted by id, properties in model order, two-space
indentation, UTF-8, final newline — so that a git diff of a curation shows exactly what changed.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geo.actors.model import Actor, actor_from_feature, actor_to_feature
from geo.actors.validation import Problem, validate_collection


class InvalidDataset(Exception):
    """The dataset cannot be used as it is; ``problems`` says why."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problème(s), dont « {problems[0]} »")


def read_collection(path: Path | str) -> Any:
    """The parsed JSON of a dataset file; raises InvalidDataset when it is not JSON at all."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidDataset(path, [Problem("-", "fichier", f"fichier introuvable : {path}")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidDataset(path, [Problem("-", "fichier", f"JSON illisible : {error}")]) from None
    except RecursionError:
        raise InvalidDataset(path, [Problem("-", "fichier", "JSON trop imbriqué")]) from None


def load_actors(path: Path | str) -> list[Actor]:
    """The actors of a dataset file, in file order; raises InvalidDataset on any problem."""
    data = read_collection(path)
    problems = validate_collection(data)
    if problems:
        raise InvalidDataset(path, problems)
    return [actor_from_feature(feature) for feature in data["features"]]


def dumps_actors(actors: Iterable[Actor]) -> str:
    """The dataset text for these actors: an RFC 7946 FeatureCollection, sorted by id."""
    features = [actor_to_feature(actor) for actor in sorted(actors, key=lambda a: a.id)]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


def write_actors(path: Path | str, actors: Iterable[Actor]) -> None:
    """Write the dataset atomically: readers see the old file or the new one, never half of it."""
    write_text_atomically(Path(path), dumps_actors(actors))


def write_text_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` through a temporary file in the same folder. The file gets the
    mode any program would give it (``mkstemp``'s own is 0600): the one it had, or for a new file
    0666 less the umask — a map meant for a website's folder must be readable by the web server."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (``os.umask`` can only be
    read by setting it, which would race with other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
