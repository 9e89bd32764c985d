"""The pool API: list with filters and pages, detail, create with German messages for bad input."""

import json

import pytest
from django.test import Client

from lotse.accounts.services import api_token_create
from lotse.pools.models import PoolMember

pytestmark = pytest.mark.django_db


def _client(user):
    token = api_token_create(actor=user, name="test", valid_days=1)[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def _post(client, body):
    return client.post("/api/pool-members", json.dumps(body), content_type="application/json")


def test_create_list_and_detail(counsellor, org_a, org_b, make_member, django_assert_max_num_queries):
    api = _client(counsellor)
    response = _post(api, {"kind": "interpreter", "name": "Saba Tesfay", "phone": "0171 1",
                           "languages": [{"code": "tir", "level": "native"}, {"code": "ara"}],
                           "topics": ["doctors"], "confidentiality_signed_on": "2025-01-15"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["organisation"] == str(org_a.organisation.public_id) and created["version"] == 1
    assert [(row["code"], row["level"]) for row in created["languages"]] == [("tir", "native"), ("ara", "")]
    make_member(name="Gisela Brandt", kind="volunteer", languages=(("deu", "native"),))
    make_member(name="Fremd", organisation=org_b.organisation, actor=org_b.user("counsellor"))
    with django_assert_max_num_queries(15):
        listed = api.get("/api/pool-members").json()
    assert [item["name"] for item in listed["items"]] == ["Gisela Brandt", "Saba Tesfay"]
    by_language = api.get("/api/pool-members", {"language": "tir"}).json()["items"]
    assert [item["name"] for item in by_language] == ["Saba Tesfay"]
    assert [i["name"] for i in api.get("/api/pool-members", {"kind": "volunteer"}).json()["items"]] == [
        "Gisela Brandt"]
    detail = api.get(f"/api/pool-members/{created['id']}")
    assert detail.status_code == 200 and detail.json()["topics"] == ["doctors"]
    foreign = _client(org_b.user("counsellor")).get(f"/api/pool-members/{created['id']}")
    assert foreign.status_code == 404


@pytest.mark.parametrize("body, status", [
    ({"kind": "interpreter", "name": "Ohne Sprache"}, 400),
    ({"kind": "interpreter", "name": "X", "languages": [{"code": "klingon"}]}, 400),
    ({"kind": "volunteer", "name": "X", "email": "kein-mail"}, 400),
    ({"kind": "volunteer", "name": "Nul\u0000"}, 400),
    ({"kind": "volunteer", "name": "  "}, 400),
    ({"kind": "volunteer", "name": "X", "confidentiality_signed_on": "2999-01-01"}, 400),
    ({"kind": "volunteer", "name": "X", "organisation": "00000000-0000-0000-0000-000000000000"}, 400),
    ({"kind": "wizard", "name": "X"}, 422),
    ({"kind": "volunteer", "name": "x" * 201}, 422),
    ({"kind": "volunteer", "name": "X", "topics": ["magic"]}, 422),
    ({"kind": "volunteer", "name": "X", "languages": [{"code": "ara", "level": "perfect"}]}, 422),
    ({"kind": "volunteer", "name": "X", "confidentiality_signed_on": "31.02.2025"}, 422),
])
def test_bad_input_is_refused_with_a_message(counsellor, body, status):
    response = _post(_client(counsellor), body)
    assert response.status_code == status, response.content
    assert response.json()["message"]
    assert not PoolMember.objects.exists()


def test_bad_filters(counsellor):
    api = _client(counsellor)
    assert api.get("/api/pool-members", {"language": "klingon"}).status_code == 400
    assert api.get("/api/pool-members", {"kind": "boss"}).status_code == 422
    assert api.get("/api/pool-members", {"cursor": "%%%"}).status_code == 200


def test_coordinator_is_refused(org_a):
    api = _client(org_a.user("coordinator"))
    assert api.get("/api/pool-members").status_code == 403
    assert _post(api, {"kind": "volunteer", "name": "X"}).status_code == 403
