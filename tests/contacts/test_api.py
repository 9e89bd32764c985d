"""The contacts API: topic codes and agreements, German errors, version check, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.appointments.models import Appointment
from lotse.cases.models import Task
from lotse.contacts.models import Contact

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Skript', valid_days=30)[1]}"}


@pytest.fixture
def headers(counsellor):
    return _auth(counsellor)


def _body(**extra):
    body = {"occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(), "duration_minutes": 30,
            "kind": "office_hour", "topics": ["mbe-labour"]}
    body.update(extra)
    return body


def _post(client, case, headers, body):
    return client.post(f"/api/cases/{case.public_id}/contacts", body, content_type="application/json",
                       headers=headers)


def test_create_with_topic_codes_and_agreements(client, case, headers, partner, django_assert_max_num_queries):
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    body = _body(topics=["mbe-labour", "mbe-housing"], notes="Bewerbung besprochen",
                 next_appointment_at=(timezone.now() + timedelta(days=7)).isoformat(),
                 agreements=[{"title": "Lebenslauf mitbringen", "responsible": "client", "due_on": due},
                             {"title": "Termin vereinbaren", "responsible": "partner",
                              "responsible_partner": str(partner.public_id), "due_on": due}])
    with django_assert_max_num_queries(70):
        response = _post(client, case, headers, body)
    assert response.status_code == 201, response.content
    data = response.json()
    contact = Contact.objects.get()
    assert data["id"] == str(contact.public_id) and data["case"] == str(case.public_id)
    assert sorted(data["topics"]) == ["mbe-housing", "mbe-labour"]
    assert data["notes"] == "Bewerbung besprochen" and data["version"] == 1
    tasks = Task.objects.filter(contact=contact).order_by("title")
    assert [task.source for task in tasks] == ["contact", "contact"]
    assert tasks[1].responsible_partner == partner
    assert Appointment.objects.get().contact == contact


@pytest.mark.parametrize("extra", [
    {"kind": "carrier_pigeon"},
    {"duration_minutes": -5},
    {"duration_minutes": "dreißig"},
    {"occurred_at": "gestern"},
    {"topics": "mbe-labour"},
    {"agreements": [{"title": "x", "responsible": "someone", "due_on": "2030-01-01"}]},
])
def test_a_malformed_body_is_422_in_german(client, case, headers, extra):
    response = _post(client, case, headers, _body(**extra))
    assert response.status_code == 422
    assert response.json()["message"] == "Die Anfrage enthält ungültige Werte."
    assert not Contact.objects.exists()


@pytest.mark.parametrize("extra, field, message", [
    ({"occurred_at": "future"}, "occurred_at", "Der Kontakt liegt in der Zukunft."),
    ({"topics": ["sim-local-structures"]}, "topics", "Bitte wählen Sie Themen aus dem Katalog"),
    ({"topics": ["gibt-es-nicht"]}, "topics", "Bitte wählen Sie Themen aus dem Katalog"),
    ({"topics": []}, "topics", "Bitte wählen Sie mindestens ein Thema."),
    ({"agreements": [{"title": "Lebenslauf", "responsible": "partner", "due_on": "soon"}]}, "agreement_1",
     "Vereinbarung 1"),
])
def test_a_refused_body_is_400_with_a_german_message(client, case, headers, extra, field, message):
    if extra.get("occurred_at") == "future":
        extra["occurred_at"] = (timezone.now() + timedelta(days=1)).isoformat()
    for row in extra.get("agreements", []):
        row["due_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = _post(client, case, headers, _body(**extra))
    assert response.status_code == 400
    data = response.json()
    assert message in data["message"]
    assert field in data["errors"]
    assert not Contact.objects.exists() and not Task.objects.exists()


def test_a_foreign_partner_is_refused(client, case, headers, org_b):
    from lotse.network.services import partner_create

    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremd",
                             partner_type="job_centre")
    row = {"title": "x", "responsible": "partner", "responsible_partner": str(foreign.public_id),
           "due_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    response = _post(client, case, headers, _body(agreements=[row]))
    assert response.status_code == 400
    assert response.json()["message"] == "Bitte wählen Sie einen Partner Ihrer Organisation."
    assert not Contact.objects.exists()


def test_update_with_a_stale_version_is_409(client, case, headers, make_contact):
    contact = make_contact()
    url = f"/api/contacts/{contact.public_id}"
    response = client.put(url, _body(duration_minutes=45, version=1), content_type="application/json",
                          headers=headers)
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.put(url, _body(duration_minutes=60, version=1), content_type="application/json",
                          headers=headers)
    assert response.status_code == 409
    assert response.json()["message"].startswith("Jemand anderes hat dies in der Zwischenzeit geändert.")
    assert Contact.objects.get().duration_minutes == 45
    response = client.put(url, _body(duration_minutes=60), content_type="application/json", headers=headers)
    assert response.status_code == 400 and "version" in response.json()["message"]


def test_a_colleague_gets_null_for_confidential_notes(client, case, colleague, make_contact):
    contact = make_contact(notes="Nur für mich", notes_confidential=True)
    response = client.get(f"/api/contacts/{contact.public_id}", headers=_auth(colleague))
    assert response.status_code == 200
    assert response.json()["notes"] is None and response.json()["notes_confidential"] is True
    listed = client.get(f"/api/cases/{case.public_id}/contacts", headers=_auth(colleague)).json()
    assert [item["notes"] for item in listed["items"]] == [None]
    own = client.get(f"/api/contacts/{contact.public_id}", headers=_auth(contact.author)).json()
    assert own["notes"] == "Nur für mich"


def test_another_organisation_gets_404(client, case, org_b, make_contact):
    contact = make_contact()
    headers = _auth(org_b.user("counsellor"))
    assert client.get(f"/api/contacts/{contact.public_id}", headers=headers).status_code == 404
    assert client.get(f"/api/cases/{case.public_id}/contacts", headers=headers).status_code == 404
    response = _post(client, case, headers, _body())
    assert response.status_code == 404
    assert response.json()["message"] == "Nicht gefunden oder kein Zugriff."
    response = client.put(f"/api/contacts/{contact.public_id}", _body(duration_minutes=5, version=1),
                          content_type="application/json", headers=headers)
    assert response.status_code == 404
    assert Contact.objects.count() == 1 and Contact.objects.get().duration_minutes == 30
