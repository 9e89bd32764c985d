"""The planning API: assessments, plan, goals and steps with the plan version (409 when stale)."""

from datetime import timedelta

import pytest
from django.test import Client

from lotse.accounts.services import api_token_create
from lotse.planning.models import Goal, Plan, Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(counsellor):
    token = api_token_create(actor=counsellor, name="test", valid_days=1)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})

    def call(method, path, body=None):
        return client.generic(method, f"/api{path}", "" if body is None else __import__("json").dumps(body),
                              content_type="application/json")
    return call


def test_assessment_api(api, case, today, django_assert_max_num_queries):
    response = api("POST", f"/cases/{case.public_id}/assessments",
                   {"assessed_on": today.isoformat(), "note": "gut", "items": {"language": {"rating": 2}}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["items"]) == 10 and body["items"][1] == {"domain": "language", "rating": 2, "strengths": "",
                                                             "needs": "", "notes": ""}
    with django_assert_max_num_queries(15):
        listing = api("GET", f"/cases/{case.public_id}/assessments")
    assert [item["id"] for item in listing.json()["items"]] == [body["id"]]
    assert api("GET", f"/assessments/{body['id']}").json()["note"] == "gut"
    bad = api("POST", f"/cases/{case.public_id}/assessments",
              {"assessed_on": (today + timedelta(days=2)).isoformat(), "items": {"language": {"rating": 2}}})
    assert bad.status_code == 400 and "assessed_on" in bad.json()["errors"]


def test_plan_goal_and_step_api_with_versions(api, case, today, partner):
    plan = api("GET", f"/cases/{case.public_id}/plan").json()
    assert plan["version"] == 0 and plan["goals"] == []
    goal = api("POST", f"/cases/{case.public_id}/plan/goals", {
        "version": 0, "domain": "language", "category": "german", "client_words": "Deutsch B1",
        "target_on": (today + timedelta(days=30)).isoformat()})
    assert goal.status_code == 201, goal.content
    goal_id = goal.json()["id"]
    past = api("POST", f"/cases/{case.public_id}/plan/goals", {
        "version": 1, "domain": "language", "category": "german", "client_words": "x",
        "target_on": (today - timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "target_on" in past.json()["errors"]
    step = api("POST", f"/goals/{goal_id}/steps", {"version": 1, "description": "Gutschein", "responsible": "partner",
                                                   "responsible_partner": str(partner.public_id),
                                                   "due_on": today.isoformat()})
    assert step.status_code == 201 and step.json()["responsible_partner_name"] == "Jobcenter Lindenau"
    missing = api("POST", f"/goals/{goal_id}/steps", {"version": 2, "description": "x", "responsible": "partner",
                                                      "due_on": today.isoformat()})
    assert missing.status_code == 400 and "responsible_partner" in missing.json()["errors"]
    stale = api("PUT", f"/goals/{goal_id}", {"version": 1, "priority": 2})
    assert stale.status_code == 409
    updated = api("PUT", f"/goals/{goal_id}", {"version": 2, "status": "discarded", "status_reason": "Umzug"})
    assert updated.status_code == 200 and updated.json()["status"] == "discarded"
    no_reason = api("PUT", f"/goals/{goal_id}", {"version": 3, "status": "not_reached", "status_reason": ""})
    assert no_reason.status_code == 400
    step_id = step.json()["id"]
    done = api("PUT", f"/steps/{step_id}", {"version": 3, "status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api("PUT", f"/steps/{step_id}", {"version": 3, "status": "open"}).status_code == 409
    plan = api("GET", f"/cases/{case.public_id}/plan").json()
    assert plan["version"] == 4 and plan["goals"][0]["steps"][0]["status"] == "done"
    assert Plan.objects.get().version == 4 and Goal.objects.count() == 1 and Step.objects.count() == 1


def test_foreign_token_gets_404(case, org_b):
    token = api_token_create(actor=org_b.user("counsellor"), name="b", valid_days=1)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get(f"/api/cases/{case.public_id}/plan").status_code == 404
