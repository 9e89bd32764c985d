"""Reading import files: encodings, delimiters, XLSX, wrong columns, broken and oversized files; export."""

import codecs
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lotse.network import spreadsheets
from lotse.network.spreadsheets import read_bytes
from tests.network.conftest import HEADER, csv_bytes, upload, xlsx_bytes

ROW = ("Volkshochschule Lindenau;Integrationskursträger;Schulstraße 4;88045;Lindenau;07541 3300;"
       "vhs@x.invalid;Arabisch, deu;Integrationskurs;Frau Öztürk;Leitung")


def _refusal(data: bytes, name: str = "partner.csv") -> str:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        read_bytes(data, name=name)
    return " ".join(error.value.message_dict["file"])


def _first(table):
    return table.rows[0].values


def test_utf8_with_semicolons():
    table = read_bytes(csv_bytes(ROW))
    assert table.kind == "csv" and table.delimiter == ";" and table.encoding == "UTF-8"
    values = _first(table)
    assert values["name"] == "Volkshochschule Lindenau" and values["street"] == "Schulstraße 4"
    assert values["contact_name"] == "Frau Öztürk"
    assert table.rows[0].number == 2


def test_utf8_with_bom():
    table = read_bytes(codecs.BOM_UTF8 + csv_bytes(ROW))
    assert table.keys[0] == "name"  # the BOM is not part of the first heading
    assert _first(table)["city"] == "Lindenau"


def test_windows_1252_is_detected():
    table = read_bytes(csv_bytes(ROW, encoding="cp1252"))
    assert table.encoding == "Windows-1252"
    assert _first(table)["street"] == "Schulstraße 4" and _first(table)["contact_name"] == "Frau Öztürk"


def test_utf16_with_bom():
    table = read_bytes(csv_bytes(ROW.replace(";", "\t"), header=HEADER.replace(";", "\t"), encoding="utf-16"))
    assert table.delimiter == "\t" and _first(table)["contact_name"] == "Frau Öztürk"


def test_commas_are_sniffed_and_quoted_cells_kept():
    data = csv_bytes('"Schuldnerberatung, Diakonie",Schuldnerberatung,,,,,,,"Beratung, Begleitung",,',
                     header=HEADER.replace(";", ","))
    table = read_bytes(data)
    assert table.delimiter == ","
    assert _first(table)["name"] == "Schuldnerberatung, Diakonie"
    assert _first(table)["services"] == "Beratung, Begleitung"


def test_headings_are_matched_loosely_and_empty_rows_skipped():
    data = "\r\n\r\n name ;ART;strasse;e-mail\r\n;;;\r\nKita Sonnenblume;Kita;Gartenweg 7;kita@x.invalid\r\n"
    table = read_bytes(data.encode())
    assert table.keys == ["name", "partner_type", "street", "email"]
    assert len(table.rows) == 1 and table.rows[0].number == 5


def test_xlsx_is_read_with_numbers_as_text():
    data = xlsx_bytes([["Name", "Art", "PLZ", "Telefon", "Intern"],
                       ["Jobcenter Lindenau", "job_centre", 88045, "07541 204-0", True]])
    table = read_bytes(data, name="partner.xlsx")
    assert table.kind == "xlsx"
    assert _first(table) == {"name": "Jobcenter Lindenau", "partner_type": "job_centre",
                             "postal_code": "88045", "phone": "07541 204-0", "is_internal": "ja"}


def test_missing_and_unknown_columns_are_named_in_one_message():
    message = _refusal("Name;Typ;Farbe;Lieblingsessen\r\nX;Y;Z;W\r\n".encode())
    assert "Unknown columns: “Farbe”, “Lieblingsessen”." in message
    assert "Art" not in message.split("Allowed columns")[0]  # "Typ" is an accepted name for "Art"
    message = _refusal("Name;Ort;Farbe\r\nX;Y;Z\r\n".encode())
    assert "Missing column: “Art”." in message and "Unknown column: “Farbe”." in message
    assert "Allowed columns: Name, Art, Intern" in message


def test_a_column_twice_is_refused():
    assert "Column appears twice: “Ort”" in _refusal("Name;Art;Ort;Stadt\r\nX;Kita;A;B\r\n".encode())


