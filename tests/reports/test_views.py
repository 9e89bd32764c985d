"""Report pages and downloads: who gets which figures (exact, protected, refused), bad input (400, never 500),
downloads in every format, constant queries; with the hand-written ``fake_report`` and with the real monthly
controlling of ``monthly_fixture``."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from lotse.audit.models import AuditEvent
from lotse.organisations.models import Membership, Role
from lotse.reports.forms import default_period
from lotse.reports.periods import Period
from tests.factories import german, login
from tests.reports.test_render import STAFF_ROWS, register_fake_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_kind(monkeypatch):
    return register_fake_kind(monkeypatch)

CELL = re.compile(r'<td class="kern-table__cell reports-num reports-count">(.*?)</td>', re.DOTALL)
PAGE_QUERIES = 30


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _url(kind="fake", **query):
    from urllib.parse import urlencode

    return reverse("reports:report", kwargs={"kind": kind}) + (f"?{urlencode(query)}" if query else "")


def _counts(html: str) -> list[str]:
    return [cell.strip() for cell in CELL.findall(html)]


def _no_small_count(html: str) -> bool:
    """No published count cell holds 1, 2, 3 or 4."""
    return not any(re.fullmatch(r"[1-4]", value) for value in _counts(html))


# ---- overview ------------------------------------------------------------------------------------------------

def test_overview_lists_the_kinds_and_a_form(org_a, fake_kind, django_assert_max_num_queries):
    client = _client(org_a.user(Role.ORG_ADMIN))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("monthly", "monitoring", "indicators", "fake"):
        assert f'id="kind-{code}"' in html
    assert 'name="kind"' in html and 'name="period"' in html and 'name="organisation"' in html
    assert f'value="{org_a.organisation.public_id}"' in html


def test_overview_for_a_counsellor_offers_only_the_kinds_with_own_figures(org_a, fake_kind):
    html = _client(org_a.user(Role.COUNSELLOR)).get(reverse("reports:overview")).content.decode()
    assert 'id="kind-monthly"' in html and 'id="kind-fake"' in html
    assert 'id="kind-monitoring"' not in html and 'id="kind-indicators"' not in html


def test_overview_refuses_accommodation_staff(org_a):
    assert _client(org_a.user(Role.ACCOMMODATION)).get(reverse("reports:overview")).status_code == 403


def test_overview_form_leads_to_the_report(org_a, fake_kind, django_assert_max_num_queries):
    client = _client(org_a.user(Role.ORG_ADMIN))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("reports:overview"), {
            "kind": "fake", "organisation": str(org_a.organisation.public_id), "team": "", "counsellor": "",
            "period": "2026-01", "period_end": "2026-03"})
    assert response.status_code == 302
    assert response["Location"].startswith("/statistik/fake/?")
    assert "period=2026-01" in response["Location"] and "period_end=2026-03" in response["Location"]


@pytest.mark.parametrize("values", [
    {"kind": "nonsense"}, {"kind": "fake", "period": "2026-13"}, {"kind": "fake", "organisation": "x"},
    {"kind": "monitoring", "period": "2026-10", "period_end": "2026-01"}])
def test_overview_form_with_bad_values_answers_400(org_a, fake_kind, values):
    response = _client(org_a.user(Role.ORG_ADMIN)).get(reverse("reports:overview"),
                                                         {"period": "2026-10", **values})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


# ---- the report page: roles ----------------------------------------------------------------------------------

def test_org_admin_sees_exact_figures_and_the_staff_table(org_a, fake_kind, django_assert_max_num_queries):
    client = _client(org_a.user(Role.ORG_ADMIN))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url(period="2026-10"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="table-topics"' in html and 'id="table-age"' in html and 'id="table-staff"' in html
    # topics: 4 rows + total, 3 columns; age: 3 rows + total, 3 columns; staff: 2 rows + total
    counts = _counts(html)
    assert counts[:3] == ["12", "9", "7"] and counts[3:6] == ["3", "6", "0"]
    assert counts[12:15] == ["20", "15", "11"]
    assert counts[15:27] == ["10", "2", "12", "7", "9", "16", "6", "8", "14", "23", "19", "42"]
    assert counts[27:] == ["4", "11", "15"]
    assert 'id="internal-note"' in html and 'id="protected-note"' not in html
    assert "•" not in "".join(counts)
    assert '<th scope="col"' in html and '<th scope="row"' in html and "<caption" in html
    assert 'role="img"' in html and "<title id=\"chart-topics-title\">" in html
    assert 'type="checkbox" name="audience"' in html  # may ask for the protected version
    event = AuditEvent.objects.filter(action="report.viewed").latest("id")
    assert event.details["audience"] == "internal" and event.details["period"] == "2026-10"


def test_coordinator_gets_a_protected_report_without_small_counts(org_a, fake_kind,
                                                                   django_assert_max_num_queries):
    client = _client(org_a.user(Role.COORDINATOR))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url(period="2026-10"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="protected-note"' in html and 'id="table-staff"' not in html
    assert STAFF_ROWS[0][1] not in html
    assert _no_small_count(html)
    counts = _counts(html)
    # age, protected by hand in test_render: [[•, •, 12], [7, 9, 16], [•, •, 14], [23, 19, 42]]
    assert counts[15:27] == [_dot(), _dot(), "12", "7", "9", "16", _dot(), _dot(), "14", "23", "19", "42"]
    assert 'type="checkbox" name="audience"' not in html
    assert AuditEvent.objects.filter(action="report.viewed").latest("id").details["audience"] == "external"


def _dot():
    label = german("not shown: fewer than 5 cases or secondary suppression")
    return f'<span class="reports-suppressed" role="img" aria-label="{label}">•</span>'


def test_coordinator_may_not_ask_for_exact_figures(org_a, fake_kind):
    response = _client(org_a.user(Role.COORDINATOR)).get(_url(period="2026-10", audience="internal"))
    assert response.status_code == 403


def test_team_lead_may_ask_for_the_protected_version(org_a, fake_kind):
    client = _client(org_a.user(Role.TEAM_LEAD))
    exact = client.get(_url(period="2026-10")).content.decode()
    assert 'id="internal-note"' in exact and f'value="{org_a.team.public_id}" selected' in exact
    protected = client.get(_url(period="2026-10", organisation=org_a.organisation.public_id,
                                team=org_a.team.public_id, audience="external"))
    assert protected.status_code == 200
    html = protected.content.decode()
    assert 'id="protected-note"' in html and _no_small_count(html)
    box = re.search(r'<input type="checkbox" name="audience"[^>]*>', html).group(0)
    assert 'value="external"' in box and "checked" in box


def test_counsellor_sees_own_figures_by_default_and_not_the_team(org_a, fake_kind):
    counsellor = org_a.user(Role.COUNSELLOR)
    client = _client(counsellor)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{counsellor.public_id}" selected' in html and 'id="internal-note"' in html
    team_only = client.get(_url(organisation=org_a.organisation.public_id, team=org_a.team.public_id,
                                counsellor="", period="2026-10"))
    assert team_only.status_code == 403


def test_counsellor_of_another_organisation_is_refused(org_a, org_b, fake_kind):
    client = _client(org_b.user(Role.COUNSELLOR))
    response = client.get(_url(organisation=org_a.organisation.public_id, period="2026-10"))
    assert response.status_code == 403
    foreign_team = client.get(_url(organisation=org_b.organisation.public_id, team=org_a.team.public_id,
                                   period="2026-10"))
    assert foreign_team.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").exists()
    lead_b = _client(org_b.user(Role.TEAM_LEAD))
    colleague = org_a.user(Role.COUNSELLOR)
    assert lead_b.get(_url(organisation=org_b.organisation.public_id, team=org_b.team.public_id,
                           counsellor=colleague.public_id)).status_code == 403


def test_accommodation_staff_get_no_report(org_a, fake_kind):
    assert _client(org_a.user(Role.ACCOMMODATION)).get(_url()).status_code == 403


def test_unknown_kind_is_404_and_a_kind_without_own_level_too(org_a):
    client = _client(org_a.user(Role.COUNSELLOR))
    assert client.get(_url("nonsense")).status_code == 404
    assert client.get(_url("monitoring")).status_code == 404  # no figures of their own at that level


def test_coordinator_of_several_organisations_may_choose_all(org_a, org_b, fake_kind):
    coordinator = org_a.user(Role.COORDINATOR)
    Membership.objects.create(user=coordinator, organisation=org_b.organisation, role=Role.COORDINATOR)
    client = _client(coordinator)
    html = client.get(_url(period="2026-10")).content.decode()
    assert 'value="all"' in html
    response = client.get(_url(organisation="all", period="2026-10"))
    assert response.status_code == 200 and 'id="protected-note"' in response.content.decode()
    event = AuditEvent.objects.filter(action="report.viewed").latest("id")
    assert sorted(event.details["organisations"]) == sorted(
        [str(org_a.organisation.public_id), str(org_b.organisation.public_id)])
    single = _client(org_a.user(Role.ORG_ADMIN)).get(_url(period="2026-10")).content.decode()
    assert 'value="all"' not in single
    assert client.get(_url(organisation="all", team=org_a.team.public_id, period="2026-10")).status_code in (
        400, 403)


# ---- the report page: bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    {"period": "2026-13"}, {"period": "Oktober"}, {"period": "1999-01"}, {"period": "2026-10", "period_end": "2026-01"},
    {"period": "2026-01..2026-03", "period_end": "2026-04"}, {"period": "2010-01", "period_end": "2026-01"},
    {"organisation": "nonsense"}, {"period": ""}, {"team": "x"}, {"counsellor": "'; DROP TABLE"},
    {"audience": "everyone"}, {"period": "2026-10\x00"}, {"period": "9" * 40},
])
def test_bad_values_answer_400_with_the_form(org_a, fake_kind, query, django_assert_max_num_queries):
    client = _client(org_a.user(Role.ORG_ADMIN))
    values = {"organisation": str(org_a.organisation.public_id), "period": "2026-10", **query}
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url(**values))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html or 'kern-alert--danger' in html
    assert 'id="table-topics"' not in html


def test_bad_period_shows_the_german_message(org_a, fake_kind):
    from django.utils.translation import gettext

    with override("de"):
        expected = gettext("Enter the period as YYYY-MM, YYYY-MM..YYYY-MM or YYYY.")
    html = _client(org_a.user(Role.ORG_ADMIN)).get(_url(period="Okt 2026")).content.decode()
    assert expected in html


def test_team_level_for_a_kind_without_teams_is_400(org_a):
    response = _client(org_a.user(Role.ORG_ADMIN)).get(_url(
        "monitoring", organisation=org_a.organisation.public_id, team=org_a.team.public_id, period="2025"))
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["<script>alert('xss')</script>", "x" * 10000, "\u202eevil", "-1", "🙂" * 50])
def test_hostile_values_in_the_query_string(org_a, fake_kind, value):
    client = _client(org_a.user(Role.ORG_ADMIN))
    for name in ("organisation", "team", "counsellor", "period", "period_end", "audience"):
        response = client.get(_url(**{"period": "2026-10", name: value}))
        assert response.status_code in (400, 403), name
        assert "<script>alert('xss')</script>" not in response.content.decode()
    assert client.get(reverse("reports:report_csv", kwargs={"kind": "fake"}), {"period": value}).status_code == 400


def test_page_query_count_is_constant(org_a, fake_kind, django_assert_max_num_queries):
    from lotse.organisations.models import Team
    from tests.factories import make_user

    client = _client(org_a.user(Role.TEAM_LEAD))
    url = _url(period="2026-10")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(8):
        team = Team.objects.create(organisation=org_a.organisation, name=f"Zusatz {index}")
        user = make_user(f"zusatz-{index}")
        Membership.objects.create(user=user, organisation=org_a.organisation, team=org_a.team, role=Role.COUNSELLOR)
        Membership.objects.create(user=user, organisation=org_a.organisation, team=team, role=Role.COUNSELLOR)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large) <= PAGE_QUERIES


# ---- downloads ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, content_type, start", [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("pdf", "application/pdf", b"%PDF"),
    ("csv", "text/csv; charset=utf-8", b"\xef\xbb\xbf"),
    ("json", "application/json", b"{"),
])
def test_downloads(org_a, fake_kind, fmt, content_type, start, django_assert_max_num_queries):
    client = _client(org_a.user(Role.COORDINATOR))
    url = reverse(f"reports:report_{fmt}", kwargs={"kind": "fake"})
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url, {"period": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type and response.content.startswith(start)
    assert response["Content-Disposition"] == f'attachment; filename="lotse-testbericht-2026-10.{fmt}"'
    event = AuditEvent.objects.filter(action="report.exported").latest("id")
    assert event.details["format"] == fmt and event.details["audience"] == "external"
    if fmt == "json":
        data = response.json()
        assert [s["key"] for s in data["sections"]] == ["topics", "age"] and data["audience"] == "external"


def test_the_page_links_the_downloads_with_the_same_choice(org_a, fake_kind):
    html = _client(org_a.user(Role.ORG_ADMIN)).get(_url(period="2026-01", period_end="2026-03")).content.decode()
    for fmt in ("xlsx", "pdf", "csv", "json"):
        assert f'href="/statistik/fake/export.{fmt}?organisation={org_a.organisation.public_id}' in html
    assert "period=2026-01&amp;period_end=2026-03" in html
    assert "data-print" in html


def test_download_refused_like_the_page(org_a, org_b, fake_kind):
    client = _client(org_b.user(Role.COORDINATOR))
    response = client.get(reverse("reports:report_xlsx", kwargs={"kind": "fake"}),
                          {"organisation": str(org_a.organisation.public_id)})
    assert response.status_code == 403


def test_default_period_is_the_last_complete_month_or_year(monkeypatch):
    from lotse.reports import forms

    monkeypatch.setattr(forms.timezone, "localdate", lambda: date(2026, 1, 15))
    assert default_period(None) == Period.parse("2025-12")
    from lotse.reports.kinds import MONITORING

    assert default_period(MONITORING) == Period.parse("2025")


# ---- with the real monthly controlling -----------------------------------------------------------------------

@pytest.fixture
def world():
    from tests.reports.monthly_fixture import build_monthly_world

    return build_monthly_world()


def test_monthly_for_the_coordinator_is_protected_and_for_the_admin_exact(world, django_assert_max_num_queries):
    query = {"organisation": str(world.a.organisation.public_id), "period": "2026-10"}
    coordinator = _client(world.a.user(Role.COORDINATOR))
    with django_assert_max_num_queries(PAGE_QUERIES + 20):
        response = coordinator.get(_url("monthly", **query))
    assert response.status_code == 200
    html = response.content.decode()
    assert _no_small_count(html) and "•" in html and 'id="table-by_counsellor"' not in html
    assert 'id="table-contacts_by_topic"' in html
    admin = _client(world.a.user(Role.ORG_ADMIN)).get(_url("monthly", **query)).content.decode()
    assert 'id="table-by_counsellor"' in admin and not _no_small_count(admin)


def test_monthly_xlsx_totals_equal_the_page_and_the_json(world):
    from lotse.reports.monthly import build_monthly_report  # noqa: F401 – the builder must exist

    client = _client(world.a.user(Role.ORG_ADMIN))
    query = {"organisation": str(world.a.organisation.public_id), "period": "2026-10"}
    data = client.get(reverse("reports:report_json", kwargs={"kind": "monthly"}), query).json()
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("reports:report_xlsx", kwargs={"kind": "monthly"}), query).content))
    html = client.get(_url("monthly", **query)).content.decode()
    for section, name in zip(data["sections"], workbook.sheetnames[1:]):
        rows = [list(row) for row in workbook[name].iter_rows(values_only=True)]
        width = len(section["columns"]) + 1
        body = [row[1:width] for row in rows[4:4 + len(section["rows"])]]
        assert body == [r["values"] for r in section["rows"]], section["key"]
        if section["total"] is not None:
            assert rows[4 + len(section["rows"])][1:width] == section["total"], section["key"]
        table = html.split(f'id="table-{section["key"]}"')[1].split("</table>")[0]
        cells = [int(value) for value in _counts(table)]
        expected = [v for r in section["rows"] for v in r["values"]] + (section["total"] or [])
        assert cells == expected, section["key"]
