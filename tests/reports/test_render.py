"""Rendering one Report as XLSX, CSV, JSON, PDF and the chart geometry: the same numbers everywhere, suppressed
cells as "•", totals equal, formula injection neutralised. Uses a hand-written report (``fake_report``) whose
figures are written out here; ``fake_kind`` registers it as a report kind for the view, API and command
tests (``register_fake_kind``)."""

import codecs
import csv
import io
import json
from datetime import UTC, datetime

import openpyxl
from django.utils.translation import override
from pypdf import PdfReader

from lotse.reports import charts, render
from lotse.reports.engine import STATIC_KINDS, Level, ReportKind
from lotse.reports.periods import Period
from lotse.reports.suppression import protect
from lotse.reports.tables import Audience, Column, Report, Row, Table

OCTOBER = Period.parse("2026-10")
FORMULA = "=HYPERLINK(\"http://evil\")"

# topics × (current, previous, last year); multi-valued (distinct totals)
TOPIC_ROWS = [("housing", "Housing", [12, 9, 7]), ("labour", "Labour market", [3, 6, 0]),
              ("formula", FORMULA, [8, 2, 5]), ("plus", "+49 Telefon", [0, 0, 0])]
TOPIC_DISTINCT = [20, 15, 11]
# age groups × teams, with a total column; additive
TEAM_ROWS = [("young", "18–26", [10, 2]), ("middle", "27–44", [7, 9]), ("old", "45+", [6, 8])]
STAFF_ROWS = [("c1", "Bea Brandt", [4]), ("c2", "Cem Celik", [11])]


def fake_report(scope=None) -> Report:
    return Report(
        kind="fake", title="Testbericht", scope_label="Organisation A", period=OCTOBER,
        audience=Audience.INTERNAL, organisation_ids=[1],
        generated_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC), notes=["Nur zum Testen."],
        figures={"coverage_rate": 0.75, "small_count": 3},
        sections=[
            Table(key="topics", title="Kontakte nach Thema", row_header="Thema",
                  columns=[Column("current", "Oktober 2026"), Column("previous", "September 2026"),
                           Column("last_year", "Oktober 2025")],
                  rows=[Row(key, label, list(values)) for key, label, values in TOPIC_ROWS],
                  unit="Kontakte", additive=False, distinct_totals=list(TOPIC_DISTINCT)),
            Table(key="age", title="Personen nach Alter", row_header="Alter",
                  columns=[Column("t1", "Team A"), Column("t2", "@Team B")],
                  rows=[Row(key, label, list(values)) for key, label, values in TEAM_ROWS],
                  unit="Personen", row_totals=True),
            Table(key="staff", title="Kontakte je Fachkraft", row_header="Fachkraft",
                  columns=[Column("contacts", "Kontakte")],
                  rows=[Row(key, label, list(values)) for key, label, values in STAFF_ROWS],
                  internal_only=True, chart=False),
        ])


def register_fake_kind(monkeypatch) -> ReportKind:
    """Registers ``fake_report`` as the kind "fake" at every level (for the view, API and command tests)."""
    kind = ReportKind(code="fake", label="Testbericht", builder_path="tests.reports.test_render.fake_report",
                      levels=frozenset({Level.ORGANISATION, Level.TEAM, Level.COUNSELLOR}))
    monkeypatch.setitem(STATIC_KINDS, "fake", kind)
    return kind


def _sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ---- the protected grid, worked out by hand ----------------------------------------------------------------
# topics (no published sums: distinct totals are not the sum) → only primary suppression:
#   labour 3 (current), formula 2 (previous); the distinct total row stays.
# age (rows + total row, columns + total column):
#   grid    t1  t2  total
#   young   10   2   12
#   middle   7   9   16
#   old      6   8   14
#   total   23  19   42
#   primary: young/t2 (2). Row "young" then needs a second hidden cell: the smallest open one is young/t1 (10)
#   (body cells before totals). Column t2 needs a second one: old/t2 (8, smaller than middle 9); column t1:
#   old/t1 (6). Row "old" now has two hidden cells; nothing is determined any more.
PROTECTED_AGE = [[None, None, 12], [7, 9, 16], [None, None, 14], [23, 19, 42]]
PROTECTED_TOPICS = [[12, 9, 7], [None, 6, 0], [8, None, 5], [0, 0, 0], [20, 15, 11]]


