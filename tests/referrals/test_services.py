"""Sending a referral through the disclosure gate, and every step of its course: good and bad paths."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.audit.models import AuditEvent
from lotse.cases.models import Case, CaseMember
from lotse.consent.models import Disclosure
from lotse.consent.services import DisclosureRefused, consent_record, consent_withdraw, release_revoke
from lotse.network.models import PartnerService
from lotse.network.services import partner_create
from lotse.referrals import services
from lotse.referrals.models import Referral, ReferralStatusChange

pytestmark = pytest.mark.django_db


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code


# ---- sending -----------------------------------------------------------------------------------------------

def test_send_records_referral_history_disclosure_and_audit(case, counsellor, send, service, partner_contact,
                                                             today):
    referral = send(service=service, partner_contact=partner_contact,
                    categories=["work", "master_data", "work"])
    assert referral.status == "sent" and referral.version == 1 and referral.created_by == counsellor
    assert referral.categories == ["master_data", "work"]  # catalogue order, no duplicates
    assert (referral.service, referral.partner_contact, referral.sent_on) == (service, partner_contact, today)
    change = ReferralStatusChange.objects.get(referral=referral)
    assert (change.step, change.from_status, change.to_status, change.on) == ("sent", "", "sent", today)
    disclosure = Disclosure.objects.get()
    assert disclosure.allowed and disclosure.categories == ["master_data", "work"]
    assert disclosure.purpose == "Vermittlung: Jobcenter Lindenau – Integration Point"
    event = AuditEvent.objects.get(action="referral.sent")
    assert event.object_id == str(case.person.public_id)
    assert event.details["referral"] == str(referral.public_id)


def test_without_any_release_nothing_is_saved_and_the_refusal_is_on_record(case, counsellor, data):
    with pytest.raises(DisclosureRefused) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data())
    assert "Jobcenter Lindenau" in " ".join(excinfo.value.messages)
    assert not Referral.objects.exists() and not ReferralStatusChange.objects.exists()
    refusal = Disclosure.objects.get()
    assert refusal.allowed is False and refusal.person == case.person and refusal.decided_by == counsellor
    assert AuditEvent.objects.filter(action="disclosure.refused").count() == 1
    assert not AuditEvent.objects.filter(action="referral.sent").exists()


def test_a_release_that_does_not_cover_a_category_is_refused(case, counsellor, data, release):
    with pytest.raises(DisclosureRefused) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data(categories=["master_data", "health"]))
    assert "Gesundheit" in " ".join(excinfo.value.messages)
    assert not Referral.objects.exists()
    assert Disclosure.objects.get().allowed is False


def test_a_revoked_release_is_refused(case, counsellor, data, release, today):
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    with pytest.raises(DisclosureRefused):
        services.referral_send(actor=counsellor, case=case, data=data())
    assert not Referral.objects.exists() and Disclosure.objects.get().allowed is False


def test_an_expired_release_is_refused(case, counsellor, data, release, today):
    type(release).objects.filter(pk=release.pk).update(given_on=today - timedelta(days=40),
                                                       valid_until=today - timedelta(days=1))
    with pytest.raises(DisclosureRefused):
        services.referral_send(actor=counsellor, case=case, data=data())
    assert not Referral.objects.exists()


def test_a_withdrawn_consent_to_sharing_stops_the_referral(case, counsellor, data, release, today):
    consent = consent_record(actor=counsellor, person=case.person, purpose="sharing", given_on=today,
                             form="paper")
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=today)
    with pytest.raises(DisclosureRefused):
        services.referral_send(actor=counsellor, case=case, data=data())


def test_a_release_of_another_person_does_not_count(case, counsellor, data, partner, make_release,
                                                    make_person):
    make_release(make_person(family_name="Nasser"), partner)
    with pytest.raises(DisclosureRefused):
        services.referral_send(actor=counsellor, case=case, data=data())


def test_revoking_after_sending_keeps_the_referral_but_refuses_a_new_one(send, case, counsellor, data,
                                                                         release, today):
    referral = send()
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    referral = services.referral_accept(actor=counsellor, referral=referral, version=referral.version,
                                        on=today)
    assert referral.status == "accepted"
    with pytest.raises(DisclosureRefused):
        services.referral_send(actor=counsellor, case=case, data=data())
    assert Referral.objects.count() == 1


def test_a_family_member_counselled_in_the_case_can_be_referred(case, counsellor, data, partner, make_release,
                                                                make_person, today):
    member = make_person(given_names="Karim")
    CaseMember.objects.create(case=case, person=member, since=today)
    make_release(member, partner)
    referral = services.referral_send(actor=counsellor, case=case, data=data(person=member))
    assert referral.person == member
    assert Disclosure.objects.get().person == member


def test_a_person_outside_the_case_cannot_be_referred(case, counsellor, data, partner, make_release,
                                                      make_person):
    stranger = make_person(family_name="Fremd")
    make_release(stranger, partner)
    with pytest.raises(ValidationError) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data(person=stranger))
    assert "person" in _errors(excinfo)
    assert not Disclosure.objects.exists()


def test_a_partner_of_another_organisation_is_refused_before_any_disclosure(case, counsellor, data, org_b):
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation,
                             name="Jobcenter Anderswo", partner_type="job_centre")
    with pytest.raises(ValidationError) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data(partner=foreign))
    assert "partner" in _errors(excinfo)
    assert not Disclosure.objects.exists() and not Referral.objects.exists()


def test_an_inactive_partner_and_a_service_of_another_partner_are_refused(case, counsellor, data, partner,
                                                                          release, org_a):
    other = partner_create(actor=counsellor, organisation=org_a.organisation, name="Sprachschule",
                           partner_type="course_provider")
    foreign_service = PartnerService.objects.create(partner=other, name="Integrationskurs")
    with pytest.raises(ValidationError) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data(service=foreign_service))
    assert "service" in _errors(excinfo)
    type(partner).objects.filter(pk=partner.pk).update(is_active=False)
    partner.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.referral_send(actor=counsellor, case=case, data=data())
    assert "partner" in _errors(excinfo)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


@pytest.mark.parametrize("extra, field", [
    ({"reason": "   "}, "reason"),
    ({"reason": "x" * 2001}, "reason"),
    ({"categories": []}, "categories"),
    ({"categories": ["master_data", "gossip"]}, "categories"),
    ({"categories": ["work"]}, "categories"),
    ({"sent_on": None}, "sent_on"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(send, extra, field):
    with pytest.raises(ValidationError) as excinfo:
        send(**extra)
    assert field in _errors(excinfo)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_dates_in_the_future_or_before_the_case_are_refused(send, case, today):
    with pytest.raises(ValidationError) as excinfo:
        send(sent_on=today + timedelta(days=1))
    assert "sent_on" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        send(sent_on=case.opened_on - timedelta(days=1))
    assert "sent_on" in _errors(excinfo)
    assert not Referral.objects.exists()


def test_a_closed_case_takes_no_referral(send, case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as excinfo:
        send()
    assert _code(excinfo) == "case_not_open"
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_someone_outside_the_team_is_refused(send, org_b, org_a):
    for outsider in (org_b.user("counsellor"), org_a.user("coordinator"), org_a.user("accommodation")):
        with pytest.raises(PermissionDenied):
            send(actor=outsider)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_a_restricted_person_is_not_referred(send, case):
    from lotse.people.models import Person

    Person.objects.filter(pk=case.person_id).update(restricted_at=timezone.now(),
                                                    restriction_reason="Art. 18")
    with pytest.raises(ValidationError):
        send()
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


# ---- the course --------------------------------------------------------------------------------------------

def _step(referral, step, actor, **values):
    referral.refresh_from_db()
    return services.STEP_SERVICES[step](actor=actor, referral=referral, version=referral.version, **values)


def test_the_whole_course_from_sending_to_whereabouts(send, counsellor, back_date, today):
    referral = back_date(send(), 40)
    sent = referral.sent_on
    referral = _step(referral, "accepted", counsellor, on=sent + timedelta(days=2))
    assert (referral.status, referral.accepted_on) == ("accepted", sent + timedelta(days=2))
    referral = _step(referral, "appointment", counsellor, on=sent + timedelta(days=9), note="9:30 Uhr")
    assert (referral.status, referral.appointment_on) == ("appointment", sent + timedelta(days=9))
    referral = _step(referral, "outcome", counsellor, outcome="took_place", on=sent + timedelta(days=9))
    assert referral.status == "outcome"
    assert referral.whereabouts_due_on == sent + timedelta(days=9) + timedelta(weeks=12)
    referral = _step(referral, "outcome", counsellor, outcome="completed", on=sent + timedelta(days=30))
    assert referral.outcome == "completed"
    assert referral.whereabouts_due_on == sent + timedelta(days=30, weeks=12)
    referral = _step(referral, "whereabouts", counsellor, whereabouts="stayed", on=today, note="Kurs läuft")
    assert (referral.status, referral.whereabouts, referral.whereabouts_checked_on) == (
        "closed", "stayed", today)
    assert services.allowed_steps(referral) == []
    history = list(ReferralStatusChange.objects.filter(referral=referral).values_list("step", "to_status"))
    assert history == [("sent", "sent"), ("accepted", "accepted"), ("appointment", "appointment"),
                       ("outcome", "outcome"), ("outcome", "outcome"), ("whereabouts", "closed")]
    assert referral.version == 6
    assert AuditEvent.objects.filter(action__startswith="referral.").count() == 6


def test_the_programme_setting_decides_when_the_whereabouts_are_due(send, counsellor, case, today):
    offering = case.offering
    offering.settings = {"whereabouts_check_weeks": 4}
    offering.save()
    referral = _step(send(), "outcome", counsellor, outcome="took_place", on=today)
    assert referral.whereabouts_due_on == today + timedelta(weeks=4)


@pytest.mark.parametrize("outcome", ["no_show", "rejected"])
def test_no_show_and_rejection_close_the_referral(send, counsellor, outcome, today):
    extra = {"rejection_reason": "Kein Platz frei"} if outcome == "rejected" else {}
    referral = _step(send(), "outcome", counsellor, outcome=outcome, on=today, **extra)
    assert referral.status == "closed" and referral.whereabouts_due_on is None
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "whereabouts", counsellor, whereabouts="stayed", on=today)
    assert _code(excinfo) == "step"


def test_a_rejection_needs_its_reason_and_only_a_rejection_has_one(send, counsellor, today):
    referral = send()
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "outcome", counsellor, outcome="rejected", on=today, rejection_reason="  ")
    assert "rejection_reason" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "outcome", counsellor, outcome="took_place", on=today,
              rejection_reason="Warum auch immer")
    assert "rejection_reason" in _errors(excinfo)
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.version == 1


def test_no_step_goes_back(send, counsellor, today):
    referral = _step(send(), "appointment", counsellor, on=today)
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "accepted", counsellor, on=today)
    assert _code(excinfo) == "step"
    referral = _step(referral, "outcome", counsellor, outcome="completed", on=today)
    for step, values in (("appointment", {"on": today}), ("withdrawn", {"on": today}),
                         ("outcome", {"outcome": "took_place", "on": today})):
        with pytest.raises(ValidationError) as excinfo:
            _step(referral, step, counsellor, **values)
        assert _code(excinfo) == "step"
    referral.refresh_from_db()
    assert referral.status == "outcome" and referral.outcome == "completed"


def test_after_took_place_only_completed_or_rejected_follow(send, counsellor, today):
    referral = _step(send(), "outcome", counsellor, outcome="took_place", on=today)
    assert services.outcome_choices(referral) == ["completed", "rejected"]
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "outcome", counsellor, outcome="no_show", on=today)
    assert "outcome" in _errors(excinfo)


def test_step_dates_are_checked(send, counsellor, back_date, today):
    referral = back_date(send(), 10)
    sent = referral.sent_on
    bad = [("accepted", {"on": sent - timedelta(days=1)}), ("accepted", {"on": today + timedelta(days=1)}),
           ("accepted", {"on": None}), ("appointment", {"on": sent - timedelta(days=1)}),
           ("appointment", {"on": today + timedelta(days=800)}),
           ("outcome", {"outcome": "took_place", "on": today + timedelta(days=1)}),
           ("withdrawn", {"on": sent - timedelta(days=1)}), ("withdrawn", {"on": today, "note": "x" * 1001})]
    for step, values in bad:
        with pytest.raises(ValidationError):
            _step(referral, step, counsellor, **values)
    referral = _step(referral, "accepted", counsellor, on=sent + timedelta(days=3))
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "appointment", counsellor, on=sent + timedelta(days=2))
    assert "on" in _errors(excinfo)
    referral = _step(referral, "appointment", counsellor, on=today + timedelta(days=5))
    assert referral.appointment_on == today + timedelta(days=5)  # an appointment may lie ahead
    with pytest.raises(ValidationError) as excinfo:
        _step(referral, "outcome", counsellor, outcome="took_place", on=today)
    assert "on" in _errors(excinfo)
    # A rejection may come before the appointment.
    referral = _step(referral, "outcome", counsellor, outcome="rejected", on=today,
                     rejection_reason="Kein Platz")
    assert referral.status == "closed"


def test_whereabouts_need_a_valid_choice_and_a_date_after_the_outcome(send, counsellor, back_date, today):
    referral = back_date(send(), 20)
    referral = _step(referral, "outcome", counsellor, outcome="took_place", on=today - timedelta(days=5))
    for values in ({"whereabouts": "vanished", "on": today},
                   {"whereabouts": "left", "on": today - timedelta(days=6)},
                   {"whereabouts": "left", "on": today + timedelta(days=1)}):
        with pytest.raises(ValidationError):
            _step(referral, "whereabouts", counsellor, **values)
    referral.refresh_from_db()
    assert referral.status == "outcome" and referral.whereabouts == ""


def test_the_client_can_withdraw_before_an_outcome(send, counsellor, today):
    referral = _step(send(), "withdrawn", counsellor, on=today, note="Hat selbst eine Stelle gefunden")
    assert (referral.status, referral.withdrawn_on) == ("withdrawn", today)
    change = ReferralStatusChange.objects.filter(step="withdrawn").get()
    assert change.note == "Hat selbst eine Stelle gefunden"


def test_a_stale_version_is_refused(send, counsellor, lead, today):
    referral = send()
    services.referral_accept(actor=lead, referral=referral, version=1, on=today)
    with pytest.raises(ValidationError) as excinfo:
        services.referral_appointment(actor=counsellor, referral=referral, version=1, on=today)
    assert excinfo.value.error_list[0].code == "stale"
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.appointment_on is None


def test_steps_are_refused_in_a_closed_case_and_for_outsiders(send, counsellor, case, org_b, today):
    referral = send()
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=org_b.user("counsellor"), referral=referral, version=1, on=today)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as excinfo:
        services.referral_accept(actor=counsellor, referral=referral, version=1, on=today)
    assert _code(excinfo) == "case_not_open"
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_printing_the_partner_letter_is_checked_and_recorded(send, counsellor, release, today):
    referral = send()
    services.partner_letter_check(actor=counsellor, referral=referral)
    assert Disclosure.objects.filter(allowed=True, purpose__startswith="Vermittlungsschreiben").count() == 1
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    with pytest.raises(DisclosureRefused):
        services.partner_letter_check(actor=counsellor, referral=referral)
    assert Disclosure.objects.filter(allowed=False, purpose__startswith="Vermittlungsschreiben").count() == 1
