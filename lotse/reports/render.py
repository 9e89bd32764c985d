"""Every output of a report — the page, PDF, XLSX, CSV and JSON — is rendered from the same :class:`Report`
object, so the numbers cannot disagree: the published grid is ``Table.shown()`` (``None`` = suppressed, shown
as "•"), the totals are the grid's total row and column.

No database access and no access checks here: ``lotse.reports.selectors.report_build`` (or
``lotse.reports.system.report_build_system`` for ``manage.py report``) decided what the report may contain.
Text that comes from data (team and topic names, template titles) is written so that spreadsheet programs
never run it as a formula (the rule of ``lotse.network.spreadsheets``: an apostrophe in CSV, a quote-prefixed
text cell in XLSX).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lotse.network.spreadsheets import CONTROL, FORMULA_START
from lotse.reports.charts import bar_chart
from lotse.reports.tables import TOTAL_LABEL, Audience, Report, Table

FORMATS = ("xlsx", "pdf", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
SUPPRESSED = "•"
SHEET_NAME_MAX = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
COMPARED = ("previous", "last_year")
CSS_UNSAFE = re.compile(r"[\"\\<>\x00-\x1f\x7f]")  # what could end a CSS string or the style element


@dataclass(frozen=True)
class RenderedFile:
    content: bytes
    content_type: str
    filename: str


# ---- texts shared by all outputs ---------------------------------------------------------------------------

def suppression_legend() -> str:
    return _("• = not shown: fewer than 5 cases, or hidden so that such a count cannot be recalculated "
             "(secondary suppression).")


def audience_label(report: Report) -> str:
    if report.audience is Audience.EXTERNAL:
        return _("Protected for passing on: counts from 1 to 4 and cells that would reveal them are not shown.")
    return _("Internal: exact counts, for the team and its lead only.")


def generated_label(report: Report) -> str:
    return formats.date_format(timezone.localtime(report.generated_at), "DATETIME_FORMAT")


def total_row_label(table: Table) -> str:
    return _("Total (each counted once)") if table.distinct_totals is not None else TOTAL_LABEL()


def _figure_labels() -> dict[str, str]:
    return {"dropout_rate": _("Dropout rate of the integration course (share)"),
            "referrals_share_completed": _("Referrals completed (per cent)")}


def figure_label(report: Report, key: str) -> str:
    """A headline figure's name: known keys, ``<table key>_rate`` after its table, else the key itself."""
    known = _figure_labels().get(key)
    if known is not None:
        return known
    prefix, _separator, suffix = key.rpartition("_")
    titles = {table.key: table.title for table in report.sections}
    if suffix == "rate" and prefix in titles:
        return _("%(table)s: rate") % {"table": titles[prefix]}
    return key.replace("_", " ").capitalize()


def export_filename(*, kind_label, period, file_format: str) -> str:
    """``lotse-monatscontrolling-2026-10.xlsx``: the kind's German name, the period code."""
    with translation.override("de"):
        name = slugify(str(kind_label)) or "bericht"
    return f"lotse-{name[:60]}-{period.code.replace('..', '-')}.{file_format}"


# ---- the table as it is shown (page and PDF) ---------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def _comparisons(table: Table) -> list[tuple[str, int, int]]:
    """(header, index of the current column, index of the compared column) for the monthly comparison."""
    keys = [column.key for column in table.columns]
    if "current" not in keys:
        return []
    current = keys.index("current")
    return [(_("Change from %(period)s") % {"period": table.columns[keys.index(key)].label}, current,
             keys.index(key)) for key in COMPARED if key in keys]


def _change(line: list[int | None], current: int, other: int) -> str:
    if line[current] is None or line[other] is None:
        return "–"
    difference = line[current] - line[other]
    return f"+{difference}" if difference > 0 else ("±0" if difference == 0 else f"−{-difference}")


def table_view(table: Table) -> dict:
    """What the HTML and PDF templates draw: headers, body rows, the total row, changes and the chart."""
    shown = table.shown()
    comparisons = _comparisons(table)
    headers = table.column_labels + ([TOTAL_LABEL()] if table.row_totals else [])
    rows = []
    for index, line in enumerate(shown):
        is_total = index >= len(table.rows)
        rows.append({
            "key": "total" if is_total else table.rows[index].key,
            "label": total_row_label(table) if is_total else table.rows[index].label,
            "cells": [Cell(value) for value in line],
            "changes": [_change(line, current, other) for _, current, other in comparisons],
            "is_total": is_total,
        })
    return {"key": table.key, "title": table.title, "row_header": table.row_header, "unit": table.unit,
            "note": table.note, "headers": headers, "change_headers": [header for header, _, _ in comparisons],
            "rows": rows, "has_suppressed": bool(table.suppressed), "chart": bar_chart(table),
            "distinct_totals": table.distinct_totals is not None}


def report_context(report: Report) -> dict:
    return {"report": report, "tables": [table_view(table) for table in report.sections],
            "audience_label": audience_label(report), "generated_label": generated_label(report),
            "legend": suppression_legend(),
            "figures": [(figure_label(report, key), value) for key, value in report.figures.items()],
            "has_suppressed": any(table.suppressed for table in report.sections)}


# ---- XLSX -------------------------------------------------------------------------------------------------

