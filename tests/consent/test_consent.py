from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lotse.audit.models import AuditEvent
from lotse.consent.models import Consent, Disclosure, Release
from lotse.consent.rules import consent_active, release_allows
from lotse.consent.services import (
    DisclosureRefused, consent_record, consent_withdraw, disclosure_check, release_record,
    release_revoke,
)
from lotse.network.services import partner_create
from lotse.people.services import PersonData, person_create
from tests.factories import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def counsellor(org_a):
    return org_a.user("counsellor")


@pytest.fixture
def person(org_a, counsellor):
    return person_create(actor=counsellor, team=org_a.team, data=PersonData(
        family_name="Haddad", given_names="Amal", birth_date=date(1990, 3, 1), birth_date_precision="exact"))


@pytest.fixture
def jobcentre(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


@pytest.fixture
def release(counsellor, person, jobcentre):
    return release_record(actor=counsellor, person=person, recipient=jobcentre, categories=["master_data", "work"],
                          purpose="Vermittlung in Arbeit", given_on=TODAY, valid_until=TODAY + timedelta(days=180),
                          form="paper")


def test_disclosure_without_a_release_is_refused_and_recorded(counsellor, person, jobcentre):
    with pytest.raises(DisclosureRefused, match="Keine gültige Schweigepflichtentbindung"):
        disclosure_check(actor=counsellor, person=person, recipient=jobcentre, categories=["master_data"],
                         purpose="Vermittlung")
    decision = Disclosure.objects.get()
    assert decision.allowed is False
    assert AuditEvent.objects.filter(action="disclosure.refused").exists()


def test_release_covers_only_its_recipient_categories_and_period(counsellor, person, jobcentre, release, org_a):
    other = partner_create(actor=counsellor, organisation=org_a.organisation, name="Ausländerbehörde",
                           partner_type="foreigners_authority")
    assert release_allows(person, jobcentre, "work")
    assert not release_allows(person, jobcentre, "health")
    assert not release_allows(person, other, "work")
    assert not release_allows(person, jobcentre, "work", on=TODAY + timedelta(days=181))
    assert not release_allows(person, jobcentre, "work", on=TODAY - timedelta(days=1))
    covering = disclosure_check(actor=counsellor, person=person, recipient=jobcentre, categories=["work"],
                                purpose="Vermittlung")
    assert covering == [release]
    with pytest.raises(DisclosureRefused):
        disclosure_check(actor=counsellor, person=person, recipient=jobcentre, categories=["work", "health"],
                         purpose="Vermittlung")


def test_revoking_a_release_takes_effect_immediately(counsellor, person, jobcentre, release):
    assert release_allows(person, jobcentre, "work")
    release_revoke(actor=counsellor, release=release, revoked_on=TODAY)
    assert not release_allows(person, jobcentre, "work")
    with pytest.raises(DisclosureRefused):
        disclosure_check(actor=counsellor, person=person, recipient=jobcentre, categories=["work"], purpose="x")


def test_withdrawing_consent_to_sharing_stops_every_disclosure(counsellor, person, jobcentre, release):
    sharing = consent_record(actor=counsellor, person=person, purpose="sharing", given_on=TODAY, form="paper")
    assert release_allows(person, jobcentre, "work")
    consent_withdraw(actor=counsellor, consent=sharing, withdrawn_on=TODAY)
    assert not release_allows(person, jobcentre, "work")
    messenger = consent_record(actor=counsellor, person=person, purpose="contact_messenger", given_on=TODAY,
                               form="oral")
    assert consent_active(person, "contact_messenger")
    consent_withdraw(actor=counsellor, consent=messenger, withdrawn_on=TODAY)
    assert not consent_active(person, "contact_messenger")


def test_minor_needs_a_guardian(counsellor, org_a):
    child = person_create(actor=counsellor, team=org_a.team, data=PersonData(
        family_name="Haddad", given_names="Lina", birth_date=TODAY.replace(year=TODAY.year - 12),
        birth_date_precision="exact"))
    with pytest.raises(ValidationError) as error:
        consent_record(actor=counsellor, person=child, purpose="documentation", given_on=TODAY, form="paper")
    assert "by_guardian" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        consent_record(actor=counsellor, person=child, purpose="documentation", given_on=TODAY, form="paper",
                       by_guardian=True)
    assert "guardian_name" in error.value.error_dict
    consent = consent_record(actor=counsellor, person=child, purpose="documentation", given_on=TODAY, form="paper",
                             by_guardian=True, guardian_name="Amal Haddad")
    assert consent.by_guardian


@pytest.mark.parametrize("field, kwargs", [
    ("given_on", {"given_on": TODAY + timedelta(days=1)}),
    ("given_on", {"given_on": date(1980, 1, 1)}),
    ("form", {"form": "telepathy"}),
    ("purpose", {"purpose": "marketing"}),
])
def test_bad_consents_are_refused(counsellor, person, field, kwargs):
    values = {"purpose": "documentation", "given_on": TODAY, "form": "paper", **kwargs}
    with pytest.raises(ValidationError) as error:
        consent_record(actor=counsellor, person=person, **values)
    assert field in error.value.error_dict
    assert not Consent.objects.exists()


def test_withdrawal_before_the_grant_is_refused(counsellor, person):
    consent = consent_record(actor=counsellor, person=person, purpose="statistics", given_on=TODAY, form="paper")
    with pytest.raises(ValidationError, match="bevor sie erteilt"):
        consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=TODAY - timedelta(days=3))
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


