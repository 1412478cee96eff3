"""What every benchmark does the same way: it states the machine and its load before and after, runs
the methods it compares interleaved (A B A B…, never one block each), and reports min–median–max
over rounds."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def machine_line() -> str:
    """Today, the machine and its load average (1, 5, 15 min): the first line of every report."""
    return (
        f"{dt.date.today()} · {platform.platform()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPU · Python {platform.python_version()} · load {load_average()}"
    )


@contextmanager
def stated_load(title: str) -> Iterator[None]:
    """Print the machine before a benchmark's figures and its load average after them."""
    print(machine_line())
    print(f"== {title}")
    yield
    print(f"load average after: {load_average()}")


def load_average() -> str:
    """The load average over 1, 5 and 15 minutes."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Rounds:
    """One method's measurements: per round, the latency of each question (seconds), and its answers."""

    latencies: list[list[float]] = field(default_factory=list)
    answers: list[object] = field(default_factory=list)

    def p(self, q: int) -> list[float]:
        """The ``q``-th percentile of each round."""
        return [percentile(round_, q) for round_ in self.latencies]

    def spread(self, q: int = 50, scale: float = 1e6, digits: int = 1) -> str:
        """« min–median–max » over rounds of the ``q``-th percentile, in µs by default."""
        return spread([value * scale for value in self.p(q)], digits)


def interleaved(
    methods: dict[str, Callable[[int], object]], questions: int, rounds: int = 5
) -> dict[str, Rounds]:
    """Each method answers questions 0 … ``questions`` - 1 in a warm loop of its own, the methods
    taking turns round after round, so that a change of load touches them all alike. The answers kept
    are those of the last round."""
    measured = {name: Rounds() for name in methods}
    for _ in range(rounds):
        for name, method in methods.items():
            latencies, answers = [], []
            for q in range(questions):
                begin = time.perf_counter()
                answers.append(method(q))
                latencies.append(time.perf_counter() - begin)
            measured[name].latencies.append(latencies)
            measured[name].answers = answers
    return measured


def spread(values: Sequence[float], digits: int = 1) -> str:
    """« min–median–max » of ``values``."""
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{low:.{digits}f}–{middle:.{digits}f}–{high:.{digits}f}"


def percentile(values: Sequence[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def memory_of(pid: int) -> dict[str, float]:
    """A process's memory in MB (``/proc/PID/smaps_rollup``): ``uss``, what no other process maps
    (what it really costs); ``pss``, its proportional share of what it maps (these add up across
    processes); ``rss``, all it maps."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return {
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
        "pss": fields["Pss"],
        "rss": fields["Rss"],
    }


def children_of(pid: int) -> list[int]:
    """The process ids ``pid`` forked (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return sorted(found)