def test_a_file_without_headings_is_refused():
    message = _refusal("Jobcenter;job_centre;Lindenau\r\n".encode())
    assert "first row of the file must contain the column headings" in message


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"", "partner.csv", "The file is empty."),
    (b"   \r\n", "partner.csv", "The file is empty."),
    (HEADER.encode() + b"\r\n", "partner.csv", "no partners"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "partner.xls", "Old Excel files (.xls)"),
    (b"PK\x03\x04" + b"\x00garbage" * 50, "partner.xlsx", "not a valid Excel workbook"),
    (b"not a zip at all", "partner.xlsx", "not a valid Excel workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bild.png", "neither a CSV file nor an Excel workbook"),
    (bytes(range(1, 32)) * 20, "partner.csv", "neither a CSV file nor an Excel workbook"),
    (codecs.BOM_UTF8 + b"Name;Art\r\n\xff\xfe\xfa;x\r\n", "partner.csv",
     "text encoding could not be recognised"),
])
def test_broken_files_get_a_clear_message(data, name, expected):
    assert expected in _refusal(data, name)


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hallo.txt", "kein Arbeitsblatt")
    assert "not a valid Excel workbook" in _refusal(buffer.getvalue(), "partner.xlsx")


def test_a_file_over_2_mb_is_refused_before_it_is_read():
    big = upload(b"x" * (spreadsheets.MAX_BYTES + 1))
    with pytest.raises(ValidationError) as error:
        spreadsheets.read_upload(big)
    assert "2 MB" in " ".join(error.value.messages)


def test_more_than_2000_rows_are_refused():
    rows = [f"Partner {n};Kita" for n in range(spreadsheets.MAX_ROWS + 1)]
    message = _refusal(csv_bytes(*rows, header="Name;Art"))
    assert "more than 2.000 rows" in message
    assert len(read_bytes(csv_bytes(*rows[:-1], header="Name;Art")).rows) == spreadsheets.MAX_ROWS


def test_xlsx_with_more_than_2000_rows_is_refused():
    rows = [["Name", "Art"], *[[f"Partner {n}", "Kita"] for n in range(spreadsheets.MAX_ROWS + 1)]]
    assert "more than 2.000 rows" in _refusal(xlsx_bytes(rows), "partner.xlsx")


def test_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_TEXT", 1000)
    assert "too much text" in _refusal(csv_bytes(*[f"Partner {n};Kita;{'x' * 100}" for n in range(20)],
                                                 header="Name;Art;Hinweise"))


def test_values_beyond_the_headings_are_marked():
    table = read_bytes(b"Name;Art\r\nKita;kita;vergessen\r\nSchule;school\r\n")
    assert [row.extra for row in table.rows] == [True, False]


def test_the_export_prefix_against_formulas_is_removed_on_reading():
    assert spreadsheets.clean_cell("'+49 7541 204-0") == "+49 7541 204-0"
    assert spreadsheets.clean_cell("'=1+1") == "=1+1"
    assert spreadsheets.clean_cell("'Hallo'") == "'Hallo'"


@pytest.mark.parametrize("values", [[], ["A"], ["A", "B"], ["A; B"], ["A, B", "C"], ["", "Leitung"],
                                    ["Leitung", ""], ["A", "", "C"]])
def test_several_values_in_one_cell_survive_a_round_trip(values):
    expected = list(values)
    while expected and not expected[-1]:
        expected.pop()
    assert spreadsheets.split_values(spreadsheets.clean_cell(spreadsheets.join_values(values))) == expected


def test_semicolons_and_commas_separate_values():
    assert spreadsheets.split_values("Arabisch, Deutsch;Englisch", commas=True) == ["Arabisch", "Deutsch",
                                                                                   "Englisch"]
    assert spreadsheets.split_values("Beratung, Begleitung; Kurs") == ["Beratung, Begleitung", "Kurs"]
    assert spreadsheets.split_values("–;Leitung") == ["", "Leitung"]


def test_csv_export_neutralises_formulas():
    data = spreadsheets.write_csv([["=HYPERLINK(\"http://evil\")", "+49 1", "-2", "@SUM(A1)", "normal"]])
    assert data.startswith(codecs.BOM_UTF8)
    line = data.decode("utf-8-sig").splitlines()[1]
    assert line.startswith('"\'=HYPERLINK(""http://evil"")"')
    assert ";'+49 1;'-2;'@SUM(A1);normal" in line


def test_xlsx_export_writes_text_cells_only():
    import openpyxl

    data = spreadsheets.write_xlsx([["=1+1", "+49 1", "Zeile 1\nZeile 2"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:3] == ["Name", "Art", "Intern"]
    cells = list(sheet[2])
    assert [cell.data_type for cell in cells[:3]] == ["s", "s", "s"]
    assert cells[0].value == "=1+1" and cells[0].quotePrefix and cells[1].quotePrefix
    assert cells[2].value == "Zeile 1\nZeile 2"
