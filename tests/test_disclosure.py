"""No masked cell of a campaign's breakdowns can be recomputed from what is shown.

The reader here is written apart from ``geo.campaigns.disclosure``: from the shown tables and the
published totals only, it bounds each masked cell with an integer program (every breakdown adds up to
the totals, « < 5 » is 1 to 4, « masqué » 0 to the total, measures nest within a row, a commune is the
sum of its IRIS and of its share of the encounters with no IRIS). A cell is recomputed when its
smallest and largest possible values meet.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.campaigns.bilan import bilan, shown_breakdowns
from geo.campaigns.model import FUNNEL, Encounter, tally_of
from tests.support import examples

PARTS = (
    ("non_accompagnes", "en_recherche"),
    ("en_recherche", "rencontres"),
    ("mises_en_lien", "rencontres"),
    ("demos_mes_offres", "rencontres"),
)
NO_IRIS = "non renseigné"


def reader_ranges(shown: dict, totals: dict[str, int]) -> dict[tuple, tuple[int, int]]:
    """(smallest, largest) value a reader can give each masked cell of ``shown`` (tables by name)."""
    unknowns: dict[tuple, int] = {}
    low, high = [], []
    for table, rows in shown.items():
        for row, values in rows.items():
            for measure, value in values.items():
                if isinstance(value, str):
                    unknowns[table, row, measure] = len(low)
                    low.append(1 if value == "< 5" else 0)
                    high.append(4 if value == "< 5" else totals[measure])
    equations: list[tuple[dict[int, int], float, float]] = []

    def add(terms: list[tuple[int, tuple]], lo: float, hi: float, extra: dict[int, int] | None = None):
        coefficients, constant = dict(extra or {}), 0
        for sign, cell in terms:
            if cell in unknowns:
                coefficients[unknowns[cell]] = coefficients.get(unknowns[cell], 0) + sign
            else:
                table, row, measure = cell
                constant += sign * shown[table][row][measure]
        equations.append((coefficients, lo - constant, hi - constant))

    for table, rows in shown.items():
        for measure in {m for values in rows.values() for m in values}:
            add(
                [(1, (table, row, measure)) for row in rows if measure in rows[row]],
                totals[measure],
                totals[measure],
            )
        for row, values in rows.items():
            for part, whole in PARTS:
                if part in values and whole in values:
                    add([(1, (table, row, part)), (-1, (table, row, whole))], -np.inf, 0)
    communes, sectors = shown.get("commune", {}), shown.get("iris", {})
    for measure in FUNNEL:
        shares = []
        for commune in communes:
            share = None
            if NO_IRIS in sectors:
                share = len(low)
                low.append(0)
                high.append(totals[measure])
                shares.append(share)
            add(
                [
                    *((1, ("iris", code, measure)) for code in sectors if code[:5] == commune),
                    (-1, ("commune", commune, measure)),
                ],
                0,
                0,
                {share: 1} if share is not None else None,
            )
        if shares:
            add([(-1, ("iris", NO_IRIS, measure))], 0, 0, dict.fromkeys(shares, 1))

    size = len(low)
    matrix = np.zeros((len(equations), size))
    for r, (coefficients, _, _) in enumerate(equations):
        for i, c in coefficients.items():
            matrix[r, i] = c
    constraint = LinearConstraint(matrix, [e[1] for e in equations], [e[2] for e in equations])
    ranges = {}
    for cell, i in unknowns.items():
        ends = []
        for sign in (1, -1):
            objective = np.zeros(size)
            objective[i] = sign
            found = milp(
                objective, constraints=[constraint], integrality=np.ones(size), bounds=Bounds(low, high)
            )
            assert found.status == 0, "the reader finds the shown tables impossible"
            ends.append(round(found.x[i]))
        ranges[cell] = (ends[0], ends[1])
    return ranges


ENCOUNTER = st.fixed_dictionaries(
    {
        "commune": st.sampled_from(["93048", "93006"]),
        "secteur": st.sampled_from([None, "0101", "0102", "0201"]),
        "en_recherche": st.sampled_from(["oui", "non"]),
        "accompagne": st.sampled_from(["oui", "non"]),
        "mise_en_lien": st.booleans(),
        "acteur": st.sampled_from(["acteur-fictif-a", "acteur-fictif-b"]),
        "demo": st.booleans(),
        "semaine": st.integers(0, 2),
        "equipe": st.sampled_from([None, "A"]),
        "tranche_age": st.sampled_from([None, "moins-de-26", "26-44"]),
    }
)


def made_up_log(answers: list[dict]) -> list:
    tallies = []
    for n, a in enumerate(answers):
        seeking = a["en_recherche"] == "oui"
        tallies.append(
            tally_of(
                Encounter(
                    f"00000000-0000-4000-8000-{n:012d}",
                    1,
                    dt.date(2026, 10, 5) + dt.timedelta(weeks=a["semaine"]),
                    a["commune"],
                    a["commune"] + a["secteur"] if a["secteur"] else None,
                    a["en_recherche"],
                    a["accompagne"] if seeking else None,
                    None,
                    a["mise_en_lien"],
                    (a["acteur"],) if a["mise_en_lien"] else (),
                    a["demo"],
                    a["tranche_age"],
                    (),
                    a["equipe"],
                )
            )
        )
    return tallies


def shown_and_true(answers: list[dict]):
    result = bilan(1, made_up_log(answers))
    shown = shown_breakdowns(result)
    tables = {**shown.repartitions, "acteurs": {a: {"mises_en_lien": v} for a, v in shown.acteurs.items()}}
    truth = {
        **{d: {k: f.as_dict() for k, f in g.items()} for d, g in result.repartitions.items()},
        "acteurs": {a: {"mises_en_lien": v} for a, v in result.acteurs.items()},
    }
    return tables, truth, result.journal.as_dict()


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENCOUNTER, min_size=1, max_size=14))
def test_no_masked_cell_can_be_recomputed_from_the_shown_tables_and_totals(answers):
    tables, truth, totals = shown_and_true(answers)
    ranges = {}
    for tied in (
        ("commune", "iris"),
        ("semaine",),
        ("equipe",),
        ("accompagne_par",),
        ("tranche_age",),
        ("acteurs",),
    ):  # only a commune and its IRIS say more of each other than the totals
        ranges.update(reader_ranges({name: tables[name] for name in tied}, totals))
    for (table, row, measure), (smallest, largest) in ranges.items():
        value = truth[table][row][measure]
        assert smallest <= value <= largest
        single_group = sum(measure in values for values in truth[table].values()) == 1
        assert smallest < largest or single_group, (table, row, measure, value)
    for table, rows in tables.items():  # what is shown is true, and small cells are masked
        for row, values in rows.items():
            for measure, shown in values.items():
                value = truth[table][row][measure]
                assert shown == value if isinstance(shown, int) else shown in ("< 5", "masqué")
                assert not 0 < value < 5 or shown == "< 5" or shown == "masqué"
                assert shown != "< 5" or 0 < value < 5


def test_the_probe_s_single_masked_cells_are_no_longer_recovered():
    """A commune of 3 beside one of 40, an actor with 1 beside one with 12: total less the visible
    cells gave each back."""
    answers = [
        {
            "commune": "93048" if n < 40 else "93006",
            "secteur": None,
            "en_recherche": "oui",
            "accompagne": "non",
            "mise_en_lien": n < 13,
            "acteur": "acteur-fictif-a" if n < 12 else "acteur-fictif-b",
            "demo": False,
            "semaine": 0,
            "equipe": None,
            "tranche_age": None,
        }
        for n in range(43)
    ]
    tables, truth, totals = shown_and_true(answers)
    assert tables["commune"]["93006"]["rencontres"] == "< 5"
    assert tables["commune"]["93048"]["rencontres"] == "masqué"  # its partner
    assert tables["acteurs"] == {
        "acteur-fictif-a": {"mises_en_lien": "masqué"},
        "acteur-fictif-b": {"mises_en_lien": "< 5"},
    }
    ranges = reader_ranges(tables, totals)
    assert ranges["commune", "93006", "rencontres"][0] < ranges["commune", "93006", "rencontres"][1]
