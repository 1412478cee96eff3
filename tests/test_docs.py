"""The data-model documentation states the kind mapping the code applies."""

from __future__ import annotations

from geo.actors.kinds import KINDS
from tests.conftest import ROOT

BEGIN, END = "<!-- kinds:begin -->", "<!-- kinds:end -->"


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
                    "<br>".join(kind.publics) or "tous publics",
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
