"""Writing an export file batch by batch: CSV (UTF-8 with BOM, semicolons — what German Excel opens without an
import dialogue) or XLSX (one sheet, heading row frozen).

Cells that a spreadsheet program could run as a formula are neutralised with the partner export's rules
(``lotse.network.spreadsheets``): an apostrophe in front in CSV, a text cell with Excel's quote prefix in
XLSX. Dates stay dates in XLSX; in CSV they are written the German way (21.11.2026)."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date, datetime

from django.utils import timezone

from lotse.network.spreadsheets import CONTROL, FORMULA_START
from lotse.network.spreadsheets import csv_safe

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def text(value) -> str:
    """A value as a CSV cell shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return _local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return CONTROL.sub("", str(value))


class CsvWriter:
    extension = "csv"

    def __init__(self, headings: list[str], *, title: str = ""):
        self._out = io.BytesIO()
        self._out.write(codecs.BOM_UTF8)
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self.write([headings])

    def write(self, rows: list[list]) -> None:
        for row in rows:
            self._csv.writerow([csv_safe(text(value)) for value in row])
        self._out.write(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def close(self) -> bytes:
        return self._out.getvalue()


class XlsxWriter:
    extension = "xlsx"

    def __init__(self, headings: list[str], *, title: str = ""):
        import openpyxl
        from openpyxl.styles import Alignment, Font

        self._workbook = openpyxl.Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet((title.translate(SHEET_FORBIDDEN).strip() or "Export")[:31])
        self._sheet.freeze_panes = "A2"
        self._bold, self._wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        self._sheet.append([self._cell(heading, heading=True) for heading in headings])

    def _cell(self, value, *, heading: bool = False):
        from openpyxl.cell import WriteOnlyCell

        if value is None or value == "":
            return None
        if isinstance(value, bool):
            value = "ja" if value else "nein"
        if isinstance(value, int):
            return WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=_local(value).replace(tzinfo=None))
            cell.number_format = "DD.MM.YYYY HH:MM"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = "DD.MM.YYYY"
            return cell
        value = CONTROL.sub("", str(value))
        cell = WriteOnlyCell(self._sheet, value=value)
        cell.data_type = "s"  # always text: never a formula, never a number that loses leading zeros
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
        if heading:
            cell.font = self._bold
        elif "\n" in value:
            cell.alignment = self._wrap
        return cell

    def write(self, rows: list[list]) -> None:
        for row in rows:
            self._sheet.append([self._cell(value) for value in row])

    def close(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


WRITERS = {"csv": CsvWriter, "xlsx": XlsxWriter}
