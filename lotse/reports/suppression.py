"""Statistical disclosure control for figures that leave the team (coordinator view, funder exports).

Primary suppression hides every count from 1 to 4. Secondary suppression then hides further cells until no
hidden count can be recomputed from the published row and column totals: every line (row or column with a
published total) holds either no hidden cell or at least two, and no hidden cell is fixed by the system of
published sums (checked exactly with rational Gaussian elimination, which also catches "bridges" between
groups of hidden cells that the two-per-line rule alone misses). Complements are the smallest non-zero cells,
preferring body cells to totals, so as little information as possible is lost. Zero stays visible: it is not
a count of a person.
"""

from __future__ import annotations

import copy
from fractions import Fraction

from lotse.reports.tables import Audience, Report, Table

THRESHOLD = 5

Position = tuple[int, int]


def is_primary(value: int | None) -> bool:
    return value is not None and 0 < value < THRESHOLD


def table_lines(table: Table) -> list[list[Position]]:
    """The published linear relations of a table: each line's last position is the sum of the others."""
    body_rows, body_columns = len(table.rows), len(table.columns)
    grid_rows = body_rows + (1 if table.has_total_row else 0)
    lines: list[list[Position]] = []
    if table.row_totals:
        lines += [[(r, c) for c in range(body_columns + 1)] for r in range(grid_rows)]
    if table.additive and table.has_total_row:
        grid_columns = body_columns + (1 if table.row_totals else 0)
        lines += [[(r, c) for r in range(body_rows + 1)] for c in range(grid_columns)]
    return lines


def suppress(grid: list[list[int]], lines: list[list[Position]], threshold: int = THRESHOLD) -> set[Position]:
    values = {(r, c): value for r, line in enumerate(grid) for c, value in enumerate(line)}
    totals = {line[-1] for line in lines}
    hidden = {position for position, value in values.items() if 0 < value < threshold}

    def complement(candidates: list[Position]) -> Position | None:
        open_cells = [p for p in candidates if p not in hidden]
        if not open_cells:
            return None
        return min(open_cells, key=lambda p: (values[p] == 0, p in totals, values[p], p))

    while True:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in hidden) == 1:
                chosen = complement(line)
                if chosen is not None:
                    hidden.add(chosen)
                    changed = True
        if changed:
            continue
        fixed = determined(lines, hidden)
        if not fixed:
            return hidden
        target = min(fixed)
        neighbours = [p for line in lines if target in line for p in line]
        chosen = complement(neighbours) or complement(list(values))
        if chosen is None:
            return hidden
        hidden.add(chosen)


def determined(lines: list[list[Position]], hidden: set[Position]) -> set[Position]:
    """Hidden positions whose value follows from the published sums (pivot rows without free variables)."""
    variables = sorted(hidden)
    index = {p: i for i, p in enumerate(variables)}
    matrix: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(variables)
        for p in line:
            if p in index:
                row[index[p]] += -1 if p == line[-1] else 1
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    rank = 0
    for column in range(len(variables)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [value / lead for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank])]
        pivots.append(column)
        rank += 1
    pivot_set = set(pivots)
    result = set()
    for r, column in enumerate(pivots):
        if all(matrix[r][c] == 0 for c in range(len(variables)) if c not in pivot_set):
            result.add(variables[column])
    return result


def protect_table(table: Table) -> Table:
    protected = copy.deepcopy(table)
    protected.suppressed = suppress(protected.grid(), table_lines(protected))
    return protected


def protect(report: Report) -> Report:
    """The report as it may leave the team: suppressed tables and headline figures, audience EXTERNAL."""
    protected = copy.copy(report)
    protected.sections = [protect_table(table) for table in report.sections if not table.internal_only]
    protected.figures = {key: (None if isinstance(value, int) and is_primary(value) else value)
                         for key, value in report.figures.items()}
    protected.audience = Audience.EXTERNAL
    return protected
