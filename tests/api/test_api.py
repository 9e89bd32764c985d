from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.accounts.models import ApiToken
from lotse.accounts.services import api_token_create, api_token_revoke
from lotse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _auth(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def counsellor_token(org_a):
    return api_token_create(actor=org_a.user("counsellor"), name="Skript", valid_days=30)


def test_token_is_stored_hashed(counsellor_token):
    token, secret = counsellor_token
    assert secret.startswith(f"lotse_{token.prefix}_")
    assert secret.split("_", 2)[2] not in token.key_hash


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Bearer lotse_abc_def", "Basic Zm9vOmJhcg==",
                                    "Bearer lotse_" + "x" * 5000])
def test_missing_or_bad_tokens_get_401_in_german(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "Ein gültiger API-Token ist erforderlich."


def test_revoked_and_expired_tokens_stop_working(client, org_a, counsellor_token):
    token, secret = counsellor_token
    assert client.get("/api/me", headers=_auth(secret)).status_code == 200
    api_token_revoke(actor=org_a.user("counsellor"), token=token)
    assert client.get("/api/me", headers=_auth(secret)).status_code == 401
    other, other_secret = api_token_create(actor=org_a.user("counsellor"), name="alt", valid_days=1)
    ApiToken.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me", headers=_auth(other_secret)).status_code == 401


def test_deactivated_user_token_stops_working(client, org_a, counsellor_token):
    _, secret = counsellor_token
    org_a.user("counsellor").__class__.objects.filter(pk=org_a.user("counsellor").pk).update(is_active=False)
    assert client.get("/api/me", headers=_auth(secret)).status_code == 401


def test_me_lists_own_roles(client, org_a, counsellor_token, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        data = client.get("/api/me", headers=_auth(counsellor_token[1])).json()
    assert data["username"] == org_a.user("counsellor").username
    assert data["memberships"] == [{"organisation": str(org_a.organisation.public_id),
                                    "team": str(org_a.team.public_id), "role": "counsellor"}]


def test_api_uses_the_same_scope_as_the_ui(client, org_a, org_b, counsellor_token):
    secret = counsellor_token[1]
    organisations = client.get("/api/organisations", headers=_auth(secret)).json()
    assert [o["id"] for o in organisations] == [str(org_a.organisation.public_id)]
    assert client.get(f"/api/organisations/{org_b.organisation.public_id}", headers=_auth(secret)).status_code == 404
    assert client.get("/api/organisations/keine-uuid", headers=_auth(secret)).status_code == 422
    staff = client.get("/api/staff", headers=_auth(secret)).json()
    names = {item["username"] for item in staff["items"]}
    assert org_a.user("team_lead").username in names
    assert org_b.user("counsellor").username not in names
    assert org_a.user("accommodation").username not in names


def test_api_staff_list_is_audited_and_paginated(client, org_a, counsellor_token, django_assert_num_queries):
    secret = counsellor_token[1]
    first = client.get("/api/staff?limit=1", headers=_auth(secret)).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(f"/api/staff?limit=1&cursor={first['next_cursor']}", headers=_auth(secret)).json()
    assert second["items"][0]["id"] != first["items"][0]["id"]
    event = AuditEvent.objects.filter(action="staff.list_viewed").latest("id")
    assert event.details["ids"] == [second["items"][0]["id"]] and event.details["via"] == "api"
    weird = client.get("/api/staff?limit=-5&cursor=%00%00", headers=_auth(secret))
    assert weird.status_code == 400 and "cursor" in weird.json()["errors"]
    bad_type = client.get("/api/staff?limit=viele", headers=_auth(secret))
    assert bad_type.status_code == 422 and bad_type.json()["message"] == "Die Anfrage enthält ungültige Werte."


def test_coordinator_gets_no_personal_data_by_api(client, org_a):
    _, secret = api_token_create(actor=org_a.user("coordinator"), name="x", valid_days=1)
    assert client.get("/api/staff", headers=_auth(secret)).status_code == 403
    target = org_a.user("counsellor").public_id
    assert client.get(f"/api/staff/{target}", headers=_auth(secret)).status_code == 404


def test_openapi_schema_is_served_and_describes_token_auth(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Lotse API"
    assert "/api/staff" in schema["paths"]
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())


def test_api_docs_are_served_without_a_cdn(client):
    html = client.get("/api/docs").content.decode()
    assert "cdn." not in html and "unpkg" not in html
