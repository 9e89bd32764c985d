import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.intake.models import FirstContact
from lotse.intake.selectors import first_contact_count
from lotse.intake.services import FirstContactData, first_contact_record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
GOOD = {"channel": "office_hour", "outcome": "answered"}


@pytest.fixture
def api(client):
    tokens = {}

    def call(user, method, path, body=None):
        if user.pk not in tokens:
            tokens[user.pk] = api_token_create(actor=user, name="t", valid_days=1)[1]
        headers = {"Authorization": f"Bearer {tokens[user.pk]}"}
        if body is None:
            return client.generic(method, path, headers=headers)
        return client.generic(method, path, json.dumps(body), content_type="application/json", headers=headers)
    return call


def test_post_an_anonymous_first_contact(api, counsellor, org_a, django_assert_max_num_queries):
    body = {**GOOD, "channel": "referral", "referred_by": "Jobcenter", "outcome": "referred",
            "referred_to": "Schuldnerberatung", "topics": ["mbe-housing", "mbe-labour"], "language": "ara",
            "interpreter": True, "concern": "Braucht Hilfe bei der Wohnungssuche", "date": str(TODAY)}
    api(counsellor, "GET", "/api/first-contacts")  # token and session warm-up
    with django_assert_max_num_queries(20):
        response = api(counsellor, "POST", "/api/first-contacts", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["person"] is None and sorted(data["topics"]) == ["mbe-housing", "mbe-labour"]
    assert data["team"] == str(org_a.team.public_id) and data["date"] == str(TODAY)
    assert first_contact_count(organisation=org_a.organisation, period=(TODAY, TODAY)) == 1
    assert AuditEvent.objects.filter(action="first_contact.recorded").exists()


def test_post_with_a_person_of_the_team(api, counsellor, make_person):
    person = make_person()
    response = api(counsellor, "POST", "/api/first-contacts", {**GOOD, "person": str(person.public_id)})
    assert response.status_code == 201 and response.json()["person"] == str(person.public_id)


@pytest.mark.parametrize("body, status, field", [
    ({**GOOD, "date": str(TODAY + timedelta(days=1))}, 400, "date"),
    ({**GOOD, "date": "1999-12-31"}, 400, "date"),
    ({**GOOD, "date": "2024-02-31"}, 422, None),
    ({**GOOD, "channel": "referral"}, 400, "referred_by"),
    ({**GOOD, "outcome": "referred"}, 400, "referred_to"),
    ({**GOOD, "channel": "pigeon"}, 400, "channel"),
    ({**GOOD, "outcome": "maybe"}, 400, "outcome"),
    ({"channel": "phone"}, 422, None),
    ({**GOOD, "topics": ["no-such-topic"]}, 400, "topics"),
    ({**GOOD, "topics": ["im-debts"]}, 400, "topics"),
    ({**GOOD, "topics": ["x" * 51]}, 422, None),
    ({**GOOD, "concern": "x" * 10000}, 422, None),
    ({**GOOD, "concern": "Hilfe\x1b[31m"}, 400, "concern"),
    ({**GOOD, "referred_by": "Amt\u202e"}, 400, "referred_by"),
    ({**GOOD, "language": "zzz"}, 400, "language"),
    ({**GOOD, "interpreter": "vielleicht"}, 422, None),
    ({**GOOD, "team": "00000000-0000-0000-0000-000000000000"}, 400, "team"),
    ({**GOOD, "channel": 42}, 422, None),
])
def test_bad_first_contacts_are_refused_in_german(api, counsellor, body, status, field):
    response = api(counsellor, "POST", "/api/first-contacts", body)
    assert response.status_code == status, response.content
    data = response.json()
    assert data["message"]
    if field:
        assert field in data["errors"], data
    assert not FirstContact.objects.exists()


def test_post_with_a_foreign_person_is_404(api, counsellor, org_b, make_person):
    foreign = make_person("Nasser", team=org_b.team, actor=org_b.user("counsellor"))
    response = api(counsellor, "POST", "/api/first-contacts", {**GOOD, "person": str(foreign.public_id)})
    assert response.status_code == 404 and not FirstContact.objects.exists()


def test_roles_without_client_work_are_refused(api, org_a):
    for role in ("org_admin", "coordinator"):
        assert api(org_a.user(role), "GET", "/api/first-contacts").status_code == 403
        assert api(org_a.user(role), "POST", "/api/first-contacts", GOOD).status_code == 403


def _record(user, team, n, **fields):
    for i in range(n):
        first_contact_record(actor=user, team=team, data=FirstContactData(
            channel="phone", outcome="answered", date=TODAY - timedelta(days=i % 9), **fields))


@pytest.mark.parametrize("size", [3, 60])
def test_list_is_scoped_paginated_and_constant_in_queries(api, counsellor, org_a, org_b, size,
                                                          django_assert_num_queries):
    _record(counsellor, org_a.team, size)
    _record(org_b.user("counsellor"), org_b.team, 2)
    api(counsellor, "GET", "/api/first-contacts")
    with django_assert_num_queries(8):
        first = api(counsellor, "GET", "/api/first-contacts").json()
    assert len(first["items"]) == min(size, 50)
    ids = {item["id"] for item in first["items"]}
    if size > 50:
        second = api(counsellor, "GET", f"/api/first-contacts?cursor={first['next_cursor']}").json()
        assert len(second["items"]) == size - 50 and second["next_cursor"] is None
        ids |= {item["id"] for item in second["items"]}
    else:
        assert first["next_cursor"] is None
    assert ids == {str(c.public_id) for c in FirstContact.objects.filter(team=org_a.team)}
    dates = [item["date"] for item in first["items"]]
    assert dates == sorted(dates, reverse=True)


def test_bad_cursor_starts_again(api, counsellor, org_a):
    _record(counsellor, org_a.team, 2)
    assert len(api(counsellor, "GET", "/api/first-contacts?cursor=%%%").json()["items"]) == 2


def test_eligibility_by_api_explains_each_rule(api, counsellor, make_person, django_assert_max_num_queries):
    from datetime import date

    person = make_person(birth_date=date(TODAY.year - 28, 1, 1), birth_date_precision="year")
    url = f"/api/persons/{person.public_id}/eligibility"
    api(counsellor, "GET", url)
    with django_assert_max_num_queries(20):
        response = api(counsellor, "GET", url)
    assert response.status_code == 200
    data = response.json()
    assert [p["programme"] for p in data["programmes"]] == ["mbe"]
    mbe = data["programmes"][0]
    age = next(rule for rule in mbe["rules"] if rule["code"] == "age")
    assert mbe["result"] == "unclear" and age["status"] == "unclear" and age["missing"] == ["birth_date_exact"]
    assert age["status_text"] and age["explanation"]
    assert mbe["priority"] == "unclear" and mbe["override"] is None
    assert next(rule for rule in mbe["rules"] if rule["code"] == "course-obligation")["priority_only"]
    later = api(counsellor, "GET", f"{url}?on={TODAY.year + 1}-12-31").json()
    assert next(r for r in later["programmes"][0]["rules"] if r["code"] == "age")["status"] == "met"


def test_eligibility_of_a_foreign_person_is_404(api, org_b, make_person):
    person = make_person()
    response = api(org_b.user("counsellor"), "GET", f"/api/persons/{person.public_id}/eligibility")
    assert response.status_code == 404 and response.json()["message"]
