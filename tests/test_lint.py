"""The code passes pyflakes, pycodestyle and import-order checks (ruff, configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CHECKED = ["geo", "webmap", "tests", "benchmarks", "devtools", "scripts"]


def test_code_has_no_lint_errors():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", *CHECKED],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
