"""The reports API: the kinds the caller may see, one report as ``Report.to_dict()`` JSON (exact or protected
like the page), 400/403/404 with a German message, both endpoints in the OpenAPI schema."""

import pytest
from django.utils.translation import gettext, override

from lotse.accounts.services import api_token_create
from lotse.api.api import api
from lotse.audit.models import AuditEvent
from lotse.organisations.models import Role
from lotse.reports.suppression import protect
from tests.reports.test_render import fake_report, register_fake_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_kind(monkeypatch):
    return register_fake_kind(monkeypatch)
QUERIES = 30


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Statistik', valid_days=30)[1]}"}


def _expected(report) -> dict:
    data = report.to_dict()
    data["generated_at"] = None
    return data


def _comparable(data: dict) -> dict:
    return {**data, "generated_at": None}


def test_schema_lists_both_endpoints_with_the_report_shape():
    schema = api.get_openapi_schema()
    assert "/api/reports" in schema["paths"] and "/api/reports/{kind}" in schema["paths"]
    operation = schema["paths"]["/api/reports/{kind}"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "kind", "organisation", "team", "counsellor", "period", "period_end", "audience"}
    responses = {str(status): value for status, value in operation["responses"].items()}
    reference = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    assert reference.endswith("/ReportOut")
    assert set(schema["components"]["schemas"]["ReportOut"]["properties"]) == {
        "kind", "title", "scope", "period", "audience", "generated_at", "notes", "figures", "sections"}


def test_kinds_for_a_counsellor_and_a_coordinator(client, org_a, fake_kind, django_assert_max_num_queries):
    with django_assert_max_num_queries(QUERIES):
        response = client.get("/api/reports", headers=_auth(org_a.user(Role.COUNSELLOR)))
    assert response.status_code == 200
    assert sorted(kind["code"] for kind in response.json()) == ["fake", "monthly"]
    coordinator = client.get("/api/reports", headers=_auth(org_a.user(Role.COORDINATOR))).json()
    codes = [kind["code"] for kind in coordinator]
    assert {"monthly", "monitoring", "indicators", "fake", "mbe"} <= set(codes) and "jmd" not in codes
    mbe = next(kind for kind in coordinator if kind["code"] == "mbe")
    assert mbe["programme"] == "mbe" and mbe["levels"] == ["organisation", "team"]


def test_kinds_refused_for_accommodation_staff(client, org_a):
    response = client.get("/api/reports", headers=_auth(org_a.user(Role.ACCOMMODATION)))
    assert response.status_code == 403 and response.json()["message"]


def test_report_json_equals_to_dict_exact_for_the_admin(client, org_a, fake_kind, django_assert_max_num_queries):
    headers = _auth(org_a.user(Role.ORG_ADMIN))
    with django_assert_max_num_queries(QUERIES):
        response = client.get("/api/reports/fake", {"period": "2026-10"}, headers=headers)
    assert response.status_code == 200
    assert _comparable(response.json()) == _expected(fake_report())
    event = AuditEvent.objects.filter(action="report.exported").latest("id")
    assert event.details["format"] == "api" and event.details["audience"] == "internal"


def test_report_json_is_protected_for_the_coordinator(client, org_a, fake_kind):
    response = client.get("/api/reports/fake", {"period": "2026-10"}, headers=_auth(org_a.user(Role.COORDINATOR)))
    assert response.status_code == 200
    data = response.json()
    assert _comparable(data) == _expected(protect(fake_report()))
    age = next(section for section in data["sections"] if section["key"] == "age")
    assert [row["values"] for row in age["rows"]] == [[None, None, 12], [7, 9, 16], [None, None, 14]]
    assert age["total"] == [23, 19, 42] and age["suppressed_cells"] == 4
    assert data["figures"]["small_count"] is None
    assert client.get("/api/reports/fake", {"period": "2026-10", "audience": "internal"},
                      headers=_auth(org_a.user(Role.COORDINATOR))).status_code == 403


def test_team_lead_asks_for_the_protected_version(client, org_a, fake_kind):
    response = client.get("/api/reports/fake", {"audience": "external"}, headers=_auth(org_a.user(Role.TEAM_LEAD)))
    assert response.status_code == 200 and response.json()["audience"] == "external"


@pytest.mark.parametrize("query", [
    {"period": "2026-13"}, {"period": "gestern"}, {"organisation": "x"}, {"team": "nicht-da"},
    {"audience": "alle"}, {"period": "2026-10", "period_end": "2025-01"}, {"period": "2026-10\x00"},
])
def test_bad_values_are_400_with_a_german_message(client, org_a, fake_kind, query):
    response = client.get("/api/reports/fake", {"period": "2026-10", **query}, headers=_auth(org_a.user(Role.ORG_ADMIN)))
    assert response.status_code == 400
    assert response.json()["message"] and response.json()["errors"]


def test_bad_period_message_is_the_german_one(client, org_a, fake_kind):
    with override("de"):
        expected = gettext("Enter the period as YYYY-MM, YYYY-MM..YYYY-MM or YYYY.")
    response = client.get("/api/reports/fake", {"period": "10/2026"}, headers=_auth(org_a.user(Role.ORG_ADMIN)))
    assert expected in response.json()["message"]


def test_foreign_organisation_is_403_and_unknown_kind_404(client, org_a, org_b, fake_kind):
    headers = _auth(org_b.user(Role.TEAM_LEAD))
    response = client.get("/api/reports/fake", {"organisation": str(org_a.organisation.public_id)}, headers=headers)
    assert response.status_code == 403
    assert client.get("/api/reports/nonsense", headers=headers).status_code == 404
    assert client.get("/api/reports/fake", headers={}).status_code == 401


def test_level_not_offered_by_the_kind_is_400(client, org_a):
    response = client.get("/api/reports/monitoring", {"team": str(org_a.team.public_id), "period": "2025"},
                          headers=_auth(org_a.user(Role.ORG_ADMIN)))
    assert response.status_code == 400


def test_monthly_report_through_the_api_equals_the_builder(client, fake_kind):
    from lotse.reports.engine import ReportScope
    from lotse.reports.monthly import build_monthly_report
    from lotse.reports.periods import Period
    from tests.reports.monthly_fixture import build_monthly_world

    world = build_monthly_world()
    response = client.get("/api/reports/monthly", {"period": "2026-10"}, headers=_auth(world.a.user(Role.ORG_ADMIN)))
    assert response.status_code == 200
    expected = build_monthly_report(ReportScope(organisations=(world.a.organisation,), period=Period.parse("2026-10")))
    assert _comparable(response.json()) == _expected(expected)
