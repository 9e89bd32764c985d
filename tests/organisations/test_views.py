import pytest
from django.urls import reverse

from lotse.accounts.models import User
from lotse.audit.models import AuditEvent, AuditEventRecord
from lotse.organisations.models import Membership, Organisation, Team
from tests.factories import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org_a):
    login(client, org_a.user("org_admin"))
    return client


def _html(response):
    return response.content.decode()


def test_team_create_validates_and_saves(admin_client, org_a, org_b, django_assert_max_num_queries):
    url = reverse("organisations:team_create", args=[org_a.organisation.public_id])
    empty = admin_client.post(url, {"name": ""})
    assert empty.status_code == 422 and "Dieses Feld ist zwingend erforderlich." in _html(empty)
    duplicate = admin_client.post(url, {"name": org_a.team.name})
    assert duplicate.status_code == 422 and 'class="kern-error"' in _html(duplicate)
    foreign = admin_client.post(url, {"name": "Neu", "offerings": [str(org_b.offering.public_id)]})
    assert foreign.status_code == 422 and 'class="kern-error"' in _html(foreign)
    bogus = admin_client.post(url, {"name": "Neu", "offerings": ["keine-uuid"]})
    assert bogus.status_code == 422
    too_long = admin_client.post(url, {"name": "x" * 201})
    assert "höchstens 200 Zeichen" in _html(too_long)
    assert not Team.objects.filter(name__in=["Neu", "x" * 201]).exists()
    with django_assert_max_num_queries(25):
        created = admin_client.post(url, {"name": "Team Süd", "offerings": [str(org_a.offering.public_id)],
                                          "is_active": "on"})
    team = Team.objects.get(name="Team Süd")
    assert created.status_code == 302 and list(team.offerings.all()) == [org_a.offering]
    assert AuditEvent.objects.filter(action="team.created", object_id=str(team.public_id)).exists()


def test_team_with_members_cannot_be_deactivated(admin_client, org_a):
    response = admin_client.post(reverse("organisations:team_edit", args=[org_a.team.public_id]),
                                 {"name": org_a.team.name})
    assert response.status_code == 422 and 'class="kern-error"' in _html(response)
    org_a.team.refresh_from_db()
    assert org_a.team.is_active


@pytest.mark.parametrize("data, field", [
    ({"username": "", "first_name": "A", "last_name": "B", "role": "counsellor"}, "username"),
    ({"username": "mit leerzeichen", "first_name": "A", "last_name": "B", "role": "counsellor"}, "username"),
    ({"username": "neu", "first_name": "A", "last_name": "B", "role": "counsellor", "email": "kein-mail"}, "email"),
    ({"username": "neu", "first_name": "A", "last_name": "B", "role": "counsellor"}, "team"),
    ({"username": "neu", "first_name": "A", "last_name": "B", "role": "chef"}, "role"),
    ({"username": "a-counsellor", "first_name": "A", "last_name": "B", "role": "org_admin"}, "username"),
    ({"username": "neu", "first_name": "<script>alert(1)</script>" * 20, "last_name": "B", "role": "org_admin"},
     "first_name"),
])
def test_staff_create_bad_input(admin_client, org_a, data, field):
    url = reverse("organisations:staff_create", args=[org_a.organisation.public_id])
    before = User.objects.count()
    response = admin_client.post(url, data)
    assert response.status_code == 422
    html = _html(response)
    assert f'id="id_{field}_error"' in html
    assert "<script>alert" not in html
    assert User.objects.count() == before


def test_staff_create_issues_temporary_password(admin_client, org_a):
    url = reverse("organisations:staff_create", args=[org_a.organisation.public_id])
    response = admin_client.post(url, {"username": "neue.kollegin", "first_name": "Amal", "last_name": "Nasser",
                                       "email": "amal@example.org", "role": "counsellor",
                                       "team": str(org_a.team.public_id)})
    assert response.status_code == 200
    user = User.objects.get(username="neue.kollegin")
    assert user.must_change_password
    assert Membership.objects.filter(user=user, team=org_a.team, role="counsellor").exists()
    assert "vorläufige" in _html(response).lower() or "Vorläufiges" in _html(response)


def test_admin_cannot_remove_own_admin_role(admin_client, org_a):
    membership = org_a.user("org_admin").memberships.get()
    response = admin_client.post(reverse("organisations:membership_edit", args=[membership.public_id]),
                                 {"role": "counsellor", "team": str(org_a.team.public_id), "is_active": "on"})
    assert response.status_code == 422 and "kern-alert--danger" in _html(response)
    membership.refresh_from_db()
    assert membership.role == "org_admin"


