"""Every benchmark documents itself: ``--help`` works, as the README says, without running anything."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BENCHMARKS = sorted(path.name for path in (ROOT / "benchmarks").glob("*.py"))


def test_the_readme_names_every_benchmark():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BENCHMARKS and all(name in readme for name in BENCHMARKS)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_help_works(name):
    result = subprocess.run(
        [sys.executable, f"benchmarks/{name}", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