def _sheet_names(titles: list[str], reserved: set[str]) -> list[str]:
    taken = {name.lower() for name in reserved}
    names = []
    for title in titles:
        base = SHEET_FORBIDDEN.sub(" ", CONTROL.sub("", title)).strip().strip("'")[:SHEET_NAME_MAX].strip()
        base = base or _("Table")
        name, number = base, 2
        while name.lower() in taken:
            suffix = f" ({number})"
            name = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def render_xlsx(report: Report) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    heading = Font(bold=True, size=13)
    workbook = openpyxl.Workbook()
    overview = workbook.active
    overview.title = _sheet_names([_("Overview")], set())[0]

    def put(sheet, row: int, column: int, value, *, font=None):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = CONTROL.sub("", value)
            cell.data_type = "s"  # text, never a formula
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
        else:
            cell.value = value
        if font is not None:
            cell.font = font
        return cell

    put(overview, 1, 1, report.title, font=heading)
    facts = [(_("Scope"), report.scope_label), (_("Period"), report.period.label),
             (_("Audience"), audience_label(report)), (_("Generated at"), generated_label(report))]
    line = 3
    for label, value in facts:
        put(overview, line, 1, label, font=bold)
        put(overview, line, 2, value)
        line += 1
    if report.notes:
        line += 1
        put(overview, line, 1, _("Remarks"), font=bold)
        for note in report.notes:
            put(overview, line, 2, note)
            line += 1
    if report.figures:
        line += 1
        put(overview, line, 1, _("Key figures"), font=bold)
        line += 1
        for key, value in report.figures.items():
            put(overview, line, 1, figure_label(report, key))
            put(overview, line, 2, SUPPRESSED if value is None else value)
            line += 1
    line += 1
    put(overview, line, 1, _("Tables"), font=bold)
    names = _sheet_names([table.title for table in report.sections], {overview.title})
    for table, name in zip(report.sections, names):
        line += 1
        put(overview, line, 1, name)
        put(overview, line, 2, table.title)
    if report.is_protected:
        put(overview, line + 2, 1, suppression_legend())
    overview.column_dimensions["A"].width = 28
    overview.column_dimensions["B"].width = 80
    overview.cell(row=5, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    for table, name in zip(report.sections, names):
        sheet = workbook.create_sheet(name)
        put(sheet, 1, 1, table.title, font=heading)
        put(sheet, 2, 1, f"{report.scope_label} · {report.period.label}")
        headers = [table.row_header, *table.column_labels] + ([TOTAL_LABEL()] if table.row_totals else [])
        for column, header in enumerate(headers, start=1):
            put(sheet, 4, column, header, font=bold)
        shown = table.shown()
        row_number = 5
        for index, values in enumerate(shown):
            is_total = index >= len(table.rows)
            label = total_row_label(table) if is_total else table.rows[index].label
            put(sheet, row_number, 1, label, font=bold if is_total else None)
            for column, value in enumerate(values, start=2):
                put(sheet, row_number, column, SUPPRESSED if value is None else value,
                    font=bold if is_total else None)
            row_number += 1
        row_number += 1
        if table.suppressed:
            put(sheet, row_number, 1, suppression_legend())
            row_number += 1
        if table.note:
            put(sheet, row_number, 1, table.note)
        sheet.freeze_panes = "B5"
        sheet.column_dimensions["A"].width = 40
        for column in range(2, len(headers) + 1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- CSV and JSON -----------------------------------------------------------------------------------------

def _csv_text(value) -> str | int:
    if isinstance(value, int):
        return value
    value = CONTROL.sub("", str(value))
    return f"'{value}" if value.startswith(FORMULA_START) else value


def render_csv(report: Report) -> bytes:
    """UTF-8 with BOM and semicolons (what German Excel opens directly); one block per table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def write(*cells):
        writer.writerow([_csv_text(cell) for cell in cells])

    write(report.title)
    write(_("Scope"), report.scope_label)
    write(_("Period"), report.period.label)
    write(_("Audience"), audience_label(report))
    write(_("Generated at"), generated_label(report))
    for note in report.notes:
        write(_("Remark"), note)
    for key, value in report.figures.items():
        write(figure_label(report, key), SUPPRESSED if value is None else value)
    for table in report.sections:
        writer.writerow([])
        write(table.title)
        write(table.row_header, *table.column_labels, *([TOTAL_LABEL()] if table.row_totals else []))
        for index, values in enumerate(table.shown()):
            label = total_row_label(table) if index >= len(table.rows) else table.rows[index].label
            write(label, *[SUPPRESSED if value is None else value for value in values])
        if table.suppressed:
            write(suppression_legend())
        if table.note:
            write(table.note)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def render_json(report: Report) -> bytes:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")


# ---- PDF --------------------------------------------------------------------------------------------------

def render_pdf_html(report: Report) -> str:
    from lotse.documents.fonts import FONT_STACK

    footer = CSS_UNSAFE.sub("", f"{report.title} · {report.period.label}")[:150]
    return render_to_string("reports/report_pdf.html", {
        **report_context(report), "font_stack": FONT_STACK, "footer": footer,
        "language": translation.get_language() or "de"})


def render_pdf(report: Report) -> bytes:
    """An A4 print layout of the same tables and charts, as tagged PDF (the document module's renderer)."""
    from lotse.documents.pdf import html_to_pdf

    return html_to_pdf(render_pdf_html(report))


RENDERERS = {"xlsx": render_xlsx, "pdf": render_pdf, "csv": render_csv, "json": render_json}


def render(report: Report, file_format: str, *, kind_label) -> RenderedFile:
    return RenderedFile(content=RENDERERS[file_format](report), content_type=CONTENT_TYPES[file_format],
                        filename=export_filename(kind_label=kind_label, period=report.period,
                                                 file_format=file_format))
