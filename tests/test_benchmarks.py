"""Every benchmark documents itself (``--help``, as the README says) and runs: on a tiny input, each
prints its figures. The figures themselves are read by people (docs quote them with their command),
never asserted by a timed test."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.support import ROOT

BENCHMARKS = sorted(path.name for path in (ROOT / "benchmarks").glob("*.py"))
TINY = {
    "field.py": (["--runs", "1"], ["first results (cold)", "next search (warm)", "load average after"]),
    "geocoding.py": (
        ["--queries", "20"],
        [
            "weighted top-1",
            "with commune",
            "styles where passing the commune lowers ours",
            "load average after",
        ],
    ),
    "memory.py": (
        ["--workers", "1", "--transit-scale", "0.01"],
        [
            "private per worker",
            "preload_app = False",
            "made-up timetable at scale 0.01",
            "load average after",
        ],
    ),
    "nearest.py": (
        ["--queries", "5", "--actors", "2000", "--points", "1000"],
        ["k = 1, no filter", "k = 5, one leaf thématique", "k = 5, one category", "Coverage batch"],
    ),
    "pack.py": (["--actors", "500"], ["carried: ", "pack built in", "load average after"]),
    "scale.py": (
        ["--actors", "500", "--queries", "5"],
        ["disagreements between the two indexes", "memory per worker", "load average after"],
    ),
    "startup.py": (["--runs", "1"], ["python -c 'import flask'", "carto --help", "load average after"]),
    "transit_engines.py": (["--questions", "20"], ["nigiri: 0 of 20 answers differ", "load average after"]),
    "travel.py": (
        ["--scale", "0.01", "--searches", "3"],
        ["carto transit import", "the trips add", "load average after"],
    ),
    "web_load.py": (
        ["--seconds", "1", "--connections", "2", "--rounds", "2"],
        ["req/s min–median–max", "weight of /embed/carte", "load average after"],
    ),
}
"""Each benchmark's smallest run, and words its report must hold."""


def test_the_readme_names_every_benchmark():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BENCHMARKS and all(name in readme for name in BENCHMARKS)


def test_every_benchmark_has_a_tiny_run():
    assert sorted(TINY) == BENCHMARKS


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_help_works(name):
    result = subprocess.run(
        [sys.executable, f"benchmarks/{name}", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(TINY))
def test_benchmark_prints_its_figures_on_a_tiny_input(name):
    if name == "web_load.py" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (./dev test installs it)")
    arguments, words = TINY[name]
    result = subprocess.run(
        [sys.executable, f"benchmarks/{name}", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert all(word in result.stdout for word in words), result.stdout[-3000:]
    assert "nan" not in result.stdout.split(), result.stdout[-3000:]
