import json
from datetime import date

import pytest

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, counsellor):
    _, secret = api_token_create(actor=counsellor, name="t", valid_days=1)
    headers = {"Authorization": f"Bearer {secret}"}

    def call(method, path, body=None):
        if body is None:
            return client.generic(method, path, headers=headers)
        return client.generic(method, path, json.dumps(body), content_type="application/json", headers=headers)
    return call


def test_search_by_api_with_reasons(api, make_person):
    person = make_person("Shevchenko", "Olena", name_original_script="Олена Шевченко")
    data = api("GET", "/api/persons?q=Schewtschenko").json()
    assert data["total"] == 1 and data["items"][0]["person"]["id"] == str(person.public_id)
    assert data["items"][0]["reasons"]
    assert AuditEvent.objects.filter(action="person.searched").exists()


def test_create_warns_about_duplicates_then_creates_when_confirmed(api, make_person, org_a):
    make_person("Haddad", "Mohammed", birth_date=date(1990, 1, 5), birth_date_precision="exact")
    body = {"family_name": "Hadad", "given_names": "Muhammad", "birth_date": "1990-01-05"}
    warned = api("POST", "/api/persons", body)
    assert warned.status_code == 409
    assert warned.json()["candidates"][0]["reasons"]
    assert Person.objects.count() == 1
    created = api("POST", "/api/persons", {**body, "confirm_new": True, "team": str(org_a.team.public_id)})
    assert created.status_code == 201 and created.json()["file_number"].startswith("L-")


@pytest.mark.parametrize("body, status", [
    ({}, 422),
    ({"family_name": "x" * 201}, 422),
    ({"family_name": "Haddad", "birth_date": "1990-02-31"}, 422),
    ({"family_name": "Haddad", "birth_date": "2999-01-01", "confirm_new": True}, 400),
    ({"family_name": "Haddad", "nationalities": ["nope"], "confirm_new": True}, 400),
    ({"family_name": "Haddad\u202e", "confirm_new": True}, 400),
    ({"family_name": 42}, 422),
    ({"family_name": "Haddad", "team": "00000000-0000-0000-0000-000000000000", "confirm_new": True}, 400),
])
def test_bad_api_input_is_refused_in_german(api, body, status):
    response = api("POST", "/api/persons", body)
    assert response.status_code == status
    assert response.json()["message"]
    assert not Person.objects.exists()


def test_update_detects_stale_versions(api, make_person):
    person = make_person("Haddad", "Amal")
    ok = api("PUT", f"/api/persons/{person.public_id}", {"family_name": "Haddad", "given_names": "Amal",
                                                         "phone": "1", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api("PUT", f"/api/persons/{person.public_id}", {"family_name": "Haddad", "version": 1})
    assert stale.status_code == 409 and "inzwischen" in stale.json()["message"]
    missing = api("PUT", f"/api/persons/{person.public_id}", {"family_name": "Haddad"})
    assert missing.status_code == 400


def test_foreign_persons_are_invisible_by_api(client, org_b, make_person):
    person = make_person("Haddad", "Amal")
    _, secret = api_token_create(actor=org_b.user("counsellor"), name="t", valid_days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/persons/{person.public_id}", headers=headers).status_code == 404
    assert client.get("/api/persons?q=Haddad", headers=headers).json()["total"] == 0
