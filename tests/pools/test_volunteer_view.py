"""The volunteers' page: exactly what the client released to the volunteer, nothing without a valid release
(refusal on record), neutral answers for bad links, rate limit, audit, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lotse.audit.models import AuditEvent
from lotse.cases.models import Task
from lotse.consent.models import Disclosure, Release
from lotse.consent.services import consent_record, consent_withdraw, release_record, release_revoke
from lotse.people.services import (
    PersonData,
    household_create_with_member,
    household_member_add,
    person_create,
)
from lotse.planning.models import Goal, Plan, Step
from lotse.pools import services

pytestmark = pytest.mark.django_db

NO_RELEASE = "No information has been released to you."
INVALID = "This link is not valid (any more). Please ask the counselling service for a new link."


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def family(case, counsellor, org_a):
    """The client with phone and language, a household with Karim, plan steps, tasks and an appointment."""
    from lotse.appointments.services import appointment_create

    person = case.person
    type(person).objects.filter(pk=person.pk).update(
        phone="0171 5550101", address="Lindenstraße 7, 2. OG", health_notes="Diabetes", religion="Islam",
        preferred_language=type(person)._meta.get_field("preferred_language").related_model.objects.get(
            code_list__slug="language", code="ara"))
    person.refresh_from_db()
    household = household_create_with_member(actor=counsellor, person=person, name="Familie Haddad",
                                             address="Lindenstraße 7", since=timezone.localdate())
    karim = person_create(actor=counsellor, team=org_a.team, data=PersonData(family_name="Haddad",
                                                                            given_names="Karim Samir"))
    household_member_add(actor=counsellor, household=household, person=karim, since=timezone.localdate())
    today = timezone.localdate()
    plan = Plan.objects.create(case=case)
    goal = Goal.objects.create(plan=plan, domain="work", category="labour_market",
                               client_words="Arbeit finden", target_on=today + timedelta(days=90))
    return {"person": person, "karim": karim, "goal": goal, "today": today,
            "appointment": appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                              starts_at=timezone.now() + timedelta(days=2),
                                              location="Caritas-Haus", room="1.04",
                                              note="Geheime Terminnotiz")}


@pytest.fixture
def link(family, volunteer, case, counsellor):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer,
                                           purpose="Begleitung")
    goal, today = family["goal"], family["today"]
    Step.objects.create(goal=goal, description="Lebenslauf schreiben", responsible="client", due_on=today)
    Step.objects.create(goal=goal, description="Bewerbungsfotos mitnehmen", responsible="partner",
                        responsible_partner=volunteer.partner, due_on=today + timedelta(days=3))
    Step.objects.create(goal=goal, description="Rücksprache Arbeitgeber intern", responsible="counsellor",
                        due_on=today)
    Step.objects.create(goal=goal, description="Erledigter Schritt", responsible="client", due_on=today,
                        status="done")
    Task.objects.create(case=case, title="Wohngeldantrag abgeben", responsible="client", due_on=today)
    Task.objects.create(case=case, title="Vermerk Ausländerbehörde", responsible="counsellor", due_on=today)
    _assignment, token = services.volunteer_link_create(actor=counsellor, assignment=assignment)
    return {"assignment": assignment, "token": token, "url": reverse("pools:volunteer_view", args=[token])}


def _release(family, volunteer, counsellor, categories, **extra):
    today = timezone.localdate()
    values = {"purpose": "Begleitung", "given_on": today, "valid_until": today + timedelta(days=30),
              "form": "paper"}
    values.update(extra)
    return release_record(actor=counsellor, person=family["person"], recipient=volunteer.partner,
                          categories=categories, **values)


ALL_SECRETS = ("Haddad", "Amal", "0171 5550101", "Karim", "Lindenstraße", "Diabetes", "Islam", "Lebenslauf",
               "Bewerbungsfotos", "Wohngeldantrag", "Caritas-Haus", "Arabisch")
NEVER = ("Lindenstraße", "Diabetes", "Islam", "Geheime Terminnotiz", "Rücksprache Arbeitgeber",
         "Erledigter Schritt", "Vermerk Ausländerbehörde", "Haddad, Amal")


def _page(url):
    response = Client().get(url)
    return response, response.content.decode()


def test_without_any_release_nothing_is_shown_and_the_refusal_is_on_record(link, family):
    response, html = _page(link["url"])
    assert response.status_code == 200
    assert de(NO_RELEASE) in html
    for secret in ALL_SECRETS:
        assert secret not in html, secret
    refusal = Disclosure.objects.get()
    assert refusal.allowed is False and refusal.person == family["person"]
    assert refusal.recipient == link["assignment"].member.partner and refusal.decided_by is None
    assert set(refusal.categories) == {"master_data", "family", "case"}
    assert AuditEvent.objects.filter(action="disclosure.refused").exists()
    event = AuditEvent.objects.get(action="volunteer.view_opened")
    assert event.details["categories"] == [] and event.object_id == str(family["person"].public_id)
    assert response["X-Robots-Tag"].startswith("noindex") and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_master_data_release_shows_only_master_data(link, family, volunteer, counsellor):
    _release(family, volunteer, counsellor, ["master_data"])
    _response, html = _page(link["url"])
    assert "Amal Haddad" in html and "0171 5550101" in html and "Arabisch" in html
    for secret in ("Karim", "Lebenslauf", "Bewerbungsfotos", "Wohngeldantrag", "Caritas-Haus", *NEVER):
        assert secret not in html, secret
    allowed = Disclosure.objects.get()
    assert allowed.allowed and allowed.categories == ["master_data"]


def test_family_release_shows_only_first_names(link, family, volunteer, counsellor):
    _release(family, volunteer, counsellor, ["family"])
    _response, html = _page(link["url"])
    assert "Karim" in html
    for secret in ("Samir", "Haddad", "Amal", "0171 5550101", "Lebenslauf", "Wohngeldantrag", "Caritas-Haus",
                   *NEVER):
        assert secret not in html, secret


def test_case_release_shows_open_steps_tasks_and_appointments_only(link, family, volunteer, counsellor):
    _release(family, volunteer, counsellor, ["case"])
    _response, html = _page(link["url"])
    for shown in ("Lebenslauf schreiben", "Bewerbungsfotos mitnehmen", "Wohngeldantrag abgeben",
                  "Caritas-Haus"):
        assert shown in html, shown
    for secret in ("Amal", "Haddad", "0171 5550101", "Karim", *NEVER):
        assert secret not in html, secret


def test_releases_for_other_categories_or_recipients_show_nothing(link, family, volunteer, counsellor, org_a):
    from lotse.network.services import partner_create

    _release(family, volunteer, counsellor, ["health", "residence", "work"])
    jobcentre = partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter",
                               partner_type="job_centre")
    release_record(actor=counsellor, person=family["person"], recipient=jobcentre,
                   categories=["master_data", "family", "case"], purpose="Vermittlung",
                   given_on=timezone.localdate(), valid_until=timezone.localdate() + timedelta(days=30),
                   form="paper")
    _response, html = _page(link["url"])
    assert de(NO_RELEASE) in html
    for secret in ALL_SECRETS:
        assert secret not in html, secret
    assert Disclosure.objects.get().allowed is False


def test_revoked_release_refuses(link, family, volunteer, counsellor):
    release = _release(family, volunteer, counsellor, ["master_data", "case"])
    assert "Amal Haddad" in _page(link["url"])[1]
    release_revoke(actor=counsellor, release=release, revoked_on=timezone.localdate())
    _response, html = _page(link["url"])
    assert de(NO_RELEASE) in html and "Amal" not in html and "Lebenslauf" not in html
    assert list(Disclosure.objects.order_by("id").values_list("allowed", flat=True)) == [True, False]


def test_expired_release_refuses(link, family, volunteer, counsellor):
    release = _release(family, volunteer, counsellor, ["master_data"])
    Release.objects.filter(pk=release.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    _response, html = _page(link["url"])
    assert de(NO_RELEASE) in html and "Amal" not in html
    assert Disclosure.objects.get().allowed is False


def test_withdrawn_consent_to_sharing_refuses(link, family, volunteer, counsellor):
    consent = consent_record(actor=counsellor, person=family["person"], purpose="sharing",
                             given_on=timezone.localdate() - timedelta(days=5), form="paper")
    _release(family, volunteer, counsellor, ["master_data"],
             given_on=timezone.localdate() - timedelta(days=5))
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=timezone.localdate())
    _response, html = _page(link["url"])
    assert de(NO_RELEASE) in html and "Amal" not in html


def _invalid(url):
    response, html = _page(url)
    assert response.status_code == 404 and de(INVALID) in html
    for secret in ALL_SECRETS:
        assert secret not in html, secret
    return response


def test_unknown_revoked_renewed_and_expired_links_look_alike(link, family, volunteer, counsellor):
    from lotse.pools.models import VolunteerAssignment

    _release(family, volunteer, counsellor, ["master_data", "family", "case"])
    assignment = link["assignment"]
    prefix = link["token"].split("_", 2)[1]
    for bad in ("eh_000000000000_nichts", f"eh_{prefix}_falsch", "kal_abc_def", "x"):
        _invalid(reverse("pools:volunteer_view", args=[bad]))
    VolunteerAssignment.objects.filter(pk=assignment.pk).update(token_expires_on=timezone.localdate()
                                                                - timedelta(days=1))
    _invalid(link["url"])
    _assignment, newer = services.volunteer_link_create(actor=counsellor, assignment=assignment)
    _invalid(link["url"])
    assert "Amal Haddad" in _page(reverse("pools:volunteer_view", args=[newer]))[1]
    services.volunteer_link_revoke(actor=counsellor, assignment=assignment)
    _invalid(reverse("pools:volunteer_view", args=[newer]))
    assert not Disclosure.objects.filter(allowed=False).exists()
    assert AuditEvent.objects.filter(action="volunteer.view_refused").count() == 7


def test_ended_assignment_inactive_volunteer_closed_case_and_lost_access_end_the_link(link, family, volunteer,
                                                                                        counsellor, case):
    from lotse.organisations.models import Membership
    from lotse.pools.models import PoolMember

    _release(family, volunteer, counsellor, ["master_data"])
    assert "Amal Haddad" in _page(link["url"])[1]
    PoolMember.objects.filter(pk=volunteer.pk).update(is_active=False)
    _invalid(link["url"])
    PoolMember.objects.filter(pk=volunteer.pk).update(is_active=True)
    Membership.objects.filter(user=counsellor).update(is_active=False)
    _invalid(link["url"])
    Membership.objects.filter(user=counsellor).update(is_active=True)
    type(case).objects.filter(pk=case.pk).update(status="closed")
    _invalid(link["url"])
    type(case).objects.filter(pk=case.pk).update(status="open")
    type(family["person"]).objects.filter(pk=family["person"].pk).update(restricted_at=timezone.now())
    _invalid(link["url"])
    type(family["person"]).objects.filter(pk=family["person"].pk).update(restricted_at=None)
    services.volunteer_assignment_end(actor=counsellor, assignment=link["assignment"])
    _invalid(link["url"])


def test_rate_limit_per_address(link, settings):
    settings.LOTSE_VOLUNTEER_VIEWS_PER_ADDRESS_PER_HOUR = 3
    client = Client()
    assert [client.get(link["url"]).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(link["url"])
    assert response.status_code == 429 and "Amal" not in response.content.decode()
    assert client.get(reverse("pools:volunteer_view", args=["eh_000000000000_x"])).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.9").get(link["url"]).status_code == 200
    assert AuditEvent.objects.filter(action="volunteer.view_throttled").count() == 2


def test_query_count_is_constant(link, family, volunteer, counsellor, case, org_a):
    _release(family, volunteer, counsellor, ["master_data", "family", "case"])
    client = Client()
    client.get(link["url"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(link["url"]).status_code == 200
    goal, today = family["goal"], family["today"]
    for i in range(15):
        Step.objects.create(goal=goal, description=f"Schritt {i}", responsible="client", due_on=today)
        Task.objects.create(case=case, title=f"Aufgabe {i}", responsible="client", due_on=today)
        given = "Kind" + "abcdefghijklmnop"[i]
        extra = person_create(actor=counsellor, team=org_a.team,
                              data=PersonData(family_name="Haddad", given_names=given))
        household = family["karim"].household_memberships.get().household
        household_member_add(actor=counsellor, household=household, person=extra, since=today)
    with CaptureQueriesContext(connection) as large:
        response = client.get(link["url"])
    assert response.status_code == 200 and "Schritt 14" in response.content.decode()
    assert len(small) == len(large) <= 35, len(small)


def test_the_counsellor_sees_what_the_volunteer_would_see(link, family, volunteer, counsellor, cclient):
    _release(family, volunteer, counsellor, ["family"])
    url = reverse("pools:volunteer_link", args=[link["assignment"].public_id])
    html = cclient.get(url).content.decode()
    assert volunteer.partner.name in html
    assert not Disclosure.objects.exists()