def test_hand_computed_protection_of_the_fake_report():
    protected = protect(fake_report())
    assert [t.key for t in protected.sections] == ["topics", "age"]
    assert protected.section("age").shown() == PROTECTED_AGE
    assert protected.section("topics").shown() == PROTECTED_TOPICS
    assert protected.figures == {"coverage_rate": 0.75, "small_count": None}


# ---- XLSX ---------------------------------------------------------------------------------------------------

def test_xlsx_has_an_overview_and_one_sheet_per_table_with_numbers_and_totals():
    report = fake_report()
    with override("en"):
        workbook = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))
    assert workbook.sheetnames == ["Overview", "Kontakte nach Thema", "Personen nach Alter",
                                   "Kontakte je Fachkraft"]
    overview = _sheet_rows(workbook["Overview"])
    assert overview[0][0] == "Testbericht"
    assert ["Scope", "Organisation A"] == overview[2][:2] and ["Period", "October 2026"] == overview[3][:2]
    age = _sheet_rows(workbook["Personen nach Alter"])
    assert age[3] == ["Alter", "Team A", "@Team B", "Total"]
    assert age[4] == ["18–26", 10, 2, 12] and age[6] == ["45+", 6, 8, 14]
    assert age[7] == ["Total", 23, 19, 42]
    assert workbook["Personen nach Alter"]["A8"].font.b and workbook["Personen nach Alter"]["B4"].font.b
    topics = _sheet_rows(workbook["Kontakte nach Thema"])
    assert topics[8] == ["Total (each counted once)", 20, 15, 11]


def test_xlsx_totals_equal_the_json_totals_of_the_same_protected_report():
    report = protect(fake_report())
    workbook = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))
    data = json.loads(render.render_json(report))
    for section, name in zip(data["sections"], workbook.sheetnames[1:]):
        rows = _sheet_rows(workbook[name])
        width = len(section["columns"]) + 1
        total = [None if value == "•" else value for value in rows[4 + len(section["rows"])][1:width]]
        assert total == section["total"]
        body = [[None if value == "•" else value for value in row[1:width]]
                for row in rows[4:4 + len(section["rows"])]]
        assert body == [row["values"] for row in section["rows"]]
    age = _sheet_rows(workbook[workbook.sheetnames[2]])
    assert age[4][:4] == ["18–26", "•", "•", 12]
    assert any("not shown" in str(row[0]) or "nicht" in str(row[0]) for row in age[8:] if row[0])


def test_xlsx_neutralises_formulas_in_labels():
    workbook = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(fake_report())))
    sheet = workbook["Kontakte nach Thema"]
    cell = sheet["A7"]
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    assert sheet["A8"].quotePrefix and sheet["A8"].value == "+49 Telefon"
    assert workbook["Personen nach Alter"]["C4"].quotePrefix


def test_sheet_names_are_short_unique_and_valid():
    with override("en"):
        names = render._sheet_names(["A" * 40, "A" * 40, "Wer/Was?[1]", "", "overview"], {"Overview"})
    assert names[0] == "A" * 31 and names[1] == "A" * 27 + " (2)"
    assert names[2] == "Wer Was  1" and names[3] == "Table" and names[4] == "overview (2)"
    assert all(len(name) <= 31 for name in names)


# ---- CSV and JSON ------------------------------------------------------------------------------------------

def test_csv_is_utf8_with_bom_semicolons_and_one_block_per_table():
    with override("en"):
        content = render.render_csv(protect(fake_report()))
    assert content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(content[len(codecs.BOM_UTF8):].decode("utf-8")), delimiter=";"))
    assert rows[0] == ["Testbericht"] and rows[1] == ["Scope", "Organisation A"]
    start = rows.index(["Personen nach Alter"])
    assert rows[start + 1] == ["Alter", "Team A", "'@Team B", "Total"]
    assert rows[start + 2] == ["18–26", "•", "•", "12"]
    assert rows[start + 5] == ["Total", "23", "19", "42"]
    topics = rows.index(["Kontakte nach Thema"])
    assert rows[topics + 4] == ["'" + FORMULA, "8", "•", "5"]
    assert rows[topics + 5] == ["'+49 Telefon", "0", "0", "0"]
    assert ["Kontakte je Fachkraft"] not in rows  # internal only: dropped by protect()


