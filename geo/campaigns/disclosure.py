"""What a campaign's breakdowns may show: small cells masked, and no masked cell recomputable.

Statistical offices' rule, applied to every breakdown (commune, IRIS, week, team, « déjà accompagné
par », age band, actors):

1. **Primary suppression**: a figure from 1 to 4 shows « < 5 » (0 stays 0).
2. **Secondary suppression**: the campaign's totals are exact and published, so one masked cell in a
   column is the total less the others. While some masked cell can be recomputed from what is shown,
   the smallest visible figure of its column is masked too, as « masqué » (any value, 0 included).

« Recomputed » is checked exactly (``_exposed``), against a reader who knows every published total, that a
breakdown's figures add up to them, that « < 5 » is 1 to 4 and « masqué » 0 to the total, that within a
row « dont accompagnés par personne » ≤ « en recherche » ≤ « rencontres » (and « mis en lien », « Mes
offres » ≤ « rencontres »), and that a commune's figure is the sum of its IRIS (plus its share of the
encounters with no IRIS). A masked cell is safe when two readings of the table, both consistent with
all of that, give it different values: one is found by moving one encounter between two masked cells,
or else by an integer program (HiGHS, through SciPy).

The exceptions: a column with a single group shows the campaign's own total, and a column of zeros
its total, 0; both are published anyway, so nothing there is masked for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from geo.campaigns.model import SMALL_CELL

PRIMARY = f"< {SMALL_CELL}"
SECONDARY = "masqué"
Shown = int | str
Table = Mapping[str, Mapping[str, int]]
"""A breakdown: group → measure → count."""

NESTED = (
    ("non_accompagnes", "en_recherche"),
    ("en_recherche", "rencontres"),
    ("mises_en_lien", "rencontres"),
    ("demos_mes_offres", "rencontres"),
)
"""(part, whole) pairs of measures within one row: a part never exceeds its whole."""


@dataclass(frozen=True)
class Hierarchy:
    """``child`` rows add up to a ``parent`` row: each IRIS lies in one commune (``parent_of``); the
    child rows with no parent (``unplaced``, « non renseigné ») are shared among the parents unseen."""

    child: str
    parent: str
    parent_of: Callable[[str], str | None]
    unplaced: str


Cell = tuple[str, str, str]
"""(table, row, measure)."""
Unknown = Cell | tuple[str, str, str, str]
"""A masked cell, or ("part", child table, parent row, measure): a parent's unseen share."""
Term = tuple[dict[int, int], int]
"""(unknowns with their coefficients, constant): what a cell's value stands for in the model."""
Constrain = Callable[[list[tuple[int, Term]], float, float], None]
NewUnknown = Callable[[Unknown, int, int, int], int]


def protect(
    tables: Mapping[str, Table], hierarchies: tuple[Hierarchy, ...] = ()
) -> dict[str, dict[str, dict[str, Shown]]]:
    """Each table as it may be shown: counts, « < 5 » and « masqué »."""
    values = _cells(tables)
    masks = {cell: PRIMARY for cell, value in values.items() if 0 < value < SMALL_CELL}
    for component in _components(tables, hierarchies):
        _protect_component(component, masks, hierarchies)
    result: dict[str, dict[str, dict[str, Shown]]] = {}
    for (table, row, measure), value in values.items():
        result.setdefault(table, {}).setdefault(row, {})[measure] = masks.get((table, row, measure), value)
    return result


def _protect_component(
    tables: Mapping[str, Table], masks: dict[Cell, str], hierarchies: tuple[Hierarchy, ...]
) -> None:
    """Mask more of these tied tables until no masked cell can be recomputed. Masking more only ever
    hides more, so a cell found hidden is not checked again."""
    unsure = {cell for cell in masks if cell[0] in tables and _groups_in_column(tables, cell) > 1}
    while unsure:
        exposed = _exposed(tables, {c: k for c, k in masks.items() if c[0] in tables}, hierarchies, unsure)
        unsure = set(exposed)  # and each cell masked below: it must stay hidden too
        columns_done: set[tuple[str, str]] = set()
        for cell in exposed:
            if (cell[0], cell[2]) in columns_done:
                continue  # one more mask per column at a time: it may be enough for its neighbours
            columns_done.add((cell[0], cell[2]))
            companion = _companion(cell, tables, masks, hierarchies)
            if companion is not None:
                masks[companion] = SECONDARY
                if _groups_in_column(tables, companion) > 1:
                    unsure.add(companion)
                continue
            narrowed = _narrowest(cell, tables, masks, hierarchies)
            if narrowed is not None:
                masks[narrowed] = SECONDARY  # nothing left to hide: « < 5 » becomes « masqué », less said
            else:
                unsure.discard(cell)  # all is hidden around it: what remains is a published total


def _components(tables: Mapping[str, Table], hierarchies: tuple[Hierarchy, ...]) -> list[dict[str, Table]]:
    """The tables a reader can combine, in groups: only a hierarchy ties two tables beyond the totals."""
    groups = [{name} for name in tables]
    for h in hierarchies:
        tied = [g for g in groups if h.child in g or h.parent in g]
        groups = [g for g in groups if g not in tied] + [set().union(*tied)] if tied else groups
    return [{name: tables[name] for name in sorted(group)} for group in groups]


