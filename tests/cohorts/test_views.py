"""Target-group pages: who sees which group, the count (exact or protected) and which members; constant queries."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lotse.audit.models import AuditEvent, AuditEventRecord
from lotse.cohorts.criteria import PRESETS
from lotse.cohorts.models import Cohort
from lotse.cohorts.services import CohortData, cohort_create
from tests.factories import login

pytestmark = pytest.mark.django_db

TOLERATED = {"status_types": ["duldung"]}


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _cohort(author, scope, *, shared=True, criteria=TOLERATED, unit="persons", name="Geduldete"):
    return cohort_create(actor=author, data=CohortData(name=name, scope=scope, is_shared=shared, unit=unit,
                                                       criteria=criteria))


def _tolerated(world, count, *, team=None, prefix="P"):
    persons = []
    for i in range(count):
        person = world.person("Geduldet", f"{prefix}{i:02d}", team=team)
        world.status(person, "duldung", date(2018, 1, 1))
        persons.append(person)
    return persons


def _count(html: str) -> str | None:
    marker = 'id="cohort-count" data-count="'
    if marker not in html:
        return None
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def _members(html: str) -> int:
    if 'id="cohort-members"' not in html:
        return -1
    table = html[html.index('id="cohort-members"'):]
    table = table[:table.index("</table>")]
    return table.count('<th scope="row"')


def _table(html: str) -> str:
    table = html[html.index('id="cohort-members"'):]
    return table[:table.index("</table>")]


def _detail(user, cohort, **params):
    response = _client(user).get(reverse("cohorts:cohort_detail", args=[cohort.public_id]), params)
    return response.status_code, response.content.decode()


# ---- visibility ------------------------------------------------------------------------------------------

def test_sharing_decides_who_sees_a_team_group(org_a, org_b, world):
    author, lead = org_a.user("counsellor"), org_a.user("team_lead")
    _tolerated(world, 6)
    private = _cohort(author, f"team:{org_a.team.public_id}", shared=False, name="Privat")
    shared = _cohort(author, f"team:{org_a.team.public_id}", shared=True, name="Geteilt")
    assert _detail(author, private)[0] == 200
    assert _detail(lead, private)[0] == 404
    status, html = _detail(lead, shared)
    assert status == 200 and _count(html) == "6" and _members(html) == 6
    for user in (org_a.user("accommodation"), org_a.user("coordinator"), org_a.user("org_admin"),
                 org_b.user("counsellor"), org_b.user("team_lead")):
        assert _detail(user, shared)[0] == 404, user
    listing = _client(lead).get(reverse("cohorts:cohort_list")).content.decode()
    assert "Geteilt" in listing and "Privat" not in listing


def test_organisation_wide_group_count_is_protected_for_coordinators_and_exact_for_admins(org_a, world):
    lead, coordinator, admin = org_a.user("team_lead"), org_a.user("coordinator"), org_a.user("org_admin")
    _tolerated(world, 3)
    _tolerated(world, 1, team=org_a.accommodation_team, prefix="U")
    cohort = _cohort(lead, f"org:{org_a.organisation.public_id}")
    status, html = _detail(coordinator, cohort)
    assert status == 200 and _count(html) == "suppressed" and _members(html) == -1
    status, html = _detail(admin, cohort)
    assert status == 200 and _count(html) == "4" and _members(html) == -1
    # the team lead sees the organisation's figure protected, and the persons of the own team only
    status, html = _detail(lead, cohort)
    assert _count(html) == "suppressed" and _members(html) == 3
    _tolerated(world, 1, prefix="Q")
    status, html = _detail(coordinator, cohort)
    assert _count(html) == "5"
    # counsellors and accommodation staff do not see organisation-wide groups at all
    assert _detail(org_a.user("counsellor"), cohort)[0] == 404
    assert _detail(org_a.user("accommodation"), cohort)[0] == 404


def test_zero_is_shown_even_when_protected(org_a):
    cohort = _cohort(org_a.user("coordinator"), f"org:{org_a.organisation.public_id}")
    assert _count(_detail(org_a.user("coordinator"), cohort)[1]) == "0"


def test_unshared_organisation_group_is_the_authors_only(org_a):
    cohort = _cohort(org_a.user("coordinator"), f"org:{org_a.organisation.public_id}", shared=False)
    assert _detail(org_a.user("coordinator"), cohort)[0] == 200
    assert _detail(org_a.user("team_lead"), cohort)[0] == 404
    assert _detail(org_a.user("org_admin"), cohort)[0] == 404


def test_members_are_only_persons_of_the_users_teams_and_are_audited(org_a, org_b, world):
    author = org_a.user("counsellor")
    own = _tolerated(world, 2)
    _tolerated(world, 2, team=org_b.team, prefix="F")
    cohort = _cohort(author, f"team:{org_a.team.public_id}")
    status, html = _detail(author, cohort)
    assert _members(html) == 2 and "F00" not in _table(html)
    event = AuditEvent.objects.filter(action="cohort.members_listed").order_by("-id").first()
    assert sorted(event.details["ids"]) == sorted(str(p.public_id) for p in own)
    assert set(AuditEventRecord.objects.filter(event=event).values_list("object_id", flat=True)) == {
        str(p.public_id) for p in own}
    assert AuditEvent.objects.filter(action="cohorts.cohort.view", object_id=str(cohort.public_id)).exists()


def test_families_count_households_and_list_their_members(org_a, world):
    world.tolerated_family("Krasniqi")
    world.tolerated_family("Berisha", child_school="primary")
    cohort = _cohort(org_a.user("counsellor"), f"team:{org_a.team.public_id}", unit="families",
                     criteria=PRESETS["muenster"]["criteria"])
    status, html = _detail(org_a.user("team_lead"), cohort)
    assert _count(html) == "1" and _members(html) == 3
    assert "Familie Krasniqi" in html and "Familie Berisha" not in html


def test_reference_day_in_the_past(org_a, world):
    person = world.person("Geduldet", "Spaet")
    world.status(person, "duldung", date(2025, 1, 1))
    cohort = _cohort(org_a.user("counsellor"), f"team:{org_a.team.public_id}")
    assert _count(_detail(org_a.user("counsellor"), cohort)[1]) == "1"
    status, html = _detail(org_a.user("counsellor"), cohort, stichtag="2024-12-31")
    assert _count(html) == "0" and _members(html) == 0
    for bad in ("2999-01-01", "31.02.2025", "x" * 500, "1900-01-01"):
        status, html = _detail(org_a.user("counsellor"), cohort, stichtag=bad)
        assert status == 200 and _count(html) == "1"


@pytest.mark.parametrize("size", [1, 30])
def test_member_list_costs_constant_queries(org_a, world, size, django_assert_num_queries):
    author = org_a.user("counsellor")
    persons = _tolerated(world, size)
    for person in persons:
        world.life(person, date(2024, 1, 1), accommodation="shared", livelihood="asylblg")
    household = world.household(*persons)
    assert household
    cohort = _cohort(author, f"team:{org_a.team.public_id}", unit="families",
                     criteria={**TOLERATED, "accommodation": ["shared"]})
    client = _client(author)
    url = reverse("cohorts:cohort_detail", args=[cohort.public_id])
    client.get(url)
    with django_assert_num_queries(16):
        html = client.get(url).content.decode()
    assert _members(html) == size and _count(html) == "1"


def test_member_list_is_paged_by_keyset(org_a, world):
    _tolerated(world, 55)
    author = org_a.user("counsellor")
    cohort = _cohort(author, f"team:{org_a.team.public_id}")
    client = _client(author)
    url = reverse("cohorts:cohort_detail", args=[cohort.public_id])
    html = client.get(url).content.decode()
    assert _members(html) == 50 and "P49" in _table(html) and "P50" not in _table(html)
    cursor = html.split("nach=")[1].split('"')[0]
    second = client.get(url, {"nach": cursor}).content.decode()
    assert _members(second) == 5 and "P54" in _table(second) and "P49" not in _table(second)
    assert _members(client.get(url, {"nach": "kaputt!"}).content.decode()) == 50


# ---- forms -----------------------------------------------------------------------------------------------

def test_create_from_the_muenster_preset(org_a):
    lead = org_a.user("team_lead")
    client = _client(lead)
    html = client.get(reverse("cohorts:cohort_create"), {"vorlage": "muenster"}).content.decode()
    assert 'value="ausbildungsduldung" class="kern-form-check__input" id="id_status_types_' in html or \
        'value="ausbildungsduldung"' in html
    assert 'name="status_min_years" value="5"' in html
    data = {"name": "Münster", "scope": f"org:{org_a.organisation.public_id}", "unit": "families",
            "is_shared": "on", **{key: value for key, value in PRESETS["muenster"]["criteria"].items()
                                  if key != "has_children"}, "has_children": "on"}
    response = client.post(reverse("cohorts:cohort_create"), data)
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cohorts:cohort_detail",
                                                                          args=[cohort.public_id])
    assert cohort.criteria == PRESETS["muenster"]["criteria"] and cohort.team is None and cohort.is_shared


@pytest.mark.parametrize("values", [
    {"name": "", "scope": "TEAM", "unit": "persons"},
    {"name": "x", "scope": "TEAM", "unit": "persons", "status_min_years": "5"},
    {"name": "x", "scope": "TEAM", "unit": "persons", "years_in_germany_min": "5", "years_in_germany_max": "2"},
    {"name": "x", "scope": "TEAM", "unit": "persons", "accommodation": ["palace"]},
    {"name": "x", "scope": "TEAM", "unit": "persons", "child_age_min": "-1"},
    {"name": "x", "scope": "ORG", "unit": "persons"},
    {"name": "x", "scope": "TEAM", "unit": "cats"},
])
def test_bad_form_input_is_shown_and_nothing_saved(org_a, values):
    values = {key: (value.replace("TEAM", f"team:{org_a.team.public_id}").replace(
        "ORG", f"org:{org_a.organisation.public_id}") if isinstance(value, str) else value)
        for key, value in values.items()}
    response = _client(org_a.user("counsellor")).post(reverse("cohorts:cohort_create"), values)
    assert response.status_code == 422 and "kern-alert--danger" in response.content.decode()
    assert not Cohort.objects.exists()


def test_edit_with_version_check_and_delete(org_a):
    author = org_a.user("counsellor")
    cohort = _cohort(author, f"team:{org_a.team.public_id}")
    client = _client(author)
    url = reverse("cohorts:cohort_edit", args=[cohort.public_id])
    html = client.get(url).content.decode()
    assert 'name="version" value="1"' in html and 'value="duldung" class="kern-form-check__input"' in html \
        or 'value="duldung"' in html
    base = {"name": "Umbenannt", "scope": f"team:{org_a.team.public_id}", "unit": "persons",
            "status_types": ["duldung"]}
    assert client.post(url, {**base, "version": "1"}).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.version) == ("Umbenannt", 2)
    stale = client.post(url, {**base, "name": "Zu spät", "version": "1"})
    assert stale.status_code == 409 and 'id="stale-warning"' in stale.content.decode()
    assert _client(org_a.user("team_lead")).get(url).status_code == 404
    delete = reverse("cohorts:cohort_delete", args=[cohort.public_id])
    assert _client(org_a.user("team_lead")).post(delete, {"version": "2"}).status_code == 404
    assert client.post(delete, {"version": "1"}).status_code == 200
    assert client.post(delete, {"version": "2"}).status_code == 302
    assert not Cohort.objects.exists()


def test_list_filter_and_system_admin(org_a, sysadmin):
    lead = org_a.user("team_lead")
    _cohort(lead, f"team:{org_a.team.public_id}", shared=False, name="Eigene")
    _cohort(org_a.user("counsellor"), f"team:{org_a.team.public_id}", name="Vom Team")
    client = _client(lead)
    mine = client.get(reverse("cohorts:cohort_list"), {"anzeigen": "mine"}).content.decode()
    assert "Eigene" in mine and "Vom Team" not in mine
    shared = client.get(reverse("cohorts:cohort_list"), {"anzeigen": "shared"}).content.decode()
    assert "Vom Team" in shared and "Eigene" not in shared
    assert client.get(reverse("cohorts:cohort_list"), {"anzeigen": "<script>"}).status_code == 200
    assert _client(sysadmin).get(reverse("cohorts:cohort_list")).status_code == 403