def test_json_is_report_to_dict():
    report = protect(fake_report())
    assert json.loads(render.render_json(report)) == json.loads(json.dumps(report.to_dict()))


def test_filename_is_german_and_carries_the_period():
    assert render.export_filename(kind_label="Monatscontrolling", period=OCTOBER, file_format="xlsx") == \
        "lotse-monatscontrolling-2026-10.xlsx"
    assert render.export_filename(kind_label="Jährliches Monitoring", period=Period.parse("2026-01..2026-06"),
                                  file_format="pdf") == "lotse-jahrliches-monitoring-2026-01-2026-06.pdf"


# ---- PDF ---------------------------------------------------------------------------------------------------

def test_pdf_contains_the_title_the_tables_and_no_suppressed_count():
    content = render.render_pdf(protect(fake_report()))
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Testbericht" in text and "Personen nach Alter" in text and "Kontakte nach Thema" in text
    assert "Bea Brandt" not in text  # internal table dropped


def test_pdf_html_escapes_data_in_the_footer_and_the_body():
    report = fake_report()
    report.title = 'Bericht"; } body { color: red } </style><script>x</script>'
    html = render.render_pdf_html(report)
    assert "<script>x</script>" not in html
    assert html.count("</style>") == 1 and '"; }' not in html


# ---- the shown table and the chart --------------------------------------------------------------------------

def test_table_view_has_change_columns_for_the_monthly_comparison():
    with override("en"):
        view = render.table_view(fake_report().section("topics"))
    assert view["change_headers"] == ["Change from September 2026", "Change from Oktober 2025"]
    assert [row["changes"] for row in view["rows"]] == [
        ["+3", "+5"], ["−3", "+3"], ["+6", "+3"], ["±0", "±0"], ["+5", "+9"]]
    protected = render.table_view(protect(fake_report()).section("topics"))
    assert [row["changes"] for row in protected["rows"]][1:3] == [["–", "–"], ["–", "+3"]]


def test_chart_groups_the_comparison_columns_and_marks_suppressed_bars():
    chart = charts.bar_chart(protect(fake_report()).section("topics"))
    assert [s.label for s in chart["series"]] == ["Oktober 2026", "September 2026", "Oktober 2025"]
    labour = chart["groups"][1]
    assert [bar["text"] for bar in labour["bars"]] == ["•", "6", "0"]
    assert labour["bars"][0]["width"] == 0.0
    # the largest value 12 → scale 12: a bar of 12 fills the plot, 6 half of it
    plot = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_SPACE
    assert chart["groups"][0]["bars"][0]["width"] == plot and labour["bars"][1]["width"] == plot / 2
    assert "Labour market: Oktober 2026" in chart["description"]


def test_chart_of_a_table_with_row_totals_draws_the_total_column():
    chart = charts.bar_chart(fake_report().section("age"))
    assert [s.label for s in chart["series"]] == ["Total"] or len(chart["series"]) == 1
    assert [group["bars"][0]["value"] for group in chart["groups"]] == [12, 16, 14]
    assert charts.bar_chart(fake_report().section("staff")) is None  # chart=False


def test_no_chart_without_anything_to_draw():
    table = Table(key="empty", title="Leer", row_header="x", columns=[Column("a", "A")],
                  rows=[Row("r", "R", [0])])
    assert charts.bar_chart(table) is None
    assert charts._nice_ceiling(1) == 4 and charts._nice_ceiling(13) == 16 and charts._nice_ceiling(85) == 120


def test_figure_labels():
    report = fake_report()
    with override("en"):
        assert render.figure_label(report, "age_rate") == "Personen nach Alter: rate"
        assert render.figure_label(report, "dropout_rate") == "Dropout rate of the integration course (share)"
        assert render.figure_label(report, "coverage_rate") == "Coverage rate"
