"""The referrals API: send, refusal without a release (400 with the German reason), steps, version, scope."""

import pytest

from lotse.accounts.services import api_token_create
from lotse.consent.models import Disclosure
from lotse.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Skript', valid_days=30)[1]}"}


@pytest.fixture
def headers(counsellor):
    return _auth(counsellor)


def _body(partner_obj, today, **extra):
    body = {"partner": str(partner_obj.public_id), "reason": "Arbeitssuche",
            "categories": ["master_data", "work"], "sent_on": today.isoformat()}
    body.update(extra)
    return body


def _send(client, case, headers, body):
    return client.post(f"/api/cases/{case.public_id}/referrals", body, content_type="application/json",
                       headers=headers)


def _step(client, referral, headers, body):
    return client.post(f"/api/referrals/{referral.public_id}/status", body, content_type="application/json",
                       headers=headers)


def test_send_and_read(client, case, partner, service, release, headers, today,
                       django_assert_max_num_queries):
    with django_assert_max_num_queries(45):
        response = _send(client, case, headers, _body(partner, today, service=str(service.public_id)))
    assert response.status_code == 201, response.content
    data = response.json()
    referral = Referral.objects.get()
    assert data["id"] == str(referral.public_id) and data["person"] == str(case.person.public_id)
    assert data["status"] == "sent" and data["categories"] == ["master_data", "work"]
    assert data["next_steps"] == ["accepted", "appointment", "outcome", "withdrawn"]
    assert [entry["step"] for entry in data["history"]] == ["sent"]
    listed = client.get(f"/api/cases/{case.public_id}/referrals", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [data["id"]] and listed["next_cursor"] is None
    detail = client.get(f"/api/referrals/{referral.public_id}", headers=headers)
    assert detail.status_code == 200 and detail.json()["partner_name"] == "Jobcenter Lindenau"


def test_without_release_400_with_the_german_reason(client, case, partner, headers, today):
    response = _send(client, case, headers, _body(partner, today))
    assert response.status_code == 400
    assert "Keine gültige Schweigepflichtentbindung für Jobcenter Lindenau" in response.json()["message"]
    assert not Referral.objects.exists() and Disclosure.objects.get().allowed is False


@pytest.mark.parametrize("extra, status", [
    ({"categories": []}, 422),
    ({"categories": ["gossip"]}, 422),
    ({"categories": ["work"]}, 400),
    ({"reason": "x" * 2001}, 422),
    ({"reason": ""}, 400),
    ({"sent_on": "2026-02-31"}, 422),
    ({"partner": "00000000-0000-0000-0000-000000000000"}, 400),
    ({"service": "00000000-0000-0000-0000-000000000000"}, 400),
    ({"person": "00000000-0000-0000-0000-000000000000"}, 400),
])
def test_bad_bodies_are_refused(client, case, partner, release, headers, today, extra, status):
    response = _send(client, case, headers, _body(partner, today, **extra))
    assert response.status_code == status, response.content
    assert response.json()["message"]
    assert not Referral.objects.exists()


def test_steps_through_the_api(client, send, headers, today):
    referral = send()
    response = _step(client, referral, headers, {"step": "appointment", "on": today.isoformat(), "version": 1,
                                                 "note": "10 Uhr"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "appointment" and response.json()["version"] == 2
    response = _step(client, referral, headers, {"step": "outcome", "on": today.isoformat(), "version": 2})
    assert response.status_code == 400 and "outcome" in response.json()["errors"]
    response = _step(client, referral, headers, {"step": "outcome", "outcome": "took_place",
                                                 "on": today.isoformat(), "version": 2})
    assert response.status_code == 200 and response.json()["whereabouts_due_on"]
    response = _step(client, referral, headers, {"step": "whereabouts", "whereabouts": "left",
                                                 "on": today.isoformat(), "version": 3,
                                                 "note": "abgebrochen"})
    data = response.json()
    assert (data["status"], data["whereabouts"], data["next_steps"]) == ("closed", "left", [])
    assert [entry["step"] for entry in data["history"]] == ["sent", "appointment", "outcome", "whereabouts"]


def test_stale_version_409_and_impossible_step_400(client, send, headers, today):
    referral = send()
    assert _step(client, referral, headers, {"step": "accepted", "on": today.isoformat(),
                                             "version": 1}).status_code == 200
    assert _step(client, referral, headers, {"step": "appointment", "on": today.isoformat(),
                                             "version": 1}).status_code == 409
    assert _step(client, referral, headers, {"step": "accepted", "on": today.isoformat(),
                                             "version": 2}).status_code == 400
    assert _step(client, referral, headers, {"step": "teleport", "on": today.isoformat(),
                                             "version": 2}).status_code == 422
    assert _step(client, referral, headers, {"step": "whereabouts", "on": today.isoformat(),
                                             "version": 2}).status_code == 400


def test_other_organisations_get_404(client, send, org_b, case, partner, today):
    referral = send()
    foreign = _auth(org_b.user("counsellor"))
    assert client.get(f"/api/referrals/{referral.public_id}", headers=foreign).status_code == 404
    assert client.get(f"/api/cases/{case.public_id}/referrals", headers=foreign).status_code == 404
    assert _send(client, case, foreign, _body(partner, today)).status_code == 404
    assert _step(client, referral, foreign, {"step": "accepted", "on": today.isoformat(),
                                             "version": 1}).status_code == 404
    assert Referral.objects.get().status == "sent"


def test_the_list_costs_the_same_queries_however_many_referrals(client, send, case, headers, partner_contact,
                                                               service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/cases/{case.public_id}/referrals"
    send(service=service, partner_contact=partner_contact)
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as small:
        client.get(url, headers=headers)
    for _ in range(4):
        send(service=service, partner_contact=partner_contact)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, headers=headers)
    assert len(response.json()["items"]) == 5
    assert len(large) == len(small)
