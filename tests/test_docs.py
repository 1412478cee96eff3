"""The data-model documentation states the fields declared and the kind mapping the code applies."""

from __future__ import annotations

from geo.actors.fields import GROUPS, Field
from geo.actors.kinds import KINDS
from geo.actors.model import FIELDS
from tests.support import ROOT

BEGIN, END = "<!-- kinds:begin -->", "<!-- kinds:end -->"
FIELDS_BEGIN, FIELDS_END = "<!-- fields:begin -->", "<!-- fields:end -->"


def fields_table() -> str:
    """docs/data-model.md's table of the fields, from their declarations (geo.actors.model)."""
    lines = [
        "| field | type | limits | data·inclusion | form | meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for declared in FIELDS:
        form = f"{GROUPS[declared.group]}: « {declared.label} »" if declared.group else ""
        cells = [
            f"`{declared.name}`",
            _type(declared),
            declared.limits,
            f"`{declared.data_inclusion}`" if declared.data_inclusion else "ours",
            form,
            declared.doc,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def _type(declared: Field) -> str:
    what = {"text": "text", "list": "list", "integer": "integer", "number": "number", "date": "date"}
    shown = what[declared.kind]
    if declared.vocabulary is not None:
        values = list(declared.vocabulary)
        named = " or ".join(f"`{v}`" for v in values) if len(values) <= 4 else f"{len(values)} slugs"
        shown += f" of {named}" if declared.kind == "list" else f": {named}"
    elif declared.pattern or declared.item_pattern:
        shown += f" `{declared.pattern or declared.item_pattern}`"
    flags = [word for word, on in (("required", declared.required), ("or null", declared.nullable)) if on]
    return shown + (f" ({', '.join(flags)})" if flags else "")


def test_data_model_doc_shows_every_declared_field():
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    documented = text.split(FIELDS_BEGIN, 1)[1].split(FIELDS_END, 1)[0].strip()
    assert documented == fields_table(), (
        "regenerate with: python -c 'from tests.test_docs import fields_table; print(fields_table())'"
    )


def kinds_table() -> str:
    lines = [
        "| kind | label | thématiques | publics | réseaux porteurs | âges | frais | zone |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind in KINDS.values():
        ages = f"{kind.age_min}–{kind.age_max}" if kind.age_min is not None else ""
        lines.append(
            " | ".join(
                [
                    f"| `{kind.slug}`",
                    kind.label,
                    "<br>".join(kind.thematiques),
                    ("<br>".join(kind.publics) + f" ({kind.publics_rule})")
                    if kind.publics
                    else "tous publics",
                    "<br>".join(kind.reseaux_porteurs),
                    ages,
                    kind.frais or "",
                    kind.zone or "",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def test_data_model_doc_shows_the_kind_mapping_in_force():
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == kinds_table(), (
        "regenerate with: python -c 'from tests.test_docs import kinds_table; print(kinds_table())'"
    )


def test_web_doc_lists_every_blueprint_with_its_module(app):
    text = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and line.count("`") >= 4]
    documented = {
        cells[2].strip("` "): cells[4].strip("` ")
        for cells in (row.split("|") for row in rows)
        if len(cells) == 6 and cells[4].strip().startswith("`webmap/")
    }
    expected = {
        name: blueprint.import_name.replace(".", "/") + ".py" for name, blueprint in app.blueprints.items()
    }
    assert documented == expected
    assert f"through {len(expected)} blueprints" in text
