"""The appointments API: list by period, create, detail, update with version check (409), office hours."""

import json
from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.appointments import services
from lotse.appointments.models import Appointment

pytestmark = pytest.mark.django_db


def _client(user):
    token = api_token_create(actor=user, name="test", valid_days=1)[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def _send(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_create_detail_update_and_list(case, counsellor, org_a, soon, django_assert_max_num_queries):
    api = _client(counsellor)
    response = _send(api, "POST", "/api/appointments", {
        "case": str(case.public_id), "starts_at": soon.isoformat(), "kind": "home_visit",
        "interpreter_needed": True, "interpreter_language": "ara"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["case"] == str(case.public_id) and created["interpreter_language"] == "ara"
    assert created["version"] == 1 and created["owner"] == str(counsellor.public_id)
    url = f"/api/appointments/{created['id']}"
    with django_assert_max_num_queries(12):
        assert api.get(url).json()["kind"] == "home_visit"
    body = {"starts_at": (soon + timedelta(hours=1)).isoformat(), "room": "1.04", "version": 1}
    updated = _send(api, "PUT", url, body)
    assert updated.status_code == 200 and updated.json()["version"] == 2 and updated.json()["room"] == "1.04"
    stale = _send(api, "PUT", url, {**body, "room": "9.99"})
    assert stale.status_code == 409 and "message" in stale.json()
    assert Appointment.objects.get().room == "1.04"
    day = timezone.localtime(soon).date()
    listed = api.get("/api/appointments", {"start": day.isoformat(), "end": day.isoformat()})
    assert [item["id"] for item in listed.json()] == [created["id"]]
    assert api.get("/api/appointments", {"start": day.isoformat(),
                                         "end": (day - timedelta(days=1)).isoformat()}).status_code == 400
    assert api.get("/api/appointments", {"start": day.isoformat(),
                                         "end": (day + timedelta(days=400)).isoformat()}).status_code == 400


def test_bad_input_gives_german_messages_not_errors(case, counsellor, soon):
    api = _client(counsellor)
    cases = [
        {"case": str(case.public_id), "starts_at": soon.isoformat(),
         "ends_at": (soon - timedelta(hours=1)).isoformat()},
        {"case": str(case.public_id), "starts_at": (timezone.now() + timedelta(days=800)).isoformat()},
        {"case": str(case.public_id), "starts_at": soon.isoformat(), "interpreter_needed": True,
         "interpreter_language": "<script>"},
        {"case": str(case.public_id), "starts_at": soon.isoformat(), "owner": str(case.public_id)},
    ]
    for body in cases:
        response = _send(api, "POST", "/api/appointments", body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"]
    assert _send(api, "POST", "/api/appointments", {"starts_at": "gestern"}).status_code == 422
    assert not Appointment.objects.exists()


def test_foreign_case_is_not_found(case, org_b, soon):
    response = _send(_client(org_b.user("counsellor")), "POST", "/api/appointments",
                     {"case": str(case.public_id), "starts_at": soon.isoformat()})
    assert response.status_code == 404


def test_office_hours_of_the_organisation(counsellor, org_a, org_b):
    services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=1, starts_at=time(9),
                                ends_at=time(12), location="Caritas-Haus", room="1.04")
    hours = _client(org_a.user("accommodation")).get("/api/office-hours").json()
    assert [(h["weekday"], h["location"], h["starts_at"]) for h in hours] == [(1, "Caritas-Haus", "09:00:00")]
    assert _client(org_b.user("counsellor")).get("/api/office-hours").json() == []
    assert _client(counsellor).get("/api/office-hours", {"team": str(org_b.team.public_id)}).json() == []
