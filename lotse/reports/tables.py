"""The shape every report has, whatever its kind: a list of tables of counts.

Builders (monthly controlling, programme reports, monitoring, indicators) only produce :class:`Report` objects;
screen, XLSX, PDF, CSV and JSON are all rendered from the same object, so their figures cannot disagree.
A report that leaves the team is passed through :func:`lotse.reports.suppression.protect` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from lotse.reports.periods import Period


class Audience(StrEnum):
    """INTERNAL: the team and its lead see exact counts. EXTERNAL: anything that leaves the team (coordinator,
    funder export) is suppressed (cells below 5, plus secondary suppression)."""

    INTERNAL = "internal"
    EXTERNAL = "external"


@dataclass
class Column:
    key: str
    label: str


@dataclass
class Row:
    key: str
    label: str
    values: list[int]


@dataclass
class Table:
    """Counts of one unit, rows by one dimension, columns by periods, teams, organisations or categories.

    ``additive`` says that each unit is counted in exactly one row: then the total row is the sum of the rows
    and is published as such. For multi-valued dimensions (a contact with two topics is counted under both)
    ``distinct_totals`` carries the number of distinct units per column instead, labelled as such.
    ``row_totals`` publishes a total column (the sum across columns), only where the columns partition the
    unit (teams, organisations, categories), never for period comparisons.
    """

    key: str
    title: str
    row_header: str
    columns: list[Column]
    rows: list[Row]
    unit: str = ""
    additive: bool = True
    row_totals: bool = False
    distinct_totals: list[int] | None = None
    chart: bool = True
    note: str = ""
    # Rows naming staff (per counsellor) are for the team only: dropped when the report leaves the team.
    internal_only: bool = False
    # Filled by suppression.protect(): positions (row, column) in the extended grid that are not shown.
    # Row index len(rows) is the total row, column index len(columns) the total column.
    suppressed: set[tuple[int, int]] = field(default_factory=set)

    @property
    def has_total_row(self) -> bool:
        return self.additive or self.distinct_totals is not None

    def total_row(self) -> list[int]:
        if self.distinct_totals is not None:
            return list(self.distinct_totals)
        return [sum(row.values[index] for row in self.rows) for index in range(len(self.columns))]

    def grid(self) -> list[list[int]]:
        """The extended grid of raw counts: rows, then the total row; columns, then the total column if published."""
        lines = [list(row.values) for row in self.rows]
        if self.has_total_row:
            lines.append(self.total_row())
        if self.row_totals:
            lines = [line + [sum(line)] for line in lines]
        return lines

    def shown(self) -> list[list[int | None]]:
        """The extended grid as published: ``None`` where a count is suppressed."""
        return [[None if (r, c) in self.suppressed else value for c, value in enumerate(line)]
                for r, line in enumerate(self.grid())]

    @property
    def column_labels(self) -> list[str]:
        return [column.label for column in self.columns]

    def to_dict(self) -> dict:
        shown = self.shown()
        body = shown[:len(self.rows)]
        result = {
            "key": self.key, "title": self.title, "row_header": self.row_header, "unit": self.unit,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns]
            + ([{"key": "total", "label": TOTAL_LABEL()}] if self.row_totals else []),
            "rows": [{"key": row.key, "label": row.label, "values": values} for row, values in zip(self.rows, body)],
            "total": shown[len(self.rows)] if self.has_total_row else None,
            "total_is_distinct": self.distinct_totals is not None,
            "note": self.note,
            "suppressed_cells": len(self.suppressed),
        }
        return result


def TOTAL_LABEL() -> str:  # noqa: N802 – evaluated lazily in the active language
    from django.utils.translation import gettext

    return gettext("Total")


@dataclass
class Report:
    kind: str
    title: str
    scope_label: str
    period: Period
    audience: Audience
    sections: list[Table]
    organisation_ids: list[int]
    generated_at: datetime
    notes: list[str] = field(default_factory=list)
    figures: dict[str, int | float | None] = field(default_factory=dict)

    @property
    def is_protected(self) -> bool:
        return self.audience is Audience.EXTERNAL

    def section(self, key: str) -> Table:
        for table in self.sections:
            if table.key == key:
                return table
        raise KeyError(key)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind, "title": self.title, "scope": self.scope_label,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                       "label": self.period.label},
            "audience": str(self.audience), "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "notes": list(self.notes), "figures": dict(self.figures),
            "sections": [table.to_dict() for table in self.sections],
        }


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
