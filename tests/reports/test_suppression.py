"""Suppression: no published count from 1 to 4, and no suppressed count can be recomputed from the totals.

The second property is checked independently of the algorithm: for every suppressed cell a linear program
(scipy) finds the smallest and largest value the cell can take given every published number of the table
(all cells non-negative). If both are equal, the cell could be recomputed.
"""

import random
from datetime import UTC, datetime

import pytest
from scipy.optimize import linprog

from lotse.reports.periods import Period
from lotse.reports.suppression import THRESHOLD, protect, protect_table, table_lines
from lotse.reports.tables import Audience, Column, Report, Row, Table


def table(values, *, row_totals=True, additive=True, distinct_totals=None, internal_only=False):
    columns = [Column(f"c{index}", f"C{index}") for index in range(len(values[0]))]
    rows = [Row(f"r{index}", f"R{index}", list(line)) for index, line in enumerate(values)]
    return Table(key="t", title="T", row_header="R", columns=columns, rows=rows, row_totals=row_totals,
                 additive=additive, distinct_totals=distinct_totals, internal_only=internal_only)


def feasible_range(protected: Table, position) -> tuple[float, float]:
    """Smallest and largest value of a suppressed cell consistent with everything published."""
    grid, shown = protected.grid(), protected.shown()
    hidden = sorted(protected.suppressed)
    index = {p: i for i, p in enumerate(hidden)}
    equations, rhs = [], []
    for line in table_lines(protected):
        coefficients, known = [0.0] * len(hidden), 0.0
        for p in line:
            sign = -1.0 if p == line[-1] else 1.0
            if p in index:
                coefficients[index[p]] += sign
            else:
                known += sign * shown[p[0]][p[1]]
        if any(coefficients):
            equations.append(coefficients)
            rhs.append(-known)
    objective = [0.0] * len(hidden)
    objective[index[position]] = 1.0
    kwargs = {"A_eq": equations, "b_eq": rhs} if equations else {}
    low = linprog(objective, bounds=[(0, None)] * len(hidden), method="highs", **kwargs)
    high = linprog([-v for v in objective], bounds=[(0, None)] * len(hidden), method="highs", **kwargs)
    assert low.status == 0, "the published figures must be consistent with the true ones"
    assert grid[position[0]][position[1]] >= low.fun - 1e-6
    return low.fun, (-high.fun if high.status == 0 else float("inf"))


def assert_safe(protected: Table) -> None:
    for line in protected.shown():
        assert not any(value is not None and 0 < value < THRESHOLD for value in line), line
    for position in protected.suppressed:
        low, high = feasible_range(protected, position)
        assert high - low >= 1 - 1e-6, f"cell {position} recomputable: {low}..{high}"


def test_small_counts_are_hidden_with_complements_in_row_and_column():
    protected = protect_table(table([[3, 10, 12], [8, 20, 9], [20, 30, 15]]))
    shown = protected.shown()
    assert shown[0][0] is None
    # the row of the 3 and its column each lose their next-smallest count (10 and 8) ...
    assert shown[0][1] is None and shown[1][0] is None
    # ... which closes a rectangle: 8 and 10 must then be balanced by the 20 between them
    assert shown[1][1] is None
    assert [shown[3][3], shown[0][3], shown[2][2]] == [127, 25, 15]
    assert_safe(protected)


def test_a_single_column_list_hides_a_second_row():
    protected = protect_table(table([[3], [10], [20]], row_totals=False))
    assert protected.shown() == [[None], [None], [20], [33]]
    assert_safe(protected)


def test_a_small_total_is_hidden_too():
    protected = protect_table(table([[1, 2], [0, 0]]))
    shown = protected.shown()
    assert shown[0] == [None, None, None] and shown[2] == [None, None, None]
    assert shown[1] == [0, 0, 0]
    assert_safe(protected)


def test_zero_and_large_counts_stay_visible():
    protected = protect_table(table([[0, 12], [7, 0]]))
    assert protected.suppressed == set()
    assert protected.shown() == [[0, 12, 12], [7, 0, 7], [7, 12, 19]]


def test_multi_valued_tables_have_no_sums_to_protect_so_only_small_counts_go():
    protected = protect_table(table([[3, 40], [25, 2]], row_totals=False, additive=False,
                                    distinct_totals=[26, 41]))
    assert protected.shown() == [[None, 40], [25, None], [26, 41]]


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_leak(seed):
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 7), rng.randint(1, 6)
    values = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30, 120]) for _ in range(columns)] for _ in range(rows)]
    protected = protect_table(table(values, row_totals=rng.random() < 0.7))
    assert_safe(protected)


def test_protect_drops_staff_tables_and_small_headline_counts():
    report = Report(kind="x", title="X", scope_label="", period=Period.parse("2026-10"),
                    audience=Audience.INTERNAL,
                    sections=[table([[3, 9]]), table([[1, 1]], internal_only=True)], organisation_ids=[1],
                    generated_at=datetime(2026, 11, 21, tzinfo=UTC), figures={"few": 3, "many": 12, "rate": 0.25})
    protected = protect(report)
    assert protected.audience is Audience.EXTERNAL
    assert len(protected.sections) == 1
    assert protected.figures == {"few": None, "many": 12, "rate": 0.25}
    assert report.sections[0].suppressed == set(), "the original report is left as it was"
