"""Cases under /api/: list, open, phase with version check (409), tasks, closure — bad input gets 4xx in German."""

import json

import pytest
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.cases.models import Case, Indicator, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, counsellor):
    secret = api_token_create(actor=counsellor, name="Skript", valid_days=5)[1]

    def call(method, path, body=None):
        return client.generic(method, f"/api{path}", json.dumps(body) if body is not None else "",
                              content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
    return call


def test_open_a_case_list_it_change_the_phase_and_close_it(api, make_person, org_a):
    person = make_person()
    response = api("POST", f"/persons/{person.public_id}/cases", {"offering": str(org_a.offering.public_id)})
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["status"] == "open" and case["phase"] == "clearing" and case["version"] == 1
    assert api("POST", f"/persons/{person.public_id}/cases",
               {"offering": str(org_a.offering.public_id)}).status_code == 400
    listed = api("GET", "/cases").json()
    assert [item["id"] for item in listed["items"]] == [case["id"]]
    today = timezone.localdate().isoformat()
    moved = api("POST", f"/cases/{case['id']}/phase", {"phase": "counselling", "on": today, "version": 1})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = api("POST", f"/cases/{case['id']}/phase", {"phase": "assessment", "on": today, "version": 1})
    assert stale.status_code == 409 and "in der Zwischenzeit" in stale.json()["message"]
    task = api("POST", f"/cases/{case['id']}/tasks", {"title": "Wohngeld", "responsible": "client", "due_on": today})
    assert task.status_code == 201
    body = {"reason": "goals_reached", "indicators": {code: "yes" for code in Indicator.values}, "version": 2}
    refused = api("POST", f"/cases/{case['id']}/close", body)
    assert refused.status_code == 400 and "open_items" in refused.json()["errors"]
    closed = api("POST", f"/cases/{case['id']}/close", {**body, "open_items": "done"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Task.objects.get().status == "done"


@pytest.mark.parametrize("body", [
    {"title": "", "responsible": "client", "due_on": "2030-01-01"},
    {"title": "x", "responsible": "nobody", "due_on": "2030-01-01"},
    {"title": "x", "responsible": "partner", "due_on": "2030-01-01"},
    {"title": "x", "responsible": "client", "due_on": "2000-01-01"},
    {"title": "x", "responsible": "client", "due_on": "kein Datum"},
    {"title": "x" * 600, "responsible": "client", "due_on": "2030-01-01"},
])
def test_bad_tasks_are_refused(api, make_person, org_a, counsellor, body):
    from lotse.cases.services import case_request

    case = case_request(actor=counsellor, person=make_person(), offering=org_a.offering)
    response = api("POST", f"/cases/{case.public_id}/tasks", body)
    assert response.status_code in (400, 422)
    assert response.json()["message"]
    assert not Task.objects.exists()


def test_a_foreign_case_is_not_found(api, org_b):
    from lotse.cases.services import case_request
    from lotse.people.services import PersonData, person_create

    person = person_create(actor=org_b.user("counsellor"), team=org_b.team, data=PersonData(family_name="Fremd"))
    case = case_request(actor=org_b.user("counsellor"), person=person, offering=org_b.offering)
    assert api("GET", f"/cases/{case.public_id}").status_code == 404
    assert Case.objects.get(pk=case.pk).phase == "clearing"
