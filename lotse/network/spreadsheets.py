"""The partner directory as a spreadsheet: reading an uploaded CSV or XLSX file into rows, writing the export.

No database access here. The column headings are part of the file format and therefore German in every user
language (``COLUMNS``); import and export use the same columns, so an exported file can be imported again.

Reading refuses, with one clear German message (a ``ValidationError`` on ``file``): files over 2 MB, more than
2,000 rows, old ``.xls`` workbooks, broken workbooks, binary garbage, unknown encodings, missing or unknown
columns. CSV files may be UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252; the delimiter
(``;``, ``,`` or tab) is chosen by the headings it yields.

Several values in one cell (languages, services, contact persons) are separated by line breaks or, when the
cell has none, by semicolons. Cells that start with ``=``, ``+``, ``-`` or ``@`` are exported so that
spreadsheet programs do not run them as formulas: prefixed with an apostrophe in CSV, as text cells with
Excel's own quote prefix in XLSX. Reading removes such an apostrophe again."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40
MAX_CELL = 6000  # longer than any field; a longer cell is cut here and reported as too long
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_TEXT = 2_500_000  # characters in all cells (a small workbook can repeat one long text everywhere)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS = (
    Column("name", "Name", ("partner", "bezeichnung", "einrichtung"), required=True),
    Column("partner_type", "Art", ("typ", "partnerart", "art des partners"), required=True),
    Column("is_internal", "Intern", ("eigene organisation",)),
    Column("street", "Straße", ("strasse und hausnummer", "straße und hausnummer", "anschrift", "adresse")),
    Column("postal_code", "PLZ", ("postleitzahl",)),
    Column("city", "Ort", ("stadt", "wohnort")),
    Column("phone", "Telefon", ("tel", "tel.", "telefonnummer")),
    Column("email", "E-Mail", ("email", "mail", "e-mail-adresse")),
    Column("website", "Webseite", ("website", "internet", "homepage", "internetseite")),
    Column("opening_hours", "Öffnungszeiten", ("sprechzeiten",)),
    Column("languages", "Sprachen", ("sprache", "gesprochene sprachen")),
    Column("services", "Leistungen", ("leistung", "angebote", "angebot")),
    Column("contact", "Allgemeiner Kontakt", ("kontakt",)),
    Column("contact_name", "Ansprechperson", ("ansprechpersonen", "ansprechpartner", "ansprechpartnerin")),
    Column("contact_function", "Funktion", ("funktion ansprechperson",)),
    Column("contact_phone", "Telefon Ansprechperson", ()),
    Column("contact_email", "E-Mail Ansprechperson", ("email ansprechperson",)),
    Column("notes", "Hinweise", ("notizen", "bemerkungen", "anmerkungen")),
    Column("is_active", "Aktiv", ()),
)
HEADINGS = [column.heading for column in COLUMNS]
KEYS = [column.key for column in COLUMNS]


def _normalised(heading: str) -> str:
    return " ".join(str(heading).replace("\u00a0", " ").split()).casefold()


_BY_HEADING = {_normalised(name): column.key for column in COLUMNS for name in (column.heading,
                                                                                *column.aliases)}


@dataclass
class Row:
    number: int  # the row number the spreadsheet program shows (the heading is row 1 when it comes first)
    values: dict[str, str]
    extra: bool = False  # the row has values beyond the last heading


@dataclass
class Table:
    keys: list[str]
    rows: list[Row] = field(default_factory=list)
    kind: str = "csv"
    encoding: str = ""
    delimiter: str = ""


def _refuse(message: str):
    raise ValidationError({"file": message})


def read_upload(upload) -> Table:
    """Read an uploaded file (a Django ``UploadedFile``) into a table of text values."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        _refuse(_("The file is larger than 2 MB. Please split it into several files."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than 2 MB. Please split it into several files."))
    return read_bytes(data, name=getattr(upload, "name", "") or "")


