"""Case conference services: consent and releases (one test per refusal), decisions into the plan, minutes,
optimistic locking, closed cases, nothing half-saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lotse.audit.models import AuditEvent
from lotse.cases.models import Task
from lotse.conferences import services
from lotse.conferences.models import Conference, ConferenceStatus, Decision, Participant
from lotse.consent.models import Consent, Disclosure, InformationCategory, Release
from lotse.consent.services import DisclosureRefused, consent_withdraw, release_revoke
from lotse.network.models import Partner, PartnerContact
from lotse.planning.models import Plan, Step
from tests.conferences.conftest import at

pytestmark = pytest.mark.django_db


# ---- scheduling ---------------------------------------------------------------------------------------

def test_create_needs_the_familys_consent_to_sharing(case, counsellor, data):
    with pytest.raises(ValidationError) as refused:
        services.conference_create(actor=counsellor, case=case, data=data())
    assert refused.value.error_list[0].code == "consent_missing"
    assert not Conference.objects.exists()


def test_create_refused_after_the_consent_was_withdrawn(case, counsellor, data, consent, today):
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=today)
    with pytest.raises(ValidationError) as refused:
        services.conference_create(actor=counsellor, case=case, data=data())
    assert refused.value.error_list[0].code == "consent_missing"
    assert not Conference.objects.exists()


def test_create_invites_the_counsellor_and_discusses_the_main_client(conference, case, counsellor):
    assert conference.status == ConferenceStatus.PLANNED and conference.invited_by == counsellor
    assert list(conference.persons.all()) == [case.person]
    participant = conference.participants.get()
    assert participant.kind == "staff" and participant.user == counsellor
    assert AuditEvent.objects.filter(action="conference.created", object_id=str(case.person.public_id)).exists()


def test_every_co_counselled_member_discussed_needs_consent_too(case, counsellor, data, consent, member):
    with pytest.raises(ValidationError, match="Karim"):
        services.conference_create(actor=counsellor, case=case, data=data(persons=[member]))
    assert not Conference.objects.exists()


@pytest.mark.parametrize("values, field", [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "\x00"}, "title"),
    ({"scheduled_at": None}, "scheduled_at"),
    ({"scheduled_at": "morgen"}, "scheduled_at"),
    ({"categories": []}, "categories"),
    ({"categories": ["case", "gossip"]}, "categories"),
    ({"categories": "case"}, "categories"),
    ({"location": "y" * 201}, "location"),
    ({"agenda": "z" * 5001}, "agenda"),
])
def test_create_refuses_bad_values(case, counsellor, data, consent, values, field):
    with pytest.raises(ValidationError) as refused:
        services.conference_create(actor=counsellor, case=case, data=data(**values))
    assert field in refused.value.message_dict
    assert not Conference.objects.exists()


def test_dates_too_far_away_are_refused(case, counsellor, data, consent, today):
    for when in (at(today + timedelta(days=800)), at(today - timedelta(days=400))):
        with pytest.raises(ValidationError) as refused:
            services.conference_create(actor=counsellor, case=case, data=data(scheduled_at=when))
        assert "scheduled_at" in refused.value.message_dict


def test_persons_outside_the_case_are_refused(case, counsellor, data, consent, make_person):
    stranger = make_person(family_name="Fremd")
    with pytest.raises(ValidationError) as refused:
        services.conference_create(actor=counsellor, case=case, data=data(persons=[stranger]))
    assert "persons" in refused.value.message_dict


def test_closed_case_refuses_everything(conference, case, counsellor, add, partner, release):
    from lotse.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        services.conference_create(actor=counsellor, case=case, data=services.ConferenceData(
            title="x", scheduled_at=conference.scheduled_at))
    assert refused.value.error_list[0].code == "case_not_open"
    conference.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        add(conference, kind="other", name="Frau Vormund", role="Vormund")
    assert refused.value.error_list[0].code == "case_not_open"
    assert conference.participants.count() == 1


def test_foreign_counsellor_cannot_plan(case, org_b, data, consent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.conference_create(actor=org_b.user("counsellor"), case=case, data=data())


# ---- partners and releases: one test per refusal -------------------------------------------------------

def _refused(conference, add, **values):
    before = Disclosure.objects.filter(allowed=False).count()
    with pytest.raises(DisclosureRefused) as refused:
        add(conference, **values)
    assert not Participant.objects.filter(conference=conference, kind="partner").exists()
    return refused.value, Disclosure.objects.filter(allowed=False).count() - before


def test_partner_with_a_valid_release_is_added_and_the_disclosure_recorded(conference, add, partner, release):
    participant = add(conference, kind="partner", partner=partner, role="Fallmanagement")
    assert participant.partner == partner and participant.partner_contact is None
    disclosure = Disclosure.objects.get(allowed=True)
    assert disclosure.recipient == partner and disclosure.release == release
    assert disclosure.purpose.startswith("Fallkonferenz") and disclosure.categories == ["case"]


def test_contact_person_takes_part_through_the_partners_release(conference, add, contact, release):
    participant = add(conference, kind="partner", partner_contact=contact)
    assert participant.partner == contact.partner and participant.display_name == "Frau Berg"
    assert participant.organisation_name == "Jobcenter Lindenau"


def test_partner_refused_without_release(conference, add, partner):
    error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert "Jobcenter Lindenau" in str(error) and str(InformationCategory.CASE.label) in " ".join(error.messages)
    assert error.error_list[0].code == "release_missing" and recorded == 1  # the refusal stays on record


def test_partner_refused_with_a_revoked_release(conference, add, partner, release, counsellor, today):
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    _error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert recorded == 1


def test_partner_refused_with_an_expired_release(conference, add, partner, release, today):
    Release.objects.filter(pk=release.pk).update(valid_until=today - timedelta(days=1))
    _error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert recorded == 1


def test_partner_refused_when_the_release_does_not_cover_the_categories(conference, add, partner, make_release,
                                                                         case, consent):
    make_release(case.person, partner, categories=["work"])
    error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert str(InformationCategory.CASE.label) in " ".join(error.messages)
    assert str(InformationCategory.WORK.label) not in " ".join(error.messages) and recorded == 1


def test_partner_refused_when_the_release_ends_before_the_conference(conference, add, partner, make_release, case,
                                                                     consent):
    make_release(case.person, partner, valid_days=3)  # the conference is in seven days
    error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert error.error_list[0].code == "release_ends" and recorded == 0


def test_partner_refused_after_the_consent_to_sharing_was_withdrawn(conference, add, partner, release, consent,
                                                                     counsellor, today):
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=today)
    with pytest.raises(ValidationError) as refused:
        add(conference, kind="partner", partner=partner)
    assert refused.value.error_list[0].code == "consent_missing"
    assert not conference.participants.filter(kind="partner").exists()


def test_partner_of_another_organisation_is_refused(conference, add, org_b, counsellor):
    foreign = Partner.objects.create(organisation=org_b.organisation, name="Jobcenter B", partner_type="job_centre")
    with pytest.raises(ValidationError) as refused:
        add(conference, kind="partner", partner=foreign)
    assert "partner" in refused.value.message_dict
    assert not Disclosure.objects.exists()


def test_inactive_partner_and_contact_are_refused(conference, add, partner, contact, release):
    PartnerContact.objects.filter(pk=contact.pk).update(is_active=False)
    contact.refresh_from_db()
    with pytest.raises(ValidationError):
        add(conference, kind="partner", partner_contact=contact)
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    partner.refresh_from_db()
    with pytest.raises(ValidationError):
        add(conference, kind="partner", partner=partner)
    assert not conference.participants.filter(kind="partner").exists()


def test_each_family_member_discussed_needs_a_release(case, counsellor, data, add, partner, release, member,
                                                      today):
    from lotse.consent.services import consent_record

    consent_record(actor=counsellor, person=member, purpose="sharing", given_on=today, form="paper")
    conference = services.conference_create(actor=counsellor, case=case, data=data(persons=[member]))
    error, recorded = _refused(conference, add, kind="partner", partner=partner)
    assert "Karim" in str(error) and recorded == 1


def test_partner_cannot_be_invited_twice(conference, add, partner, contact, release):
    add(conference, kind="partner", partner=partner)
    add(conference, kind="partner", partner_contact=contact)
    for values in ({"partner": partner}, {"partner_contact": contact}):
        with pytest.raises(ValidationError) as refused:
            add(conference, kind="partner", **values)
        assert "partner" in refused.value.message_dict
    assert conference.participants.filter(kind="partner").count() == 2


def test_changing_the_categories_checks_every_partner_again(conference, add, partner, release, counsellor, data):
    add(conference, kind="partner", partner=partner)
    with pytest.raises(DisclosureRefused) as refused:
        services.conference_update(actor=counsellor, conference=conference, version=conference.version,
                                   data=data(categories=["case", "health"]))
    assert refused.value.error_list[0].code == "release_missing"
    assert str(InformationCategory.HEALTH.label) in " ".join(refused.value.messages)
    conference.refresh_from_db()
    assert conference.categories == ["case"] and conference.version == 1
    assert [set(d.categories) for d in Disclosure.objects.filter(allowed=False)] == [{"case", "health"}]
    updated = services.conference_update(actor=counsellor, conference=conference, version=conference.version,
                                         data=data(title="Neu", categories=["case"]))
    assert updated.title == "Neu" and updated.version == 2


def test_moving_the_conference_past_the_end_of_a_release_is_refused(conference, add, partner, make_release, case,
                                                                    consent, counsellor, data, today):
    make_release(case.person, partner, valid_days=10)
    add(conference, kind="partner", partner=partner)
    with pytest.raises(DisclosureRefused) as refused:
        services.conference_update(actor=counsellor, conference=conference, version=conference.version,
                                   data=data(scheduled_at=at(today + timedelta(days=30))))
    assert refused.value.error_list[0].code == "release_ends"
    conference.refresh_from_db()
    assert timezone.localtime(conference.scheduled_at).date() == today + timedelta(days=7)


def test_update_with_a_stale_version_is_refused(conference, counsellor, data):
    services.conference_update(actor=counsellor, conference=conference, version=1, data=data(title="Erste"))
    with pytest.raises(ValidationError) as refused:
        services.conference_update(actor=counsellor, conference=conference, version=1, data=data(title="Zweite"))
    assert refused.value.error_list[0].code == "stale"
    conference.refresh_from_db()
    assert conference.title == "Erste"


# ---- colleagues, family, others --------------------------------------------------------------------------

def test_colleagues_of_the_case_team_only(conference, add, lead, org_a, org_b):
    assert add(conference, kind="staff", user=lead).display_name == lead.get_full_name()
    for outsider in (org_b.user("counsellor"), org_a.user("accommodation"), org_a.user("org_admin")):
        with pytest.raises(ValidationError) as refused:
            add(conference, kind="staff", user=outsider)
        assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add(conference, kind="staff", user=lead)
    assert "user" in refused.value.message_dict


def test_family_members_of_the_case_only(conference, add, case, member, make_person):
    add(conference, kind="family", person=case.person, role="Klientin")
    add(conference, kind="family", person=member)
    with pytest.raises(ValidationError) as refused:
        add(conference, kind="family", person=make_person(family_name="Fremd"))
    assert "person" in refused.value.message_dict


def test_other_persons_need_name_and_role(conference, add):
    for values in ({"name": "", "role": "Vormund"}, {"name": "Frau Vormund", "role": ""},
                   {"name": "x" * 201, "role": "Vormund"}):
        with pytest.raises(ValidationError):
            add(conference, kind="other", **values)
    with pytest.raises(ValidationError):
        add(conference, kind="nonsense", name="x", role="y")
    assert add(conference, kind="other", name="Frau Vormund", role="Vormund").display_name == "Frau Vormund"


def test_remove_participant(conference, add, counsellor):
    other = add(conference, kind="other", name="Frau Vormund", role="Vormund")
    services.participant_remove(actor=counsellor, participant=other)
    assert not Participant.objects.filter(pk=other.pk).exists()


# ---- minutes, cancellation ---------------------------------------------------------------------------------

def test_minutes_mark_the_conference_held_with_attendance(begun, add, counsellor, today, case):
    family = add(begun, kind="family", person=case.person)
    absent = add(begun, kind="other", name="Frau Vormund", role="Vormund")
    staff = begun.participants.get(kind="staff")
    held = services.conference_record_minutes(actor=counsellor, conference=begun, version=1, held_on=today,
                                              minutes="Intern: Streit über Kita", attended=[staff, family])
    assert held.status == ConferenceStatus.HELD and held.held_on == today and held.version == 2
    assert {p.pk: p.attended for p in begun.participants.all()} == {staff.pk: True, family.pk: True,
                                                                    absent.pk: False}
    with pytest.raises(ValidationError) as refused:
        services.conference_record_minutes(actor=counsellor, conference=begun, version=1, held_on=today,
                                           minutes="Überschrieben", attended=[])
    assert refused.value.error_list[0].code == "stale"
    begun.refresh_from_db()
    assert begun.minutes == "Intern: Streit über Kita"


def test_minutes_refuse_bad_values(begun, counsellor, today, conference):
    stranger = conference.participants.get()
    for values, field in (({"held_on": today + timedelta(days=1)}, "held_on"), ({"held_on": None}, "held_on"),
                          ({"minutes": "m" * 20001}, "minutes"), ({"attended": [stranger]}, "attended")):
        arguments = {"held_on": today, "minutes": "", "attended": [], **values}
        with pytest.raises(ValidationError) as refused:
            services.conference_record_minutes(actor=counsellor, conference=begun, version=1, **arguments)
        assert field in refused.value.message_dict
    begun.refresh_from_db()
    assert begun.status == ConferenceStatus.PLANNED


def test_cancelled_conference_cannot_change(conference, counsellor, add, data, today):
    services.conference_cancel(actor=counsellor, conference=conference, version=1, reason="Krankheit")
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED and conference.cancel_reason == "Krankheit"
    with pytest.raises(ValidationError):
        add(conference, kind="other", name="x", role="y")
    with pytest.raises(ValidationError):
        services.conference_update(actor=counsellor, conference=conference, version=2, data=data())
    with pytest.raises(ValidationError):
        services.conference_record_minutes(actor=counsellor, conference=conference, version=2, held_on=today,
                                           minutes="", attended=[])
    with pytest.raises(ValidationError):
        services.conference_cancel(actor=counsellor, conference=conference, version=2)


# ---- decisions ------------------------------------------------------------------------------------------

def _decide(conference, counsellor, responsible, today, goal=None, text="Unterlagen einreichen", days=14):
    return services.decision_create(actor=counsellor, conference=conference, data=services.DecisionData(
        text=text, responsible=responsible, due_on=today + timedelta(days=days), goal=goal))


def test_decisions_become_plan_steps_with_the_right_responsible(begun, add, counsellor, partner, release, case, goal,
                                                                today):
    staff = begun.participants.get(kind="staff")
    jobcentre = add(begun, kind="partner", partner=partner)
    family = add(begun, kind="family", person=case.person)
    version = Plan.objects.get(case=case).version
    for responsible, expected in ((staff, "counsellor"), (jobcentre, "partner"), (family, "client")):
        decision = _decide(begun, counsellor, responsible, today, goal=goal, text=f"Schritt {expected}")
        step = Step.objects.get(pk=decision.step_id)
        assert step.goal == goal and step.responsible == expected and step.description == f"Schritt {expected}"
        assert step.responsible_partner == (partner if expected == "partner" else None)
        assert decision.task_id is None
    assert Plan.objects.get(case=case).version == version + 3
    assert not Task.objects.filter(source="conference").exists()


def test_decision_without_a_goal_becomes_a_task(begun, counsellor, today, lead, add, case):
    colleague = add(begun, kind="staff", user=lead)
    decision = _decide(begun, counsellor, colleague, today)
    task = Task.objects.get(pk=decision.task_id)
    assert task.source == "conference" and task.responsible == "counsellor" and task.responsible_user == lead
    assert task.title == "Unterlagen einreichen" and task.case == case
    assert decision.step_id is None


def test_decisions_wait_for_the_conference_to_begin(conference, counsellor, today):
    staff = conference.participants.get()
    with pytest.raises(ValidationError) as refused:
        _decide(conference, counsellor, staff, today)
    assert refused.value.error_list[0].code == "not_begun"
    assert not Decision.objects.exists()


def test_decision_refuses_bad_values(begun, counsellor, today, add, conference, org_b, make_person):
    staff = begun.participants.get(kind="staff")
    other = add(begun, kind="other", name="Frau Vormund", role="Vormund")
    cases = [
        ({"text": ""}, "text"), ({"text": "t" * 501}, "text"), ({"responsible": other}, "responsible"),
        ({"responsible": conference.participants.get()}, "responsible"), ({"responsible": None}, "responsible"),
        ({"due_on": today - timedelta(days=1)}, "due_on"), ({"due_on": None}, "due_on"),
    ]
    for values, field in cases:
        arguments = {"text": "Antrag", "responsible": staff, "due_on": today, **values}
        with pytest.raises(ValidationError) as refused:
            services.decision_create(actor=counsellor, conference=begun, data=services.DecisionData(**arguments))
        assert field in refused.value.message_dict, (values, refused.value)
    assert not Decision.objects.exists() and not Task.objects.filter(source="conference").exists()


def test_goal_of_another_case_is_refused(begun, counsellor, today, org_a, make_person):
    from lotse.cases.services import case_request
    from lotse.planning.services import goal_create

    other_case = case_request(actor=counsellor, person=make_person(family_name="Anders"), offering=org_a.offering)
    foreign_goal = goal_create(actor=counsellor, case=other_case, version=0, domain="work", category="labour_market",
                               client_words="Arbeit", target_on=today + timedelta(days=90))
    with pytest.raises(ValidationError) as refused:
        _decide(begun, counsellor, begun.participants.get(), today, goal=foreign_goal)
    assert "goal" in refused.value.message_dict
    assert not Step.objects.filter(goal=foreign_goal).exists() and not Decision.objects.exists()


def test_a_refused_step_leaves_no_decision(begun, add, counsellor, partner, release, goal, today, case):
    jobcentre = add(begun, kind="partner", partner=partner)
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    jobcentre = Participant.objects.select_related("partner").get(pk=jobcentre.pk)
    version = Plan.objects.get(case=case).version
    with pytest.raises(ValidationError) as refused:
        _decide(begun, counsellor, jobcentre, today, goal=goal)
    assert "responsible" in refused.value.message_dict
    assert not Decision.objects.exists() and Plan.objects.get(case=case).version == version


def test_participant_responsible_for_a_decision_stays(begun, counsellor, today, add, case):
    family = add(begun, kind="family", person=case.person)
    _decide(begun, counsellor, family, today)
    with pytest.raises(ValidationError):
        services.participant_remove(actor=counsellor, participant=family)
    assert Participant.objects.filter(pk=family.pk).exists()


def test_cancelled_conference_takes_no_decisions(begun, counsellor, today):
    staff = begun.participants.get()
    services.conference_cancel(actor=counsellor, conference=begun, version=1)
    with pytest.raises(ValidationError):
        _decide(begun, counsellor, staff, today)


def test_withdrawn_consent_does_not_erase_the_record(conference, counsellor, consent, today):
    consent_withdraw(actor=counsellor, consent=consent, withdrawn_on=today)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == today
    assert Conference.objects.filter(pk=conference.pk).exists()
    assert timezone.localtime(conference.scheduled_at).date() > today