def test_role_change_is_audited_with_before_and_after(admin_client, org_a):
    membership = org_a.user("counsellor").memberships.get()
    response = admin_client.post(reverse("organisations:membership_edit", args=[membership.public_id]),
                                 {"role": "team_lead", "team": str(org_a.team.public_id), "is_active": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="membership.updated")
    assert event.details["before"]["role"] == "counsellor" and event.details["after"]["role"] == "team_lead"


def test_admin_cannot_manage_an_account_shared_with_another_organisation(admin_client, org_a, org_b):
    shared = org_a.user("counsellor")
    Membership.objects.create(user=shared, organisation=org_b.organisation, team=org_b.team, role="counsellor")
    response = admin_client.post(reverse("organisations:staff_password_reset", args=[shared.public_id]))
    assert response.status_code == 404


def test_deactivating_an_account_blocks_login(admin_client, org_a, client):
    member = org_a.user("counsellor")
    admin_client.post(reverse("organisations:staff_set_active", args=[member.public_id]), {"active": "0"})
    member.refresh_from_db()
    assert not member.is_active
    self_off = admin_client.post(reverse("organisations:staff_set_active",
                                         args=[org_a.user("org_admin").public_id]), {"active": "0"})
    assert self_off.status_code == 302
    assert User.objects.get(pk=org_a.user("org_admin").pk).is_active


@pytest.mark.parametrize("size", [3, 60])
def test_staff_list_costs_constant_queries_and_audits_ids(admin_client, org_a, size, django_assert_num_queries):
    for i in range(size):
        user = make_user(f"extra{i:03d}")
        Membership.objects.create(user=user, organisation=org_a.organisation, team=org_a.team, role="counsellor")
    with django_assert_num_queries(15):
        response = admin_client.get(reverse("organisations:staff_list"))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="staff.list_viewed").latest("id")
    assert len(event.details["ids"]) == min(50, size + 5)
    assert AuditEventRecord.objects.filter(event_id=event.id).count() == len(event.details["ids"])


def test_staff_list_pages_with_keyset_cursor(admin_client, org_a):
    for i in range(60):
        user = make_user(f"extra{i:03d}", last_name=f"Z{i:03d}")
        Membership.objects.create(user=user, organisation=org_a.organisation, team=org_a.team, role="counsellor")
    first = admin_client.get(reverse("organisations:staff_list"))
    cursor = first.context["page"].next_cursor
    second = admin_client.get(reverse("organisations:staff_list"), {"nach": cursor})
    names_first = [u.username for u in first.context["page"]]
    names_second = [u.username for u in second.context["page"]]
    assert len(names_first) == 50 and len(names_second) == 15
    assert not set(names_first) & set(names_second)
    garbage = admin_client.get(reverse("organisations:staff_list"), {"nach": "%%%not-a-cursor"})
    assert garbage.status_code == 200 and garbage.context["page"].is_first


def test_staff_search_htmx_returns_only_the_partial(admin_client, org_a):
    response = admin_client.get(reverse("organisations:staff_list"), {"q": "TeamA"}, headers={"HX-Request": "true"})
    html = _html(response)
    assert "<html" not in html and "kern-table" in html


def test_team_lead_sees_record_access_log(client, org_a):
    member = org_a.user("counsellor")
    login(client, org_a.user("team_lead"))
    client.get(reverse("organisations:staff_detail", args=[member.public_id]))
    client.get(reverse("organisations:team_detail", args=[org_a.team.public_id]))
    log = client.get(reverse("audit:record_log", args=["accounts.user", member.public_id]))
    assert log.status_code == 200
    actions = [e.action for e in log.context["page"]]
    assert "accounts.user.view" in actions and "team.members_viewed" in actions


def test_record_log_for_unknown_type_is_404(client, org_a):
    login(client, org_a.user("team_lead"))
    response = client.get(reverse("audit:record_log", args=["auth.permission", org_a.team.public_id]))
    assert response.status_code == 404


def test_sysadmin_creates_organisation_and_cycles_are_refused(client, sysadmin, org_a):
    login(client, sysadmin)
    created = client.post(reverse("organisations:organisation_create"),
                          {"name": "Landkreis Neu", "kind": "county", "is_active": "on"})
    assert created.status_code == 302
    county = Organisation.objects.get(name="Landkreis Neu")
    client.post(reverse("organisations:organisation_edit", args=[org_a.organisation.public_id]),
                {"name": org_a.organisation.name, "kind": "welfare", "parent": str(county.public_id), "is_active": "on"})
    cycle = client.post(reverse("organisations:organisation_edit", args=[county.public_id]),
                        {"name": county.name, "kind": "county", "parent": str(org_a.organisation.public_id),
                         "is_active": "on"})
    assert cycle.status_code == 422 and 'id="id_parent_error"' in _html(cycle)
    county.refresh_from_db()
    assert county.parent is None
    unknown_kind = client.post(reverse("organisations:organisation_create"), {"name": "X", "kind": "planet"})
    assert unknown_kind.status_code == 422 and 'id="id_kind_error"' in _html(unknown_kind)


def test_denied_access_is_audited(client, org_a, org_b):
    login(client, org_b.user("org_admin"))
    response = client.get(reverse("organisations:team_edit", args=[org_a.team.public_id]))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action="access.denied").latest("id")
    assert event.actor == org_b.user("org_admin")
