"""Receiving partner reports: when a report is accepted, what it creates, and what is left when it is not."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.accounts.models import hash_secret
from lotse.audit.models import AuditEvent
from lotse.cases.models import Case, CaseMember, Task
from lotse.consent.models import Disclosure
from lotse.consent.services import consent_record, consent_withdraw, release_record, release_revoke
from lotse.network.models import PartnerProgramme
from lotse.organisations.models import ProgrammeOffering
from lotse.partnerreports import services
from lotse.partnerreports.models import PartnerReport, ReportLink
from lotse.partnerreports.services import LinkState, Outcome
from lotse.people.models import Person
from tests.partnerreports.conftest import BIRTH, report_values

pytestmark = pytest.mark.django_db


def submit(link, **extra):
    return services.report_submit(link=link, **report_values(**extra))


def _nothing_stored():
    assert PartnerReport.objects.count() == 0
    assert not Task.objects.filter(source=Task.Source.PARTNER_REPORT).exists()


def _not_accepted_events(link) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="partner_report.not_accepted",
                                          details__link=str(link.public_id)))


# ---- report links --------------------------------------------------------------------------------

def test_link_stores_only_the_hash_of_its_token(issued, provider, counsellor):
    link, token = issued
    scheme, prefix, secret = token.split("_", 2)
    assert scheme == "mld" and link.token_prefix == prefix and len(secret) >= 40
    assert link.token_hash == hash_secret(secret) and secret not in link.token_hash
    stored = ReportLink.objects.values_list("label", "token_prefix", "token_hash").get(pk=link.pk)
    assert not any(secret in value for value in stored)
    assert link.expires_on == timezone.localdate() + timedelta(days=365)
    assert link.created_by == counsellor
    assert AuditEvent.objects.filter(action="report_link.created", object_id=str(link.public_id)).exists()
    assert services.link_for_token(token) == (link, LinkState.VALID)


@pytest.mark.parametrize("role", ["counsellor", "team_lead", "org_admin"])
def test_staff_of_the_organisation_issue_links(org_a, provider, role):
    link, _token = services.link_create(actor=org_a.user(role), partner=provider, label="Kurs A")
    assert link.pk


@pytest.mark.parametrize("role", ["coordinator", "accommodation"])
def test_other_roles_and_foreign_staff_issue_no_links(org_a, org_b, provider, role):
    for actor in (org_a.user(role), org_b.user("counsellor"), org_b.user("org_admin")):
        with pytest.raises(PermissionDenied):
            services.link_create(actor=actor, partner=provider, label="Kurs A")
    assert not ReportLink.objects.exists()


@pytest.mark.parametrize(("label", "expires_on", "field"), [
    ("", None, "label"),
    ("   ", None, "label"),
    ("x" * 201, None, "label"),
    ("Kurs\u202e", None, "label"),
    ("Kurs A", "today", "expires_on"),
    ("Kurs A", "three years", "expires_on"),
])
def test_bad_link_values_are_refused(provider, counsellor, label, expires_on, field):
    today = timezone.localdate()
    expires = {"today": today, "three years": today + timedelta(days=3 * 365), None: None}[expires_on]
    with pytest.raises(ValidationError) as error:
        services.link_create(actor=counsellor, partner=provider, label=label, expires_on=expires)
    assert field in error.value.message_dict
    assert not ReportLink.objects.exists()


def test_at_most_two_years(provider, counsellor):
    link, _token = services.link_create(actor=counsellor, partner=provider, label="Kurs A",
                                        expires_on=timezone.localdate() + timedelta(days=730))
    assert link.expires_on == timezone.localdate() + timedelta(days=730)


def test_revoked_and_expired_links_stop_working(issued, counsellor, org_b):
    link, token = issued
    with pytest.raises(PermissionDenied):
        services.link_revoke(actor=org_b.user("counsellor"), link=link)
    assert services.link_for_token(token)[1] is LinkState.VALID
    services.link_revoke(actor=counsellor, link=link)
    assert services.link_for_token(token) == (link, LinkState.INACTIVE)
    services.link_revoke(actor=counsellor, link=link)  # twice changes nothing
    assert AuditEvent.objects.filter(action="report_link.revoked").count() == 1

    other, other_token = services.link_create(actor=counsellor, partner=link.partner, label="Kurs B")
    ReportLink.objects.filter(pk=other.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert services.link_for_token(other_token)[1] is LinkState.INACTIVE
    ReportLink.objects.filter(pk=other.pk).update(expires_on=timezone.localdate())
    assert services.link_for_token(other_token)[1] is LinkState.VALID  # valid through its last day


@pytest.mark.parametrize("raw", [None, "", "mld", "mld__x", "kal_abc_def", "x" * 300,
                                 "mld_000000000000_falsch",
                                 "mld_' OR 1=1 --_x", 17])
def test_unknown_tokens(issued, raw):
    assert services.link_for_token(raw) == (None, LinkState.UNKNOWN)


def test_a_wrong_secret_with_a_real_prefix_is_unknown(issued):
    token = issued[1]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert services.link_for_token(wrong) == (None, LinkState.UNKNOWN)


def test_inactive_partner_links_do_not_work(issued):
    link, token = issued
    link.partner.is_active = False
    link.partner.save(update_fields=["is_active"])
    assert services.link_for_token(token)[1] is LinkState.INACTIVE


# ---- accepted reports ----------------------------------------------------------------------------

def test_accepted_report_becomes_a_task_for_the_case_owner(link, case, release, counsellor,
                                                          django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        outcome = submit(link)
    assert outcome is Outcome.ACCEPTED
    report = PartnerReport.objects.get()
    assert (report.case, report.person, report.kind, report.link) == (case, case.person, "absent", link)
    assert report.note == "Seit Montag nicht im Kurs."
    task = report.task
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y")
    assert task.case == case and task.source == Task.Source.PARTNER_REPORT and task.status == Task.Status.OPEN
    assert task.responsible == "counsellor" and task.responsible_user == counsellor == case.owner
    assert task.due_on == timezone.localdate() + timedelta(days=3)
    assert "Sprachschule Lindenau" in task.title and yesterday in task.title
    received = AuditEvent.objects.get(action="partner_report.received")
    assert received.object_id == str(case.person.public_id)
    assert received.organisation_id == case.person.organisation_id
    assert received.details["task"] == str(task.public_id) and received.details["link"] == str(link.public_id)
    assert AuditEvent.objects.filter(action="task.created", details__task=str(task.public_id)).exists()
    decision = Disclosure.objects.get(person=case.person)
    assert decision.allowed and decision.release == release and decision.categories == ["education"]
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_task_title_is_german_whatever_language_the_reporter_uses(link, case, release):
    from django.utils import translation

    with translation.override("en"):
        submit(link, kind="dropped_out")
    with translation.override("de"):
        expected = services.task_title(partner_name="Sprachschule Lindenau", kind="dropped_out",
                                       occurred_on=timezone.localdate() - timedelta(days=1))
    assert Task.objects.get(source="partner_report").title == expected


def test_task_goes_to_the_deputy_when_the_owner_left(link, case, release, org_a):
    lead = org_a.user("team_lead")
    owner = case.owner
    Case.objects.filter(pk=case.pk).update(deputy=lead)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert submit(link) is Outcome.ACCEPTED
    assert Task.objects.get(source="partner_report").responsible_user == lead


def test_task_without_owner_or_deputy_stays_with_the_team(link, case, release):
    Case.objects.filter(pk=case.pk).update(owner=None, deputy=None)
    assert submit(link) is Outcome.ACCEPTED
    task = Task.objects.get(source="partner_report")
    assert task.responsible == "counsellor" and task.responsible_user is None


@pytest.mark.parametrize("names", [
    {"family_name": "haddad", "given_names": "AMAL"},
    {"family_name": "Amal", "given_names": "Haddad"},  # swapped fields
    {"family_name": "Haddad ", "given_names": " Amal"},
    {"family_name": "Al-Haddad", "given_names": "Amal"},  # article and hyphen
])
def test_names_match_after_normalisation(link, case, release, names):
    assert submit(link, **names) is Outcome.ACCEPTED


def test_a_further_known_spelling_matches(link, case, release, counsellor):
    from lotse.people.services import person_name_add

    person_name_add(actor=counsellor, person=case.person, family_name="Chaddad", given_names="",
                    source="passport")
    assert submit(link, family_name="Chaddad") is Outcome.ACCEPTED


def test_umlaut_spellings_match(link, org_a, counsellor, make_person, give_release, provider):
    from lotse.cases.services import case_request

    person = make_person(family_name="Müller", given_names="Jürgen", birth_date=BIRTH)
    case_request(actor=counsellor, person=person, offering=org_a.offering)
    give_release(person, provider)
    assert submit(link, family_name="Mueller", given_names="Juergen") is Outcome.ACCEPTED


def test_a_family_member_counselled_in_the_case_is_matched_to_that_case(link, case, make_person, give_release,
                                                                       provider):
    child = make_person(family_name="Haddad", given_names="Yusuf", birth_date=date(2010, 5, 2))
    CaseMember.objects.create(case=case, person=child, since=case.opened_on)
    give_release(child, provider)
    assert submit(link, given_names="Yusuf", birth_date=date(2010, 5, 2)) is Outcome.ACCEPTED
    report = PartnerReport.objects.get()
    assert report.person == child and report.case == case


def test_with_several_open_cases_the_cooperating_programme_wins(link, case, release, org_a, counsellor,
                                                                provider):
    from lotse.cases.services import case_request

    jmd = ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="jmd", name="JMD A")
    org_a.team.offerings.add(jmd)
    second = case_request(actor=counsellor, person=case.person, offering=jmd)
    assert second.status == Case.Status.OPEN
    PartnerProgramme.objects.create(partner=provider, offering=org_a.offering, level="mandatory")
    assert submit(link) is Outcome.ACCEPTED
    assert PartnerReport.objects.get().case == case


# ---- not accepted: the reporter cannot tell, nothing is stored -----------------------------------

def test_a_person_without_release_is_not_accepted(link, case):
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()
    assert _not_accepted_events(link)
    assert Disclosure.objects.get(person=case.person).allowed is False


def test_a_revoked_release_does_not_count(link, case, release, counsellor):
    release_revoke(actor=counsellor, release=release, revoked_on=timezone.localdate())
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_an_expired_release_does_not_count(link, case, release):
    type(release).objects.filter(pk=release.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_a_release_for_another_partner_does_not_count(link, case, other_provider, give_release):
    give_release(case.person, other_provider)
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_a_release_without_the_education_category_does_not_count(link, case, give_release, provider):
    give_release(case.person, provider, categories=("master_data", "work"), direction="mutual")
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_a_mutual_release_with_education_counts(link, case, give_release, provider):
    give_release(case.person, provider, direction="mutual")
    assert submit(link) is Outcome.ACCEPTED


def test_a_withdrawn_consent_to_sharing_stops_reports(link, case, release, counsellor):
    consent = consent_record(actor=counsellor, person=case.person, purpose="sharing",
                             given_on=timezone.localdate() - timedelta(days=40), form="paper")
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=timezone.localdate())
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_unknown_person_stores_nothing_personal(link, case, release):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    outcome = submit(link, family_name="Unbekannt", given_names="Niemand", note="Hat gefehlt.")
    assert outcome is Outcome.NOT_ACCEPTED
    _nothing_stored()
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert [event.action for event in new] == ["partner_report.not_accepted"]
    event = new[0]
    assert event.object_id == "" and event.details == {"link": str(link.public_id), "outcome": "not accepted"}
    assert "Unbekannt" not in str(event.details) and not Disclosure.objects.exists()


def test_same_name_other_birth_date_is_not_matched(link, case, release):
    assert submit(link, birth_date=BIRTH + timedelta(days=1)) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_two_matching_persons_are_never_guessed_between(link, case, release, make_person):
    make_person(family_name="Haddad", given_names="Amal", birth_date=BIRTH)
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()
    assert not Disclosure.objects.exists()


def test_persons_of_another_organisation_are_not_matched(link, org_b, make_person):
    """The same name and birth date in org B, with an open case and a release for org B's own course provider
    of the same name: org A's link never reaches org B's clients."""
    from lotse.cases.services import case_request
    from lotse.network.services import partner_create

    foreign_counsellor = org_b.user("counsellor")
    foreign = make_person(team=org_b.team, actor=foreign_counsellor, birth_date=BIRTH)
    case_request(actor=foreign_counsellor, person=foreign, offering=org_b.offering)
    foreign_provider = partner_create(actor=foreign_counsellor, organisation=org_b.organisation,
                                      name="Sprachschule Lindenau", partner_type="course_provider")
    release_record(actor=foreign_counsellor, person=foreign, recipient=foreign_provider,
                   categories=["education"], purpose="Kurs", given_on=timezone.localdate(),
                   valid_until=timezone.localdate() + timedelta(days=9), form="paper")
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()
    foreign_link, _token = services.link_create(actor=foreign_counsellor, partner=foreign_provider, label="B")
    assert submit(foreign_link) is Outcome.ACCEPTED  # org B's own link does reach its client
    assert PartnerReport.objects.get().person == foreign


def test_own_link_does_not_reach_a_foreign_client(link, org_b, make_person):
    from lotse.cases.services import case_request

    foreign_counsellor = org_b.user("counsellor")
    foreign = make_person(team=org_b.team, actor=foreign_counsellor, birth_date=BIRTH)
    case_request(actor=foreign_counsellor, person=foreign, offering=org_b.offering)
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_no_open_case_no_report(link, person, release):
    assert not Case.objects.filter(person=person).exists()
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_a_closed_case_takes_no_report(link, case, release):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_restricted_and_deceased_persons_take_no_report(link, case, release):
    Person.objects.filter(pk=case.person_id).update(restricted_at=timezone.now(),
                                                    restriction_reason="Art. 18")
    assert submit(link) is Outcome.NOT_ACCEPTED
    Person.objects.filter(pk=case.person_id).update(restricted_at=None, is_deceased=True)
    assert submit(link) is Outcome.NOT_ACCEPTED
    _nothing_stored()


def test_the_same_report_twice_makes_one_task(link, case, release):
    assert submit(link) is Outcome.ACCEPTED
    assert submit(link, note="Noch einmal gesendet.") is Outcome.DUPLICATE
    assert PartnerReport.objects.count() == 1 and Task.objects.filter(source="partner_report").count() == 1
    assert AuditEvent.objects.filter(action="partner_report.duplicate").count() == 1
    # Another day or another kind is another report.
    assert submit(link, occurred_on=timezone.localdate()) is Outcome.ACCEPTED
    assert submit(link, kind="dropped_out") is Outcome.ACCEPTED
    assert PartnerReport.objects.count() == 3


def test_the_same_report_after_a_day_is_new(link, case, release):
    assert submit(link) is Outcome.ACCEPTED
    PartnerReport.objects.update(received_at=timezone.now() - timedelta(days=1, minutes=1))
    assert submit(link) is Outcome.ACCEPTED
    assert Task.objects.filter(source="partner_report").count() == 2


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "field"), [
    ({"family_name": ""}, "family_name"),
    ({"family_name": "   "}, "family_name"),
    ({"family_name": "x" * 201}, "family_name"),
    ({"family_name": "Haddad\x00"}, "family_name"),
    ({"family_name": "Had\u202edad"}, "family_name"),
    ({"family_name": "Haddad1"}, "family_name"),
    ({"given_names": "Amal\x07"}, "given_names"),
    ({"family_name": None}, "family_name"),
    ({"birth_date": None}, "birth_date"),
    ({"birth_date": "1994-03-17"}, "birth_date"),
    ({"birth_date": date(1850, 1, 1)}, "birth_date"),
    ({"birth_date": date.today() + timedelta(days=2)}, "birth_date"),
    ({"occurred_on": None}, "occurred_on"),
    ({"occurred_on": date.today() + timedelta(days=2)}, "occurred_on"),
    ({"occurred_on": date.today() - timedelta(days=400)}, "occurred_on"),
    ({"birth_date": date.today() - timedelta(days=10), "occurred_on": date.today() - timedelta(days=20)},
     "occurred_on"),
    ({"kind": "ill"}, "kind"),
    ({"kind": None}, "kind"),
    ({"note": "x" * 1001}, "note"),
    ({"note": "Hallo\x1b[31m"}, "note"),
    ({"note": "Hallo\u202e"}, "note"),
])
def test_bad_input_is_refused_and_nothing_is_stored(link, case, release, values, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        submit(link, **values)
    assert field in error.value.message_dict
    _nothing_stored()
    assert AuditEvent.objects.count() == before
    assert not Disclosure.objects.exists()


def test_the_note_keeps_line_breaks_and_is_trimmed(link, case, release):
    submit(link, note="  Erste Zeile\r\nZweite Zeile\t(Kurs B1)  ")
    assert PartnerReport.objects.get().note == "Erste Zeile\nZweite Zeile\t(Kurs B1)"


def test_a_failure_while_recording_leaves_nothing_half_saved(link, case, release, monkeypatch):
    from lotse.partnerreports import models

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(models.PartnerReport.objects, "create", broken)
    with pytest.raises(RuntimeError):
        submit(link)
    assert not Task.objects.filter(source="partner_report").exists()
    assert not AuditEvent.objects.filter(action="partner_report.received").exists()


def test_erasing_the_person_erases_their_reports(link, case, release, org_a):
    from lotse.privacy.services import person_erase

    assert submit(link) is Outcome.ACCEPTED
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    person_erase(actor=org_a.user("team_lead"), person=case.person, reason="Antrag auf Löschung")
    assert not PartnerReport.objects.exists()
    assert ReportLink.objects.filter(pk=link.pk).exists()
