"""The code passes pyflakes and pycodestyle checks (through ruff), line length as in setup.cfg."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CHECKED = ["geo", "webmap", "tests", "benchmarks", "devtools", "scripts"]


def test_code_has_no_lint_errors():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F,E,W", "--line-length", "110",
         "--output-format", "concise", *CHECKED],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
