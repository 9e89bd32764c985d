"""Geometry of the accessible SVG bar charts of a report table (``reports/_chart.html`` draws them).

A chart shows a subset of the published grid of its table and nothing else: suppressed cells have no bar and
are marked "•" exactly as in the table, which stands next to the chart as its text alternative. Horizontal
bars, one group per row; the series are the table's columns when there are at most three (the monthly
comparison: this month, previous month, last year), otherwise the total column when the table publishes one,
otherwise the first column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lotse.reports.tables import TOTAL_LABEL, Table

WIDTH = 680
LABEL_WIDTH = 230
VALUE_SPACE = 60
TOP = 12
LEGEND_HEIGHT = 24
BAR_HEIGHT = 14
BAR_GAP = 2
ROW_GAP = 10
AXIS_SPACE = 26
LABEL_CHARS = 34
MAX_SERIES = 3
MAX_ROWS = 60
# Dark enough against white for non-text contrast (WCAG 1.4.11) and apart for colour-blind readers.
COLOURS = ("#0a4f8a", "#b35900", "#5e5e5e")


@dataclass(frozen=True)
class Series:
    index: int  # column index in the extended grid
    label: str
    colour: str


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def _nice_ceiling(value: int) -> int:
    """The smallest round number (4, 8, 12, 16, 20, 28, 40, 60, 80, 120, …: four whole ticks) at or above
    ``value``."""
    magnitude = 1
    while True:
        for step in (4, 8, 12, 16, 20, 28, 40, 60, 80):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def chart_series(table: Table) -> list[Series]:
    columns = len(table.columns)
    if columns == 0:
        return []
    if columns <= MAX_SERIES and not table.row_totals:
        indexes = [(index, column.label) for index, column in enumerate(table.columns)]
    elif table.row_totals:
        indexes = [(columns, TOTAL_LABEL())]
    else:
        indexes = [(0, table.columns[0].label)]
    return [Series(index, label, COLOURS[position]) for position, (index, label) in enumerate(indexes)]


def _value_text(value: int | None) -> str:
    return "•" if value is None else str(value)


def bar_chart(table: Table) -> dict | None:
    """The drawing instructions for ``table``, or ``None`` when it gets no chart (not wanted, nothing to draw)."""
    if not table.chart or not table.rows or len(table.rows) > MAX_ROWS:
        return None
    series = chart_series(table)
    if not series:
        return None
    shown = table.shown()[:len(table.rows)]
    values = [[line[s.index] for s in series] for line in shown]
    largest = max((v for line in values for v in line if v is not None), default=0)
    if largest == 0:
        return None
    scale_max = _nice_ceiling(largest)
    plot = WIDTH - LABEL_WIDTH - VALUE_SPACE
    legend = len(series) > 1
    top = TOP + (LEGEND_HEIGHT if legend else 0)
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    groups, descriptions = [], []
    for row_index, (row, line) in enumerate(zip(table.rows, values)):
        y = top + row_index * (group_height + ROW_GAP)
        bars = []
        for position, (item, value) in enumerate(zip(series, line)):
            bar_y = y + position * (BAR_HEIGHT + BAR_GAP)
            length = 0.0 if value is None else round(plot * value / scale_max, 1)
            bars.append({"y": bar_y, "width": length, "colour": item.colour, "value": value,
                         "text": _value_text(value), "text_y": bar_y + BAR_HEIGHT - 3,
                         "value_x": round(LABEL_WIDTH + length + 5, 1), "series": item.label})
        groups.append({"label": _short(row.label), "name": row.label, "bars": bars,
                       "label_y": y + group_height / 2 + 4})
        parts = [f"{item.label} {_described(value)}" if legend else _described(value)
                 for item, value in zip(series, line)]
        descriptions.append(f"{row.label}: {', '.join(parts)}")
    axis_y = top + len(table.rows) * (group_height + ROW_GAP) - ROW_GAP + 6
    ticks = [{"value": int(scale_max * step / 4), "x": round(LABEL_WIDTH + plot * step / 4, 1)}
             for step in range(5)]
    legend_items = [{"label": item.label, "colour": item.colour, "x": LABEL_WIDTH + position * 140,
                     "text_x": LABEL_WIDTH + position * 140 + 16} for position, item in enumerate(series)]
    return {
        "id": f"chart-{table.key}", "title": table.title, "series": series, "legend": legend_items if legend else [],
        "legend_y": TOP, "legend_text_y": TOP + 11,
        "groups": groups, "width": WIDTH, "height": axis_y + AXIS_SPACE, "left": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8, "bar_height": BAR_HEIGHT, "top": top - 4, "axis_y": axis_y,
        "tick_label_y": axis_y + 16, "ticks": ticks,
        "description": "; ".join(descriptions),
    }


def _described(value: int | None) -> str:
    return _("not shown") if value is None else str(value)