# --- the reader's model: integer unknowns, linear constraints ------------------------------------


def _cells(tables: Mapping[str, Table]) -> dict[Cell, int]:
    return {
        (t, r, m): v for t, rows in tables.items() for r, values in rows.items() for m, v in values.items()
    }


def _groups_in_column(tables: Mapping[str, Table], cell: Cell) -> int:
    table, _, measure = cell
    return sum(1 for values in tables[table].values() if measure in values)


@dataclass
class _Model:
    """Unknowns (the masked cells and each parent's unseen share), their bounds, the true solution,
    and constraints Σ coefficient × unknown within [low, high]."""

    names: list[Unknown]
    low: list[float]
    high: list[float]
    truth: list[int]
    rows: list[tuple[dict[int, int], float, float]]
    _rows_of: list[list[int]] = field(default_factory=list)

    def satisfied_after(self, values: list[int], changed: tuple[int, ...]) -> bool:
        """Whether ``values``, the truth but for the unknowns ``changed``, meets every constraint."""
        if any(not self.low[i] <= values[i] <= self.high[i] for i in changed):
            return False
        touched = {r for i in changed for r in self.rows_of[i]}
        return all(
            lo <= sum(c * values[i] for i, c in self.rows[r][0].items()) <= hi
            for r in touched
            for lo, hi in [self.rows[r][1:]]
        )

    @property
    def rows_of(self) -> list[list[int]]:
        if len(self._rows_of) != len(self.names):
            self._rows_of = [[] for _ in self.names]
            for r, (terms, _, _) in enumerate(self.rows):
                for i in terms:
                    self._rows_of[i].append(r)
        return self._rows_of


def _model(
    tables: Mapping[str, Table], masks: Mapping[Cell, str], hierarchies: tuple[Hierarchy, ...]
) -> _Model:
    values = _cells(tables)
    totals: dict[tuple[str, str], int] = {}
    for (table, _, measure), value in values.items():
        totals[table, measure] = totals.get((table, measure), 0) + value
    model = _Model([], [], [], [], [])
    index: dict[Unknown, int] = {}

    def unknown(name: Unknown, low: int, high: int, truth: int) -> int:
        index[name] = len(model.names)
        model.names.append(name)
        model.low.append(low)
        model.high.append(high)
        model.truth.append(truth)
        return index[name]

    for cell in sorted(masks):
        if masks[cell] == PRIMARY:
            unknown(cell, 1, SMALL_CELL - 1, values[cell])
        else:
            unknown(cell, 0, totals[cell[0], cell[2]], values[cell])

    def term(cell: Cell) -> Term:
        """(unknowns, constant) standing for ``cell``'s value."""
        return ({index[cell]: 1}, 0) if cell in index else ({}, values.get(cell, 0))

    def constrain(parts: list[tuple[int, Term]], low: float, high: float) -> None:
        terms: dict[int, int] = {}
        constant = 0
        for sign, (unknowns, value) in parts:
            constant += sign * value
            for i, c in unknowns.items():
                terms[i] = terms.get(i, 0) + sign * c
        terms = {i: c for i, c in terms.items() if c}
        if terms:
            model.rows.append((terms, low - constant, high - constant))

    for (table, measure), total in totals.items():  # each breakdown adds up to the published total
        cells = [(table, row, measure) for row, vals in tables[table].items() if measure in vals]
        constrain([(1, term(c)) for c in cells], total, total)
    for table, rows in tables.items():  # a part never exceeds its whole, within a row
        for row, vals in rows.items():
            for part, whole in NESTED:
                if part in vals and whole in vals:
                    constrain(
                        [(1, term((table, row, part))), (-1, term((table, row, whole)))], -float("inf"), 0
                    )
    for h in hierarchies:
        _hierarchy(h, tables, totals, term, constrain, unknown)
    return model


def _hierarchy(
    h: Hierarchy,
    tables: Mapping[str, Table],
    totals: Mapping[tuple[str, str], int],
    term: Callable[[Cell], Term],
    constrain: Constrain,
    unknown: NewUnknown,
) -> None:
    """A parent's figure = its children's + its share of the unplaced children; the shares add up to
    the unplaced row, and nest like any row."""
    if h.child not in tables or h.parent not in tables:
        return
    children, parents = tables[h.child], tables[h.parent]
    measures = sorted({m for vals in parents.values() for m in vals})
    shares_of: dict[str, list[int]] = {measure: [] for measure in measures}
    for parent, vals in parents.items():
        mine = [row for row in children if row != h.unplaced and h.parent_of(row) == parent]
        shares: dict[str, int] = {}
        for measure in measures:
            parts = [(1, term((h.child, row, measure))) for row in mine]
            if h.unplaced in children:
                truth = vals.get(measure, 0) - sum(children[row].get(measure, 0) for row in mine)
                shares[measure] = unknown(
                    ("part", h.child, parent, measure), 0, totals[h.parent, measure], truth
                )
                shares_of[measure].append(shares[measure])
                parts.append((1, ({shares[measure]: 1}, 0)))
            constrain([*parts, (-1, term((h.parent, parent, measure)))], 0, 0)
        for part, whole in NESTED:
            if part in shares and whole in shares:
                constrain([(1, ({shares[part]: 1}, 0)), (-1, ({shares[whole]: 1}, 0))], -float("inf"), 0)
    if h.unplaced in children:
        for measure, shares_list in shares_of.items():
            constrain(
                [*((1, ({s: 1}, 0)) for s in shares_list), (-1, term((h.child, h.unplaced, measure)))], 0, 0
            )


