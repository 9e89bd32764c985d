"""``manage.py report``: every kind in every format on the monthly test world (exact, or protected with
``--protected``), audited as "manage.py report"; clear German errors and a non-zero exit code for bad input."""

import codecs
import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext, override
from pypdf import PdfReader

from lotse.audit.models import AuditEvent
from lotse.reports.engine import ReportScope
from lotse.reports.management.commands.report import Command
from lotse.reports.monthly import build_monthly_report
from lotse.reports.periods import Period
from lotse.reports.suppression import protect
from tests.reports.monthly_fixture import build_monthly_world

pytestmark = pytest.mark.django_db

KINDS = ["monthly", "monitoring", "indicators", "mbe", "jmd"]
FORMATS = ["xlsx", "pdf", "csv", "json"]


@pytest.fixture
def world():
    return build_monthly_world()


def _de(msgid: str) -> str:
    with override("de"):
        return gettext(msgid)


def _run(world, tmp_path, kind="monthly", fmt="json", *extra, period="2026-10"):
    target = tmp_path / f"bericht.{fmt}"
    call_command("report", kind, "--organisation", str(world.a.organisation.public_id), "--period", period,
                 "--format", fmt, "--output", str(target), *extra, stdout=io.StringIO())
    return target


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_in_every_format(world, tmp_path, kind, fmt):
    period = "2025" if kind == "monitoring" else "2026-10"
    target = _run(world, tmp_path, kind, fmt, period=period)
    content = target.read_bytes()
    json_target = _run(world, tmp_path, kind, "json", period=period)
    data = json.loads(json_target.read_text())
    assert data["kind"] == kind and data["audience"] == "internal" and data["sections"]
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        assert len(workbook.sheetnames) == len(data["sections"]) + 1
        first = data["sections"][0]
        rows = list(workbook.worksheets[1].iter_rows(values_only=True))
        width = len(first["columns"]) + 1
        assert [list(row[1:width]) for row in rows[4:4 + len(first["rows"])]] == [r["values"] for r in first["rows"]]
    elif fmt == "pdf":
        assert content.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert data["title"] in text
    elif fmt == "csv":
        assert content.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == [data["title"]]
        assert [data["sections"][0]["title"]] in rows
    event = AuditEvent.objects.filter(action="report.exported").latest("id")
    assert event.actor_id is None and event.actor_label == "manage.py report"
    assert event.details["kind"] == kind and event.details["audience"] == "internal"


def test_json_equals_the_builder_and_protected_is_suppressed(world, tmp_path):
    exact = json.loads(_run(world, tmp_path).read_text())
    expected = build_monthly_report(ReportScope(organisations=(world.a.organisation,), period=Period.parse("2026-10")))
    with override("de"):
        wanted = expected.to_dict()
    assert {**exact, "generated_at": None} == {**wanted, "generated_at": None}
    assert "by_counsellor" in [s["key"] for s in exact["sections"]]
    protected = json.loads(_run(world, tmp_path, "monthly", "json", "--protected").read_text())
    with override("de"):
        wanted = protect(expected).to_dict()
    assert {**protected, "generated_at": None} == {**wanted, "generated_at": None}
    assert protected["audience"] == "external" and "by_counsellor" not in [s["key"] for s in protected["sections"]]
    assert all(not 0 < value < 5 for section in protected["sections"] for row in section["rows"]
               for value in row["values"] if value is not None)


def test_organisation_and_team_by_name(world, tmp_path):
    target = tmp_path / "team.json"
    call_command("report", "monthly", "--organisation", "Organisation A", "--team", world.team2.name,
                 "--period", "2026-09..2026-10", "--format", "json", "--output", str(target), stdout=io.StringIO())
    data = json.loads(target.read_text())
    assert data["period"] == {"start": "2026-09-01", "end": "2026-10-31", "label": data["period"]["label"]}
    assert AuditEvent.objects.filter(action="report.exported").latest("id").details["team"] == str(
        world.team2.public_id)


def test_several_organisations(world, tmp_path):
    target = tmp_path / "beide.json"
    call_command("report", "monthly", "--organisation", str(world.a.organisation.public_id), "--organisation",
                 str(world.b.organisation.public_id), "--period", "2026-10", "--format", "json", "--output",
                 str(target), "--protected", stdout=io.StringIO())
    data = json.loads(target.read_text())
    assert "by_organisation" in [s["key"] for s in data["sections"]]


@pytest.mark.parametrize("arguments, message", [
    (["nonsense", "--organisation", "Organisation A", "--period", "2026-10"], "Unknown report kind “%(kind)s”. Known kinds: %(kinds)s."),
    (["monthly", "--organisation", "Organisation Z", "--period", "2026-10"], "There is no organisation “%(name)s”."),
    (["monthly", "--organisation", "00000000-0000-0000-0000-000000000000", "--period", "2026-10"],
     "There is no organisation “%(name)s”."),
    (["monthly", "--organisation", "Organisation A", "--period", "2026-13"],
     "The period contains a month that does not exist."),
    (["monthly", "--organisation", "Organisation A", "--period", "Oktober"],
     "Enter the period as YYYY-MM, YYYY-MM..YYYY-MM or YYYY."),
    (["monthly", "--organisation", "Organisation A", "--team", "Team B", "--period", "2026-10"],
     "The organisation has no team “%(name)s”."),
    (["monitoring", "--organisation", "Organisation A", "--team", "Team A", "--period", "2025"],
     "This report is not available at this level."),
    (["im_bw", "--organisation", "Organisation A", "--period", "2026-10"],
     "The organisation does not offer this programme."),
    (["monthly", "--organisation", "Organisation A", "--organisation", "Organisation B", "--team", "Team A",
      "--period", "2026-10"], "A team can only be given with exactly one organisation."),
])
def test_errors_are_command_errors_in_german(world, tmp_path, arguments, message):
    with pytest.raises(CommandError) as raised:
        call_command("report", *arguments, "--format", "json", "--output", str(tmp_path / "x.json"),
                     stdout=io.StringIO())
    assert _de(message).split("“")[0].split("%")[0] in str(raised.value)
    assert not (tmp_path / "x.json").exists()
    assert not AuditEvent.objects.filter(action="report.exported").exists()


def test_unwritable_output_is_an_error(world, tmp_path):
    with pytest.raises(CommandError) as raised:
        _run(world, tmp_path / "fehlt", "monthly", "json")
    assert "fehlt" in str(raised.value)
    with pytest.raises(CommandError):
        call_command("report", "monthly", "--organisation", "Organisation A", "--period", "2026-10", "--format",
                     "json", "--output", str(tmp_path), stdout=io.StringIO())


def test_exit_code_is_not_zero(world, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "report", "nonsense", "--organisation", "Organisation A", "--period",
                                 "2026-10", "--format", "json", "--output", str(tmp_path / "x.json")])
    assert exited.value.code != 0
    assert "nonsense" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "report", "monthly", "--organisation", "Organisation A", "--period",
                                 "2026-10", "--format", "docx", "--output", str(tmp_path / "x.docx")])
    assert exited.value.code != 0