@pytest.mark.parametrize("field, kwargs", [
    ("valid_until", {"valid_until": TODAY - timedelta(days=1)}),
    ("categories", {"categories": []}),
    ("categories", {"categories": ["everything"]}),
    ("purpose", {"purpose": "   "}),
    ("recipient", {"recipient": None}),
])
def test_bad_releases_are_refused(counsellor, person, jobcentre, field, kwargs):
    values = {"recipient": jobcentre, "categories": ["work"], "purpose": "Vermittlung", "given_on": TODAY,
              "valid_until": TODAY + timedelta(days=30), "form": "paper", **kwargs}
    with pytest.raises(ValidationError) as error:
        release_record(actor=counsellor, person=person, **values)
    assert field in error.value.error_dict
    assert not Release.objects.exists()


def test_release_for_a_partner_of_another_organisation_is_refused(counsellor, person, org_b):
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremdes Amt",
                             partner_type="other")
    with pytest.raises(ValidationError) as error:
        release_record(actor=counsellor, person=person, recipient=foreign, categories=["work"], purpose="x",
                       given_on=TODAY, valid_until=TODAY + timedelta(days=3), form="paper")
    assert "recipient" in error.value.error_dict


def test_ui_records_and_withdraws(client, counsellor, person, jobcentre, django_assert_max_num_queries):
    login(client, counsellor)
    overview = reverse("consent:person_consents", args=[person.public_id])
    bad = client.post(reverse("consent:consent_create", args=[person.public_id]),
                      {"purpose": "statistics", "form": "paper"})
    assert bad.status_code == 422 and 'id="id_given_on_error"' in bad.content.decode()
    created = client.post(reverse("consent:consent_create", args=[person.public_id]),
                          {"purpose": "statistics", "form": "paper", "given_on": TODAY.strftime("%d.%m.%Y")})
    assert created.status_code == 302
    consent = Consent.objects.get()
    early = client.post(reverse("consent:consent_withdraw", args=[consent.public_id]),
                        {"on": (TODAY - timedelta(days=1)).strftime("%d.%m.%Y")})
    assert early.status_code == 422 and "kern-error" in early.content.decode()
    client.post(reverse("consent:consent_withdraw", args=[consent.public_id]), {"on": TODAY.strftime("%d.%m.%Y")})
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    release = client.post(reverse("consent:release_create", args=[person.public_id]), {
        "recipient": str(jobcentre.public_id), "categories": ["work"], "purpose": "Vermittlung",
        "direction": "one_way", "given_on": TODAY.strftime("%d.%m.%Y"),
        "valid_until": (TODAY + timedelta(days=90)).strftime("%d.%m.%Y"), "form": "paper"})
    assert release.status_code == 302
    with django_assert_max_num_queries(22):
        page = client.get(overview)
    assert page.status_code == 200 and "Jobcenter Lindenau" in page.content.decode()


def test_foreign_team_cannot_see_consents(client, org_b, person):
    login(client, org_b.user("counsellor"))
    assert client.get(reverse("consent:person_consents", args=[person.public_id])).status_code == 404


def test_expiring_releases_appear_on_the_start_page(client, counsellor, person, jobcentre):
    soon = release_record(actor=counsellor, person=person, recipient=jobcentre, categories=["work"], purpose="x",
                          given_on=TODAY, valid_until=TODAY + timedelta(days=10), form="paper")
    release_record(actor=counsellor, person=person, recipient=jobcentre, categories=["work"], purpose="y",
                   given_on=TODAY, valid_until=TODAY + timedelta(days=200), form="paper")
    login(client, counsellor)
    assert client.get("/").context["expiring_releases"] == [soon]


def test_year_only_birth_date_counts_the_youngest_possible_age(counsellor, org_a):
    """Born "some time in" the year that makes the person 16 this year: they may still be 15, so a guardian is asked."""
    given_on = date(TODAY.year, 6, 30) if date(TODAY.year, 6, 30) <= TODAY else date(TODAY.year - 1, 6, 30)
    teen = person_create(actor=counsellor, team=org_a.team, data=PersonData(
        family_name="Haddad", given_names="Omar", birth_date=date(given_on.year - 16, 1, 1),
        birth_date_precision="year"))
    with pytest.raises(ValidationError) as error:
        consent_record(actor=counsellor, person=teen, purpose="documentation", given_on=given_on, form="paper")
    assert "by_guardian" in error.value.error_dict