def read_bytes(data: bytes, *, name: str = "") -> Table:
    if not data.strip():
        _refuse(_("The file is empty."))
    lowered = name.lower()
    if data.startswith(OLE_MAGIC) or lowered.endswith(".xls"):
        _refuse(_("Old Excel files (.xls) cannot be read. Please save the file as “Excel workbook (.xlsx)” "
                  "or as CSV."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if lowered.endswith((".xlsx", ".xlsm")):
        _refuse(_("The file is not a valid Excel workbook (.xlsx). Please check the file or save it again."))
    return _read_csv(data)


# ---- CSV ---------------------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "UTF-16"
    except UnicodeDecodeError:
        _refuse(_("The file's text encoding could not be recognised. Please save it as CSV in UTF-8."))
    if b"\x00" in data:
        _refuse(_("The file is neither a CSV file nor an Excel workbook (.xlsx)."))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        _refuse(_("The file's text encoding could not be recognised. Please save it as CSV in UTF-8."))


def _records(text: str, delimiter: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            _refuse(_("Row %(number)d of the file could not be read (unbalanced quotation marks or a cell "
                      "that is too long?).") % {"number": number + 1})
        number += 1
        yield number, record


def _first_record(text: str, delimiter: str) -> list[str]:
    for _number, record in _records(text, delimiter):
        if any(cell.strip() for cell in record):
            return record
    return []


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if CONTROL.search(text):
        _refuse(_("The file is neither a CSV file nor an Excel workbook (.xlsx)."))
    best, best_known = ";", -1
    for delimiter in (";", ",", "\t"):
        known = sum(1 for cell in _first_record(text, delimiter) if _normalised(cell) in _BY_HEADING)
        if known > best_known:
            best, best_known = delimiter, known
    table = _table(_records(text, best), kind="csv")
    table.encoding, table.delimiter = encoding, best
    return table


# ---- XLSX --------------------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    broken = _("The file is not a valid Excel workbook (.xlsx). Please check the file or save it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                _refuse(_("The workbook is too large. Please split it into several files."))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — openpyxl and zipfile raise many kinds of errors for broken files
        _refuse(broken)
    try:
        sheets = workbook.worksheets
        if not sheets:
            _refuse(_("The file is empty."))

        def records():
            for number, values in enumerate(sheets[0].iter_rows(max_col=MAX_COLUMNS + 1, values_only=True),
                                            start=1):
                if number > MAX_ROWS * 5:
                    _refuse(_("The file has more than %(max)s rows. Please split it into several files.")
                            % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
                yield number, [_cell_text(value) for value in values]

        return _table(records(), kind="xlsx")
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 — a damaged sheet fails only while it is read
        _refuse(broken)
    finally:
        workbook.close()


# ---- both --------------------------------------------------------------------------------------------------

def clean_cell(value: str) -> str:
    """Trim spaces (line breaks separate values and stay), drop the apostrophe the export put in front of
    formula characters, cut overlong cells."""
    value = str(value).replace("\u00a0", " ").strip(" \t")
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        value = value[1:]
    return value[:MAX_CELL]


def _shorten(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _heading_keys(headings: list[str]) -> list[str | None]:
    """The column key of every heading; refuses unknown, repeated or missing columns with one message."""
    keys: list[str | None] = []
    unknown, repeated = [], []
    for heading in headings:
        text = _normalised(heading)
        if not text:
            keys.append(None)
            continue
        key = _BY_HEADING.get(text)
        if key is None:
            unknown.append(_shorten(" ".join(str(heading).split())))
        elif key in keys:
            repeated.append(dict(zip(KEYS, HEADINGS))[key])
        keys.append(key)
    missing = [column.heading for column in COLUMNS if column.required and column.key not in keys]
    if not any(keys):
        _refuse(_("The first row of the file must contain the column headings (at least “Name” and “Art”). "
                  "Allowed columns: %(columns)s.") % {"columns": ", ".join(HEADINGS)})
    problems = []
    if missing:
        problems.append(ngettext("Missing column: %(names)s.", "Missing columns: %(names)s.", len(missing))
                        % {"names": ", ".join(f"“{name}”" for name in missing)})
    if unknown:
        problems.append(ngettext("Unknown column: %(names)s.", "Unknown columns: %(names)s.", len(unknown))
                        % {"names": ", ".join(f"“{name}”" for name in unknown[:10])})
    if repeated:
        problems.append(ngettext("Column appears twice: %(names)s.", "Columns appear twice: %(names)s.",
                                 len(repeated)) % {"names": ", ".join(f"“{name}”" for name in repeated)})
    if problems:
        problems.append(_("Allowed columns: %(columns)s.") % {"columns": ", ".join(HEADINGS)})
        _refuse(" ".join(problems))
    return keys


def _table(records, *, kind: str) -> Table:
    keys = None
    rows: list[Row] = []
    text = 0
    for number, record in records:
        cells = [clean_cell(cell) for cell in record]
        if not any(cell.strip() for cell in cells):
            continue
        text += sum(len(cell) for cell in cells)
        if text > MAX_TEXT:
            _refuse(_("The file contains too much text. Please split it into several files."))
        if keys is None:
            while not cells[-1].strip():
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                _refuse(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
            keys = _heading_keys(cells)
            continue
        if len(rows) >= MAX_ROWS:
            _refuse(_("The file has more than %(max)s rows. Please split it into several files.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
        values = {key: cells[index] if index < len(cells) else "" for index, key in enumerate(keys) if key}
        extra = any(cell.strip() for cell in cells[len(keys):]) or any(
            cells[index].strip() for index, key in enumerate(keys) if key is None and index < len(cells))
        rows.append(Row(number=number, values=values, extra=extra))
    if keys is None:
        _refuse(_("The file is empty."))
    if not rows:
        _refuse(_("The file contains the column headings but no partners."))
    return Table(keys=[key for key in keys if key], rows=rows, kind=kind)


EMPTY_ENTRY = "–"


def split_values(cell: str, *, commas: bool = False) -> list[str]:
    """Several values in one cell: one per line, or separated by semicolons (and commas, where asked).

    Positions are kept (contact persons are spread over four columns); "–" or "-" is an empty entry."""
    if not cell:
        return []
    if "\n" in cell or "\r" in cell:
        parts = re.split(r"\r\n|\r|\n", cell)
    else:
        parts = re.split(r"[;,]" if commas else r";", cell)
    parts = [" ".join(part.split()) for part in parts]
    parts = ["" if part in (EMPTY_ENTRY, "-") else part for part in parts]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def join_values(values: list[str]) -> str:
    """The inverse of :func:`split_values`: one value per line, "–" for an empty one; a single value with a
    semicolon or comma gets a line break so that it is read as one value again."""
    values = [value or EMPTY_ENTRY for value in values]
    while values and values[-1] == EMPTY_ENTRY:
        values.pop()
    if not values:
        return ""
    text = "\n".join(values)
    if len(values) == 1 and (";" in text or "," in text):
        text += "\n"
    return text


# ---- writing -----------------------------------------------------------------------------------------------

def csv_safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def write_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with BOM and semicolons: what German Excel opens without an import dialogue."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(rows: list[list[str]], *, title: str = "Partner") -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Partner")
    sheet.freeze_panes = "A2"
    heading_font, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def text_cell(value: str, *, heading: bool = False):
        cell = WriteOnlyCell(sheet, value=CONTROL.sub("", value))
        cell.data_type = "s"  # always text: never a formula, never a number that loses leading zeros
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
        if heading:
            cell.font = heading_font
        elif "\n" in value:
            cell.alignment = wrap
        return cell

    sheet.append([text_cell(heading, heading=True) for heading in HEADINGS])
    for row in rows:
        sheet.append([text_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
