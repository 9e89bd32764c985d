"""Acceptance (issue 7): in every aggregate export for a coordinator no cell shows a count from 1 to 4, and no
suppressed cell can be recomputed from the published totals.

Runs on the demo world (two years of synthetic casework in three organisations): every report kind the
coordinator can get, for each assigned organisation and for all of them together, as XLSX, CSV and JSON; the
recomputation check solves a linear program per suppressed cell (see test_suppression.py).
"""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accounts.models import User
from lotse.core.demo import seed_demo
from lotse.reports.engine import report_kinds
from lotse.reports.periods import Period
from lotse.reports.selectors import coordinator_organisations, report_build
from tests.factories import login
from tests.reports.test_suppression import feasible_range

pytestmark = pytest.mark.django_db

SUPPRESSED = "•"


@pytest.fixture
def world():
    seed_demo()


def _period(kind: str) -> Period:
    return Period.parse("2025") if kind in {"monitoring", "mbe", "jmd", "im_bw", "indicators"} else Period.parse(
        "2026-10")


def _cases(coordinator):
    organisations = coordinator_organisations(actor=coordinator)
    for kind in report_kinds():
        for scope in [[organisation] for organisation in organisations] + [organisations]:
            try:
                report = report_build(actor=coordinator, kind=kind, period=_period(kind), organisations=scope)
            except ValidationError:  # a programme report of an organisation that does not offer the programme
                continue
            yield kind, scope, report


def _numbers_in_xlsx(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [cell for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2, values_only=True)
            for cell in row[1:] if cell is not None]


@pytest.mark.usefixtures("world")
def test_no_count_below_five_and_nothing_recomputable_in_any_coordinator_export():
    coordinator = User.objects.get(username="koordination")
    client = Client()
    login(client, coordinator)
    checked_cells = suppressed_cells = 0
    kinds_seen = set()
    for kind, scope, report in _cases(coordinator):
        kinds_seen.add(kind)
        assert report.is_protected
        for table in report.sections:
            for line in table.shown():
                for value in line:
                    assert value is None or not 0 < value < 5, (kind, table.key, line)
                    checked_cells += 1
            for position in table.suppressed:
                low, high = feasible_range(table, position)
                assert high - low >= 1 - 1e-6, (kind, table.key, position, low, high)
                suppressed_cells += 1
        organisation = "all" if len(scope) > 1 else str(scope[0].public_id)
        query = {"organisation": organisation, "period": _period(kind).code}
        xlsx = client.get(reverse("reports:report_xlsx", args=[kind]), query)
        if xlsx.status_code == 400 and report_kinds()[kind].template is not None and len(scope) > 1:
            continue  # the pages offer a programme report only for organisations that all run the programme
        assert xlsx.status_code == 200, (kind, organisation)
        for value in _numbers_in_xlsx(xlsx.content):
            assert value == SUPPRESSED or not (isinstance(value, int | float) and 0 < value < 5), (kind, value)
        text = client.get(reverse("reports:report_csv", args=[kind]), query).content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text), delimiter=";"):
            for value in row[1:]:
                assert not (value.strip().isdigit() and 0 < int(value) < 5), (kind, row)
        data = json.loads(client.get(reverse("reports:report_json", args=[kind]), query).content)
        assert data["audience"] == "external"
        for section in data["sections"]:
            for row in section["rows"] + ([{"values": section["total"]}] if section["total"] else []):
                assert not any(isinstance(v, int) and 0 < v < 5 for v in row["values"]), (kind, section["key"])
    assert {"monthly", "mbe", "jmd", "monitoring", "indicators"} <= kinds_seen
    assert checked_cells > 500 and suppressed_cells > 10, "the demo must exercise the suppression"


@pytest.mark.usefixtures("world")
def test_the_coordinator_never_gets_exact_or_staff_figures():
    coordinator = User.objects.get(username="koordination")
    client = Client()
    login(client, coordinator)
    organisation = coordinator_organisations(actor=coordinator)[0]
    response = client.get(reverse("reports:report_json", args=["monthly"]),
                          {"organisation": str(organisation.public_id), "period": "2026-10",
                           "audience": "internal"})
    assert response.status_code == 403
    for _kind, _scope, report in _cases(coordinator):
        assert all(table.key != "by_counsellor" for table in report.sections)
