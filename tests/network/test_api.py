"""The partner API: list with filters and pages, detail with contact persons, create, update with version
(409), clear errors, and nothing from another organisation."""

import pytest

from lotse.accounts.services import api_token_create
from lotse.network import services
from lotse.network.models import Partner

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Skript', valid_days=30)[1]}"}


@pytest.fixture
def headers(counsellor):
    return _auth(counsellor)


def _body(**extra):
    body = {"name": "Kita Sonnenblume", "partner_type": "kita", "city": "Lindenau",
            "languages": ["deu", "tur"]}
    body.update(extra)
    return body


def test_list_with_filters_and_pages(client, headers, organisation, counsellor, partner, org_b,
                                     django_assert_max_num_queries):
    for number in range(4):
        services.partner_create(actor=counsellor, organisation=organisation, name=f"Kita {number}",
                                partner_type="kita")
    services.partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremd",
                            partner_type="kita")
    with django_assert_max_num_queries(12):
        response = client.get("/api/partners?limit=3", headers=headers)
    data = response.json()
    assert response.status_code == 200
    assert [item["name"] for item in data["items"]] == ["Jobcenter Lindenau", "Kita 0", "Kita 1"]
    assert data["items"][0]["partner_type_label"] and data["items"][0]["version"] == 1
    rest = client.get(f"/api/partners?limit=3&cursor={data['next_cursor']}", headers=headers).json()
    assert [item["name"] for item in rest["items"]] == ["Kita 2", "Kita 3"] and rest["next_cursor"] is None
    kitas = client.get("/api/partners?partner_type=kita&q=kita%201", headers=headers).json()["items"]
    assert [item["name"] for item in kitas] == ["Kita 1"]


@pytest.mark.parametrize("query",
                         ["limit=0", "limit=101", "partner_type=zauberer", "status=weg", "q=" + "x" * 101,
                                   "limit=abc"])
def test_list_refuses_bad_parameters(client, headers, query):
    response = client.get(f"/api/partners?{query}", headers=headers)
    assert response.status_code in (400, 422)
    assert response.json()["message"]


def test_detail_includes_contact_persons_services_and_programmes(client, headers, counsellor, partner, org_a):
    services.contact_create(actor=counsellor, partner=partner, name="Frau Berg", function="Fallmanagerin",
                            email="berg@jc.invalid")
    services.service_create(actor=counsellor, partner=partner, name="Bürgergeld")
    services.programmes_set(actor=counsellor, partner=partner, version=3, levels={org_a.offering: "optional"})
    data = client.get(f"/api/partners/{partner.public_id}", headers=headers).json()
    assert data["contacts"] == [{"id": str(partner.contacts.get().public_id), "name": "Frau Berg",
                                 "function": "Fallmanagerin", "phone": "", "email": "berg@jc.invalid",
                                 "is_active": True}]
    assert [service["name"] for service in data["services"]] == ["Bürgergeld"]
    assert data["programmes"] == [{"offering": str(org_a.offering.public_id), "name": "MBE A",
                                   "programme": "mbe", "level": "optional"}]
    assert data["organisation"] == str(org_a.organisation.public_id) and data["version"] == 4


def test_create(client, headers, organisation):
    response = client.post("/api/partners", _body(), content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    data = response.json()
    partner = Partner.objects.get()
    assert data["id"] == str(partner.public_id) and partner.organisation == organisation
    assert sorted(data["languages"]) == ["deu", "tur"] and data["contacts"] == []


@pytest.mark.parametrize(("body", "status"), [
    (_body(name=""), 400),
    (_body(name="x" * 201), 422),
    (_body(partner_type="zauberer"), 422),
    (_body(email="kaputt"), 400),
    (_body(website="javascript:alert(1)"), 400),
    (_body(languages=["xyz"]), 400),
    (_body(notes="a\x00b"), 400),
    (_body(organisation="00000000-0000-0000-0000-000000000000"), 400),
])
def test_create_refuses_bad_values(client, headers, body, status):
    response = client.post("/api/partners", body, content_type="application/json", headers=headers)
    assert response.status_code == status
    assert response.json()["message"]
    assert not Partner.objects.exists()


def test_create_twice_is_refused(client, headers, partner):
    response = client.post("/api/partners", _body(name="JOBCENTER LINDENAU"), content_type="application/json",
                           headers=headers)
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_coordinators_read_but_cannot_create(client, coordinator, partner):
    headers = _auth(coordinator)
    assert client.get(f"/api/partners/{partner.public_id}", headers=headers).status_code == 200
    response = client.post("/api/partners", _body(), content_type="application/json", headers=headers)
    assert response.status_code == 403
    response = client.put(f"/api/partners/{partner.public_id}", _body(version=1),
                          content_type="application/json", headers=headers)
    assert response.status_code == 404
    assert Partner.objects.count() == 1


def test_update_with_version_and_409(client, headers, partner):
    url = f"/api/partners/{partner.public_id}"
    body = _body(name="Jobcenter Lindenau", partner_type="job_centre", version=1)
    response = client.put(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["languages"] == ["deu", "tur"]
    response = client.put(url, {**body, "city": "Haanfeld"}, content_type="application/json", headers=headers)
    assert response.status_code == 409
    partner.refresh_from_db()
    assert partner.city == "Lindenau" and partner.version == 2
    response = client.put(url, {**body, "version": None}, content_type="application/json", headers=headers)
    assert response.status_code == 400


def test_foreign_partner_is_404(client, org_b, partner):
    headers = _auth(org_b.user("org_admin"))
    url = f"/api/partners/{partner.public_id}"
    assert client.get(url, headers=headers).status_code == 404
    response = client.put(url, _body(version=1), content_type="application/json", headers=headers)
    assert response.status_code == 404
    assert client.get("/api/partners", headers=headers).json()["items"] == []
    partner.refresh_from_db()
    assert partner.name == "Jobcenter Lindenau"


def test_without_token_401(client, partner):
    assert client.get("/api/partners").status_code == 401
