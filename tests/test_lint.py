"""The code passes ruff's checks (pyflakes, pycodestyle, import order, bugbear, pyupgrade), is in
ruff's format, and type-checks (mypy: strict on geo/, plain on webmap/), as configured in
pyproject.toml: the same checks as the pre-commit hooks."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT

CHECKED = ["geo", "webmap", "tests", "benchmarks", "devtools", "scripts", "notebooks", "gunicorn.conf.py"]


def test_code_has_no_lint_errors():
    _passes("ruff", "check", "--output-format", "concise", *CHECKED)


def test_code_is_in_ruff_s_format():
    _passes("ruff", "format", "--check", *CHECKED)


def test_code_type_checks():
    _passes("mypy")  # the files and settings of pyproject.toml's [tool.mypy]


def _passes(tool: str, *arguments: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", tool, *arguments], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
