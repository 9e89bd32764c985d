"""Target groups in the API: list, criteria and count (protected for coordinators), members (scoped, audited)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.cohorts.services import CohortData, cohort_create

pytestmark = pytest.mark.django_db


def _get(user, name, *args, **params):
    headers = {"Authorization": f"Bearer {api_token_create(actor=user, name='t', valid_days=1)[1]}"}
    return Client().get(reverse(name, args=args), params, headers=headers)


@pytest.fixture
def groups(org_a, world):
    for i in range(3):
        person = world.person("Geduldet", f"P{i}")
        world.status(person, "duldung", date(2018, 1, 1))
    team = cohort_create(actor=org_a.user("counsellor"), data=CohortData(
        name="Team", scope=f"team:{org_a.team.public_id}", is_shared=True, criteria={"status_types": ["duldung"]}))
    organisation = cohort_create(actor=org_a.user("team_lead"), data=CohortData(
        name="Organisation", scope=f"org:{org_a.organisation.public_id}", is_shared=True,
        criteria={"status_types": ["duldung"]}))
    return team, organisation


def test_list_shows_the_groups_the_user_sees(org_a, groups):
    assert [g["name"] for g in _get(org_a.user("team_lead"), "api:cohort_list").json()["items"]] == [
        "Organisation", "Team"]
    items = _get(org_a.user("counsellor"), "api:cohort_list").json()["items"]
    assert [(g["name"], g["mine"], g["team"]) for g in items] == [("Team", True, str(org_a.team.public_id))]
    assert [g["name"] for g in _get(org_a.user("coordinator"), "api:cohort_list").json()["items"]] == [
        "Organisation"]


def test_detail_with_exact_and_protected_count(org_a, groups, django_assert_max_num_queries):
    team, organisation = groups
    body = _get(org_a.user("counsellor"), "api:cohort_detail", team.public_id).json()
    assert body["criteria"] == {"status_types": ["duldung"]}
    assert body["count"] == {"value": 3, "exact": True, "suppressed": False, "unit": "persons",
                             "on": date.today().isoformat()} or body["count"]["value"] == 3
    assert body["members_visible"] is True
    protected = _get(org_a.user("coordinator"), "api:cohort_detail", organisation.public_id).json()
    assert protected["count"]["value"] is None and protected["count"]["suppressed"] is True
    assert protected["members_visible"] is False
    admin = _get(org_a.user("org_admin"), "api:cohort_detail", organisation.public_id).json()
    assert admin["count"]["value"] == 3 and admin["count"]["exact"] is True
    past = _get(org_a.user("counsellor"), "api:cohort_detail", team.public_id, on="2017-12-31").json()
    assert past["count"]["value"] == 0
    assert _get(org_a.user("counsellor"), "api:cohort_detail", team.public_id, on="2999-01-01").status_code == 400
    assert _get(org_a.user("counsellor"), "api:cohort_detail", team.public_id, on="kaputt").status_code == 422


def test_members_are_scoped_paged_and_audited(org_a, org_b, groups):
    team, organisation = groups
    body = _get(org_a.user("counsellor"), "api:cohort_members", team.public_id).json()
    assert [m["given_names"] for m in body["items"]] == ["P0", "P1", "P2"] and body["next_cursor"] is None
    assert body["items"][0]["residence_status"].startswith("Duldung")
    assert AuditEvent.objects.filter(action="cohort.members_listed").count() == 1
    assert _get(org_a.user("coordinator"), "api:cohort_members", organisation.public_id).status_code == 403
    assert _get(org_a.user("org_admin"), "api:cohort_members", organisation.public_id).status_code == 403
    assert _get(org_b.user("counsellor"), "api:cohort_members", team.public_id).status_code == 404
    lead = _get(org_a.user("team_lead"), "api:cohort_members", organisation.public_id, cursor="x" * 300)
    assert lead.status_code == 200 and len(lead.json()["items"]) == 3