def _exposed(
    tables: Mapping[str, Table],
    masks: Mapping[Cell, str],
    hierarchies: tuple[Hierarchy, ...],
    checked: Iterable[Cell],
) -> list[Cell]:
    """Those of the masked cells ``checked`` that every reading consistent with all that is shown
    gives the same value."""
    if not checked:
        return []
    model = _model(tables, masks, hierarchies)
    position = {name: i for i, name in enumerate(model.names)}
    return [cell for cell in sorted(checked) if not _hidden(model, position[cell])]


def _hidden(model: _Model, target: int) -> bool:
    """Whether two readings consistent with the model give the unknown ``target`` different values."""
    return _swap_witness(model, target) or _other_value_possible(model, target)


def _swap_witness(model: _Model, target: int) -> bool:
    """One encounter moved between the cell and an unknown it shares a constraint with, everything
    else as it is."""
    neighbours = sorted({i for r in model.rows_of[target] for i in model.rows[r][0]} - {target})
    values = list(model.truth)
    for other, delta in itertools.product(neighbours, (1, -1)):
        values[target] += delta
        values[other] -= delta
        found = model.satisfied_after(values, (target, other))
        values[target] -= delta
        values[other] += delta
        if found:
            return True
    return False


def _other_value_possible(model: _Model, target: int) -> bool:
    """An integer program: is there a reading with the cell below, or above, its true value?"""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    size = len(model.names)
    matrix = np.zeros((len(model.rows), size))
    for r, (terms, _, _) in enumerate(model.rows):
        for i, c in terms.items():
            matrix[r, i] = c
    constraints = (
        [LinearConstraint(matrix, [lo for _, lo, _ in model.rows], [hi for _, _, hi in model.rows])]
        if model.rows
        else []
    )
    truth = model.truth[target]
    for low, high in ((model.low[target], truth - 1), (truth + 1, model.high[target])):
        if low > high:
            continue
        lows, highs = list(model.low), list(model.high)
        lows[target], highs[target] = low, high
        found = milp(
            np.zeros(size),
            constraints=constraints,
            integrality=np.ones(size, dtype=np.int_),
            bounds=Bounds(lows, highs),
        )
        if found.status == 0:
            return True
    return False


def _narrowest(
    cell: Cell, tables: Mapping[str, Table], masks: Mapping[Cell, str], hierarchies: tuple[Hierarchy, ...]
) -> Cell | None:
    """A « < 5 » cell of ``cell``'s column (itself first), of the tied tables or of its row, to show as
    « masqué » instead: the reader then knows less than « 1 to 4 »."""
    for candidates in _places(cell, tables, hierarchies):
        primary = [c for c in candidates if masks.get(c) == PRIMARY]
        if primary:
            return cell if cell in primary else primary[0]
    return None


def _places(cell: Cell, tables: Mapping[str, Table], hierarchies: tuple[Hierarchy, ...]) -> list[list[Cell]]:
    """Where to hide more for ``cell``, in order: its column, the same column of the tables tied to
    it (a commune and its IRIS), the measures of its row that bound it."""
    table, row, measure = cell
    linked = [
        table,
        *(h.parent if h.child == table else h.child for h in hierarchies if table in (h.child, h.parent)),
    ]
    places = [
        [(name, other, measure) for other, vals in tables.get(name, {}).items() if measure in vals]
        for name in linked
    ]
    places.append(
        [
            (table, row, m)
            for pair in NESTED
            if measure in pair
            for m in pair
            if m != measure and m in tables[table][row]
        ]
    )
    return [[c for c in candidates if _column_total(tables, c)] for candidates in places]


def _column_total(tables: Mapping[str, Table], cell: Cell) -> int:
    """A column of zeros says nothing its published total (0) does not: nothing to mask there."""
    table, _, measure = cell
    return sum(values.get(measure, 0) for values in tables[table].values())


def _companion(
    cell: Cell, tables: Mapping[str, Table], masks: Mapping[Cell, str], hierarchies: tuple[Hierarchy, ...]
) -> Cell | None:
    """The visible cell to mask with ``cell``: the smallest non-zero one of its column, else a zero;
    else one in the same column of a table tied to it (a commune and its IRIS); else one of its row
    that bounds it (« en recherche » above « dont accompagnés par personne »)."""
    for candidates in _places(cell, tables, hierarchies):
        visible = [c for c in candidates if c not in masks]
        if visible:
            return min(visible, key=lambda c: (tables[c[0]][c[1]][c[2]] == 0, tables[c[0]][c[1]][c[2]], c))
    return None
