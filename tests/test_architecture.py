"""geo/ is the pure core: it never imports Flask or Folium; the search's index is chosen in one place."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

FORBIDDEN = {"flask", "folium", "webmap"}


def _imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_geo_module_imports_flask_or_folium():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_top_level_modules(path) & FORBIDDEN)
        for path in (ROOT / "geo").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_all_of_geo_loads_neither_flask_nor_folium():
    scripts = ROOT / "geo" / "store" / "migrations"  # run by Alembic, not imported
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "geo").rglob("*.py")
        if p.parent not in (scripts, scripts / "versions") or p.name == "__init__.py"
    )
    assert "geo.search.service" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'folium')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


INDEX_CLASSES = {"ActorIndex", "StoreNearest", "NearestFirst", "PostgresStore", "SQLiteStore"}
INDEX_FACTORY = ROOT / "geo" / "search" / "indexes.py"


def test_the_index_is_chosen_by_its_factory_only():
    """No ``isinstance`` on an index or a store, no reading of which index is configured, outside
    ``geo.search.indexes`` (and ``nearest``'s own convenience of taking a list of actors)."""
    allowed = {INDEX_FACTORY, ROOT / "geo" / "search" / "nearest.py"}
    offenders = []
    for path in [*(ROOT / "geo").rglob("*.py"), *(ROOT / "webmap").rglob("*.py")]:
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            checked = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "isinstance"
                and INDEX_CLASSES & {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            )
            named = isinstance(node, ast.Constant) and node.value == "postgis"
            if checked or named:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
