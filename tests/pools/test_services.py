"""Pool services: members with their partner entry, bad input, the confidentiality agreement as precondition,
interpreter bookings with conflicts, volunteer assignments and links."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lotse.appointments.models import Appointment
from lotse.audit.models import AuditEvent
from lotse.codelists.models import Code
from lotse.network.models import Partner
from lotse.pools import services
from lotse.pools.models import PoolMember, PoolMemberLanguage, VolunteerAssignment
from lotse.pools.services import LanguageEntry, MemberData

pytestmark = pytest.mark.django_db


def _data(**extra):
    values = {"kind": "interpreter", "name": "Saba Tesfay", "languages": (LanguageEntry("tir", "native"),)}
    values.update(extra)
    return MemberData(**values)


# ---- members ---------------------------------------------------------------------------------------

def test_create_makes_a_partner_entry_that_releases_can_name(org_a, counsellor, signed):
    member = services.pool_member_create(actor=counsellor, organisation=org_a.organisation, data=_data(
        phone=" 0171 2345 ", email="saba@example.org", availability="Mo–Mi vormittags",
        topics=("doctors", "authorities", "doctors"), confidentiality_signed_on=signed,
        languages=(LanguageEntry("tir", "native"), LanguageEntry("ara", ""))))
    assert member.version == 1 and member.phone == "0171 2345" and member.topics == ["doctors", "authorities"]
    assert [(row.language.code, row.level) for row in member.language_rows.all()] == [
        ("tir", "native"), ("ara", "")]
    partner = member.partner
    assert partner.organisation == org_a.organisation and partner.partner_type == "person"
    assert partner.is_active
    assert partner.name.startswith("Saba Tesfay (")
    assert AuditEvent.objects.filter(action="pool_member.created", object_id=str(member.public_id)).exists()


def test_volunteer_partner_is_of_type_volunteers(make_member):
    helper = make_member(name="Jonas Weber", kind="volunteer", languages=())
    assert helper.partner.partner_type == "volunteers"


@pytest.mark.parametrize("bad, field", [
    ({"name": "  "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "Nul\x00byte"}, "name"),
    ({"kind": "wizard"}, "kind"),
    ({"email": "kein-mail"}, "email"),
    ({"phone": "1" * 51}, "phone"),
    ({"availability": "a" * 501}, "availability"),
    ({"notes": "n" * 5001}, "notes"),
    ({"topics": ("astrology",)}, "topics"),
    ({"languages": ()}, "languages"),
    ({"languages": (LanguageEntry("klingon"),)}, "languages"),
    ({"languages": (LanguageEntry("ara", "perfect"),)}, "languages"),
    ({"languages": (LanguageEntry("ara"), LanguageEntry("ara", "good"))}, "languages"),
    ({"languages": tuple(LanguageEntry(code) for code in ["ara"] * 21)}, "languages"),
    ({"confidentiality_signed_on": timezone.localdate() + timedelta(days=1)}, "confidentiality_signed_on"),
])
def test_bad_input_is_refused_and_nothing_is_stored(org_a, counsellor, bad, field):
    with pytest.raises(ValidationError) as caught:
        services.pool_member_create(actor=counsellor, organisation=org_a.organisation, data=_data(**bad))
    assert field in caught.value.message_dict
    assert not PoolMember.objects.exists() and not Partner.objects.exists()


def test_language_as_code_object_of_another_list_is_refused(org_a, counsellor):
    country = Code.objects.exclude(code_list__slug="language").first()
    with pytest.raises(ValidationError):
        services.pool_member_create(actor=counsellor, organisation=org_a.organisation,
                                    data=_data(languages=(LanguageEntry(country),)))


def test_a_volunteer_needs_no_language(make_member):
    assert make_member(name="Jonas Weber", kind="volunteer", languages=()).language_rows.count() == 0


def test_same_name_twice_is_refused_with_a_clear_message(make_member, org_a, counsellor):
    make_member()
    with pytest.raises(ValidationError) as caught:
        services.pool_member_create(actor=counsellor, organisation=org_a.organisation,
                                    data=_data(name="Rania Nasser"))
    assert "name" in caught.value.message_dict
    assert PoolMember.objects.count() == 1


def test_foreign_organisation_and_coordinator_are_refused(org_a, org_b, counsellor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.pool_member_create(actor=counsellor, organisation=org_b.organisation, data=_data())
    with pytest.raises(PermissionDenied):
        services.pool_member_create(actor=org_a.user("coordinator"), organisation=org_a.organisation,
                                    data=_data())
    assert not PoolMember.objects.exists()


def test_update_keeps_the_partner_name_in_step_and_checks_the_version(interpreter, counsellor):
    changed = services.pool_member_update(actor=counsellor, member=interpreter, version=1, data=_data(
        name="Rania Nasser-Haddad", kind="both",
        languages=(LanguageEntry("ara", "fluent"), LanguageEntry("deu")),
        confidentiality_signed_on=interpreter.confidentiality_signed_on))
    assert changed.version == 2
    partner = Partner.objects.get(pk=interpreter.partner_id)
    assert partner.name.startswith("Rania Nasser-Haddad (") and partner.name != interpreter.partner.name
    rows = PoolMemberLanguage.objects.filter(member=interpreter).values_list("language__code", "level")
    assert sorted(rows) == [("ara", "fluent"), ("deu", "")]
    with pytest.raises(ValidationError) as caught:
        services.pool_member_update(actor=counsellor, member=interpreter, version=1,
                                    data=_data(name="Wer anders"))
    assert caught.value.error_list[0].code == "stale"
    assert PoolMember.objects.get(pk=interpreter.pk).name == "Rania Nasser-Haddad"


def test_nothing_changed_keeps_the_version(interpreter, counsellor):
    same = services.pool_member_update(actor=counsellor, member=interpreter, version=1, data=_data(
        name="Rania Nasser", languages=(LanguageEntry("ara", "native"),),
        confidentiality_signed_on=interpreter.confidentiality_signed_on))
    assert same.version == 1


def test_bad_update_changes_nothing(interpreter, counsellor):
    with pytest.raises(ValidationError):
        services.pool_member_update(actor=counsellor, member=interpreter, version=1,
                                    data=_data(name="Neu", languages=(LanguageEntry("xxx"),)))
    interpreter.refresh_from_db()
    assert interpreter.name == "Rania Nasser" and interpreter.language_rows.get().language.code == "ara"


def test_deactivation_deactivates_the_partner_entry(interpreter, counsellor, org_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.pool_member_set_active(actor=org_b.user("counsellor"), member=interpreter, version=1,
                                        active=False)
    member = services.pool_member_set_active(actor=counsellor, member=interpreter, version=1, active=False)
    assert not member.is_active and not Partner.objects.get(pk=interpreter.partner_id).is_active
    member = services.pool_member_set_active(actor=counsellor, member=member, version=member.version,
                                             active=True)
    assert member.is_active and Partner.objects.get(pk=interpreter.partner_id).is_active


# ---- interpreter booking ---------------------------------------------------------------------------

def test_book_an_interpreter(interpreter, make_appointment, counsellor, case):
    appointment = make_appointment()
    booked = services.interpreter_book(actor=counsellor, appointment=appointment, member=interpreter,
                                       version=1)
    assert booked.interpreter == interpreter and booked.version == 2
    assert Appointment.objects.get(pk=appointment.pk).interpreter_id == interpreter.pk
    event = AuditEvent.objects.get(action="appointment.interpreter_booked")
    assert event.object_id == str(case.person.public_id)
    cancelled = services.interpreter_cancel(actor=counsellor, appointment=booked, version=2)
    assert cancelled.interpreter is None and cancelled.version == 3


def test_no_confidentiality_agreement_no_booking(make_member, make_appointment, counsellor):
    unsigned = make_member(name="Olena Kovalenko", languages=(("ukr", "native"),),
                           confidentiality_signed_on=None)
    appointment = make_appointment(language="ukr")
    with pytest.raises(ValidationError) as caught:
        services.interpreter_book(actor=counsellor, appointment=appointment, member=unsigned, version=1)
    assert caught.value.error_dict["member"][0].code == "no_confidentiality"
    assert Appointment.objects.get(pk=appointment.pk).interpreter_id is None


def test_overlapping_booking_is_refused_adjacent_is_fine(interpreter, make_appointment, counsellor):
    first = make_appointment(hour=10, minutes=60)
    overlapping = make_appointment(hour=10, minutes=30)
    adjacent = make_appointment(hour=11, minutes=30)
    services.interpreter_book(actor=counsellor, appointment=first, member=interpreter, version=1)
    with pytest.raises(ValidationError) as caught:
        services.interpreter_book(actor=counsellor, appointment=overlapping, member=interpreter, version=1)
    assert caught.value.error_dict["member"][0].code == "interpreter_busy"
    assert services.interpreter_book(actor=counsellor, appointment=adjacent, member=interpreter,
                                     version=1).interpreter_id == interpreter.pk


def test_a_cancelled_appointment_frees_the_interpreter(interpreter, make_appointment, counsellor):
    from lotse.appointments.services import appointment_cancel

    first = make_appointment(hour=10)
    services.interpreter_book(actor=counsellor, appointment=first, member=interpreter, version=1)
    appointment_cancel(actor=counsellor, appointment=first, version=2)
    second = make_appointment(hour=10)
    booked = services.interpreter_book(actor=counsellor, appointment=second, member=interpreter, version=1)
    assert booked.interpreter == interpreter


def test_booking_checks_member_kind_activity_organisation_and_version(make_member, make_appointment,
                                                                       counsellor, org_b, interpreter):
    appointment = make_appointment()
    helper = make_member(name="Jonas Weber", kind="volunteer", languages=())
    foreign = make_member(name="Fremd", organisation=org_b.organisation, actor=org_b.user("counsellor"))
    inactive = make_member(name="Ruhend")
    services.pool_member_set_active(actor=counsellor, member=inactive, version=1, active=False)
    for member in (helper, foreign, PoolMember.objects.get(pk=inactive.pk), None):
        with pytest.raises(ValidationError):
            services.interpreter_book(actor=counsellor, appointment=appointment, member=member, version=1)
    with pytest.raises(ValidationError) as caught:
        services.interpreter_book(actor=counsellor, appointment=appointment, member=interpreter, version=7)
    assert caught.value.error_list[0].code == "stale"
    assert Appointment.objects.get(pk=appointment.pk).interpreter_id is None


def test_past_or_cancelled_appointments_cannot_be_booked(interpreter, make_appointment, counsellor):
    from lotse.appointments.services import appointment_cancel

    past = make_appointment(day=timezone.localdate() - timedelta(days=2))
    with pytest.raises(ValidationError):
        services.interpreter_book(actor=counsellor, appointment=past, member=interpreter, version=1)
    cancelled = appointment_cancel(actor=counsellor, appointment=make_appointment(), version=1)
    with pytest.raises(ValidationError):
        services.interpreter_book(actor=counsellor, appointment=cancelled, member=interpreter, version=2)


def test_foreign_counsellor_cannot_book(interpreter, make_appointment, org_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.interpreter_book(actor=org_b.user("counsellor"), appointment=make_appointment(),
                                  member=interpreter, version=1)


def test_internal_appointment_can_have_an_interpreter(interpreter, make_appointment, counsellor):
    appointment = make_appointment(with_case=False)
    assert services.interpreter_book(actor=counsellor, appointment=appointment, member=interpreter,
                                     version=1).interpreter == interpreter


# ---- volunteers ------------------------------------------------------------------------------------

def test_assign_a_volunteer(volunteer, case, counsellor):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer,
                                           purpose=" Begleitung  Jobcenter ")
    assert assignment.purpose == "Begleitung Jobcenter" and assignment.since == timezone.localdate()
    assert assignment.until is None and not assignment.has_link
    with pytest.raises(ValidationError):
        services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Nochmal")
    assert VolunteerAssignment.objects.count() == 1
    assert AuditEvent.objects.filter(action="volunteer.assigned",
                                     object_id=str(case.person.public_id)).exists()


def test_no_confidentiality_agreement_no_assignment(make_member, case, counsellor):
    unsigned = make_member(name="Jonas Weber", kind="volunteer", languages=(), confidentiality_signed_on=None)
    with pytest.raises(ValidationError) as caught:
        services.volunteer_assign(actor=counsellor, case=case, member=unsigned, purpose="Hausaufgabenhilfe")
    assert caught.value.error_dict["member"][0].code == "no_confidentiality"
    assert not VolunteerAssignment.objects.exists()


@pytest.mark.parametrize("purpose, since", [("", None), ("x" * 301, None),
                                            ("Hilfe", timezone.localdate() + timedelta(days=400))])
def test_assignment_bad_input(volunteer, case, counsellor, purpose, since):
    with pytest.raises(ValidationError):
        services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose=purpose, since=since)
    assert not VolunteerAssignment.objects.exists()


def test_an_interpreter_only_member_cannot_be_assigned(interpreter, case, counsellor):
    with pytest.raises(ValidationError):
        services.volunteer_assign(actor=counsellor, case=case, member=interpreter, purpose="Hilfe")


def test_assignment_of_a_foreign_case_or_closed_case_is_refused(volunteer, case, org_b, counsellor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.volunteer_assign(actor=org_b.user("counsellor"), case=case, member=volunteer,
                                  purpose="Hilfe")
    case.status = case.Status.CLOSED
    case.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Hilfe")


def test_link_is_shown_once_stored_hashed_and_replaced_by_a_new_one(volunteer, case, counsellor):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Hilfe")
    assignment, token = services.volunteer_link_create(actor=counsellor, assignment=assignment, valid_days=14)
    stored = VolunteerAssignment.objects.get(pk=assignment.pk)
    assert token.split("_")[1] == stored.token_prefix and token.split("_", 2)[2] not in stored.token_hash
    assert stored.token_expires_on == timezone.localdate() + timedelta(days=14)
    assert services.volunteer_link_authenticate(token).pk == assignment.pk
    _again, newer = services.volunteer_link_create(actor=counsellor, assignment=assignment, valid_days=30)
    assert services.volunteer_link_authenticate(token) is None
    assert services.volunteer_link_authenticate(newer).pk == assignment.pk
    services.volunteer_link_revoke(actor=counsellor, assignment=assignment)
    assert services.volunteer_link_authenticate(newer) is None


@pytest.mark.parametrize("days", [0, 91, "viele", None])
def test_link_validity_is_limited(volunteer, case, counsellor, days):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Hilfe")
    with pytest.raises(ValidationError):
        services.volunteer_link_create(actor=counsellor, assignment=assignment, valid_days=days)
    assert not VolunteerAssignment.objects.get(pk=assignment.pk).has_link


def test_ending_the_assignment_ends_the_link(volunteer, case, counsellor):
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Hilfe")
    _assignment, token = services.volunteer_link_create(actor=counsellor, assignment=assignment)
    ended = services.volunteer_assignment_end(actor=counsellor, assignment=assignment)
    assert ended.until == timezone.localdate() and not ended.has_link
    assert services.volunteer_link_authenticate(token) is None
    with pytest.raises(ValidationError):
        services.volunteer_assignment_end(actor=counsellor, assignment=ended)
    with pytest.raises(ValidationError):
        services.volunteer_link_create(actor=counsellor, assignment=ended)
    again = services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Wieder da")
    assert again.pk != assignment.pk


@pytest.mark.parametrize("raw", ["", "eh_", "eh__x", "kal_abc_def", "eh_" + "a" * 13 + "_x", "x" * 300, None,
                                 42, "eh_000000000000_falsch"])
def test_unknown_tokens_are_refused(raw):
    assert services.volunteer_link_authenticate(raw) is None
