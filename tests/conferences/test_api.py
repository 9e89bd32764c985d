"""The case conference API: plan, invite (refused without release: 400 with a message), decide, read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.cases.models import Task
from lotse.conferences.models import Conference, Participant
from lotse.planning.models import Step

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Skript', valid_days=30)[1]}"}


@pytest.fixture
def headers(counsellor):
    return _auth(counsellor)


def _post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_plan_a_conference(client, case, consent, headers, member, django_assert_max_num_queries):
    body = {"title": "Gemeinsame Planung", "scheduled_at": (timezone.now() + timedelta(days=5)).isoformat(),
            "categories": ["case", "work"], "agenda": "Sprachkurs"}
    with django_assert_max_num_queries(40):
        response = _post(client, f"/api/cases/{case.public_id}/conferences", body, headers)
    assert response.status_code == 201, response.content
    data = response.json()
    conference = Conference.objects.get(title="Gemeinsame Planung")
    assert data["id"] == str(conference.public_id) and data["status"] == "planned"
    assert set(data["categories"]) == {"case", "work"} and data["persons"] == [str(case.person.public_id)]
    assert [p["kind"] for p in data["participants"]] == ["staff"]
    naive = (timezone.localtime() + timedelta(days=5)).replace(tzinfo=None, microsecond=0)
    response = _post(client, f"/api/cases/{case.public_id}/conferences",
                     {"title": "Ohne Zeitzone", "scheduled_at": naive.isoformat()}, headers)
    assert response.status_code == 201, response.content
    assert Conference.objects.get(title="Ohne Zeitzone").scheduled_at == timezone.make_aware(naive)
    with django_assert_max_num_queries(20):
        listed = client.get(f"/api/cases/{case.public_id}/conferences", headers=headers)
    assert listed.status_code == 200
    assert {item["id"] for item in listed.json()["items"]} == {str(c.public_id) for c in Conference.objects.all()}


def test_bad_plans_are_refused_with_a_message(client, case, headers, consent, make_person):
    url = f"/api/cases/{case.public_id}/conferences"
    soon = (timezone.now() + timedelta(days=5)).isoformat()
    gossip = {"title": "x", "scheduled_at": soon, "categories": ["gossip"]}
    assert _post(client, url, gossip, headers).status_code == 422
    assert _post(client, url, {"title": "x" * 201, "scheduled_at": soon}, headers).status_code == 422
    assert _post(client, url, {"title": "x", "scheduled_at": "morgen"}, headers).status_code == 422
    assert _post(client, url, {"title": "x", "scheduled_at": soon, "categories": []}, headers).status_code == 422
    stranger = make_person(family_name="Fremd")
    response = _post(client, url, {"title": "x", "scheduled_at": soon, "persons": [str(stranger.public_id)]}, headers)
    assert response.status_code == 400 and response.json()["message"]
    response = _post(client, url, {"title": "\x00", "scheduled_at": soon}, headers)
    assert response.status_code == 400
    assert not Conference.objects.exists()


def test_no_consent_no_conference(client, case, headers):
    response = _post(client, f"/api/cases/{case.public_id}/conferences",
                     {"title": "x", "scheduled_at": (timezone.now() + timedelta(days=5)).isoformat()}, headers)
    assert response.status_code == 400 and response.json()["message"]
    assert not Conference.objects.exists()


def test_partner_refused_without_release_then_added_with_one(client, conference, headers, partner, contact, case,
                                                             make_release, consent):
    url = f"/api/conferences/{conference.public_id}/participants"
    response = _post(client, url, {"kind": "partner", "partner_contact": str(contact.public_id)}, headers)
    assert response.status_code == 400 and "Jobcenter Lindenau" in response.json()["message"]
    assert not Participant.objects.filter(kind="partner").exists()
    make_release(case.person, partner)
    response = _post(client, url, {"kind": "partner", "partner_contact": str(contact.public_id),
                                   "role": "Fallmanagerin"}, headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "Frau Berg" and data["organisation"] == "Jobcenter Lindenau"
    assert data["partner"] == str(partner.public_id)


def test_participant_lookups_outside_the_case_are_refused(client, conference, headers, org_b, make_person):
    url = f"/api/conferences/{conference.public_id}/participants"
    for body in ({"kind": "staff", "user": str(org_b.user("counsellor").public_id)},
                 {"kind": "partner", "partner": "00000000-0000-0000-0000-000000000000"},
                 {"kind": "partner", "partner_contact": "00000000-0000-0000-0000-000000000000"},
                 {"kind": "family", "person": str(make_person(family_name="Fremd").public_id)},
                 {"kind": "other", "name": "", "role": "Vormund"}):
        assert _post(client, url, body, headers).status_code == 400, body
    assert _post(client, url, {"kind": "alien"}, headers).status_code == 422
    assert conference.participants.count() == 1


def test_decisions_into_plan_and_tasks(client, begun, headers, goal, today, case):
    staff = begun.participants.get()
    url = f"/api/conferences/{begun.public_id}/decisions"
    due = (today + timedelta(days=10)).isoformat()
    response = _post(client, url, {"text": "Antrag stellen", "responsible": str(staff.public_id), "due_on": due,
                                   "goal": str(goal.public_id)}, headers)
    assert response.status_code == 201, response.content
    assert response.json()["step"] == str(Step.objects.get(description="Antrag stellen").public_id)
    response = _post(client, url, {"text": "Kita anmelden", "responsible": str(staff.public_id), "due_on": due},
                     headers)
    assert response.status_code == 201 and response.json()["task"] == str(Task.objects.get(source="conference")
                                                                             .public_id)
    detail = client.get(f"/api/conferences/{begun.public_id}", headers=headers).json()
    assert [d["text"] for d in detail["decisions"]] == ["Antrag stellen", "Kita anmelden"]
    for body in ({"text": "x", "responsible": "00000000-0000-0000-0000-000000000000", "due_on": due},
                 {"text": "x", "responsible": str(staff.public_id), "due_on": "2000-01-01"},
                 {"text": "x", "responsible": str(staff.public_id), "due_on": due,
                  "goal": "00000000-0000-0000-0000-000000000000"}):
        assert _post(client, url, body, headers).status_code == 400, body
    assert _post(client, url, {"text": "x" * 501, "responsible": str(staff.public_id), "due_on": due},
                 headers).status_code == 422


def test_foreign_organisation_sees_nothing(client, conference, org_b, case):
    headers = _auth(org_b.user("counsellor"))
    assert client.get(f"/api/conferences/{conference.public_id}", headers=headers).status_code == 404
    assert client.get(f"/api/cases/{case.public_id}/conferences", headers=headers).status_code == 404
    response = _post(client, f"/api/conferences/{conference.public_id}/participants",
                     {"kind": "other", "name": "x", "role": "y"}, headers)
    assert response.status_code == 404
