"""Appointment services: good and bad input, lost access, closed cases, outcomes, office hours."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lotse.appointments import services
from lotse.appointments.models import Appointment, OfficeHour
from lotse.audit.models import AuditEvent
from lotse.cases import services as case_services
from lotse.codelists.models import Code
from lotse.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _create(actor, owner, team, starts_at, **extra):
    return services.appointment_create(actor=actor, owner=owner, team=team, starts_at=starts_at, **extra)


def test_create_with_case_defaults_to_thirty_minutes_and_is_audited(case, counsellor, org_a, soon):
    arabic = Code.objects.get(code_list__slug="language", code="ara")
    appointment = _create(counsellor, counsellor, org_a.team, soon, case=case, kind="home_visit",
                          interpreter_needed=True, interpreter_language="ara", location="  Caritas-Haus ")
    assert appointment.ends_at == soon + timedelta(minutes=30)
    assert appointment.interpreter_language == arabic and appointment.location == "Caritas-Haus"
    assert appointment.team == org_a.team and appointment.case == case and appointment.created_by == counsellor
    event = AuditEvent.objects.filter(action="appointment.created").get()
    assert event.details["case"] == str(case.public_id)
    assert event.object_id == str(case.person.public_id)


def test_internal_appointment_without_case(counsellor, org_a, soon):
    appointment = _create(counsellor, org_a.user("team_lead"), org_a.team, soon, ends_at=soon + timedelta(hours=2),
                          kind="appointment", note="Teamsitzung")
    assert appointment.case is None and appointment.owner == org_a.user("team_lead")
    assert AuditEvent.objects.filter(action="appointment.created", object_id=str(appointment.public_id)).exists()


def test_works_inside_a_callers_transaction(case, counsellor, org_a, soon):
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(counsellor, counsellor, org_a.team, soon, case=case)
        raise RuntimeError
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("extra, field", [
    ({"ends_at": "before"}, "ends_at"),
    ({"ends_at": "same"}, "ends_at"),
    ({"ends_at": "long"}, "ends_at"),
    ({"starts_at": "far"}, "starts_at"),
    ({"starts_at": "past"}, "starts_at"),
    ({"starts_at": None}, "starts_at"),
    ({"kind": "party"}, "kind"),
    ({"interpreter_needed": True, "interpreter_language": "xx-nonsense"}, "interpreter_language"),
    ({"location": "x" * 201}, "location"),
    ({"room": "x" * 101}, "room"),
    ({"note": "x" * 501}, "note"),
])
def test_bad_input_is_refused_with_a_field_message(case, counsellor, org_a, soon, extra, field):
    now = timezone.now()
    values = {"starts_at": soon}
    mapped = {"before": soon - timedelta(minutes=1), "same": soon, "long": soon + timedelta(hours=13),
              "far": now + timedelta(days=2 * 365 + 2), "past": now - timedelta(days=400)}
    for key, value in extra.items():
        values[key] = mapped.get(value, value) if isinstance(value, str) and value in mapped else value
    starts_at = values.pop("starts_at")
    with pytest.raises(ValidationError) as error:
        _create(counsellor, counsellor, org_a.team, starts_at, case=case, **values)
    assert field in error.value.message_dict
    assert not Appointment.objects.exists()


def test_owner_must_work_in_the_team(case, counsellor, org_a, org_b, soon):
    for owner in (org_b.user("counsellor"), org_a.user("accommodation"), org_a.user("org_admin"), None):
        with pytest.raises(ValidationError) as error:
            _create(counsellor, owner, org_a.team, soon, case=case)
        assert "owner" in error.value.message_dict
    assert not Appointment.objects.exists()


def test_actor_outside_the_team_is_denied(org_a, org_b, soon):
    with pytest.raises(PermissionDenied):
        _create(org_b.user("counsellor"), org_a.user("counsellor"), org_a.team, soon)
    with pytest.raises(PermissionDenied):
        _create(org_a.user("accommodation"), org_a.user("counsellor"), org_a.team, soon)
    assert not Appointment.objects.exists()


def test_case_of_another_team_is_refused(counsellor, org_a, make_person, soon):
    from lotse.organisations.models import Team

    other = Team.objects.create(organisation=org_a.organisation, name="Zweites Team")
    other.offerings.add(org_a.offering)
    Membership.objects.create(user=counsellor, organisation=org_a.organisation, role="counsellor", team=other)
    person = make_person(family_name="Yilmaz", team=other)
    other_case = case_services.case_request(actor=counsellor, person=person, offering=org_a.offering)
    counsellor._lotse_grants = None
    del counsellor._lotse_grants
    with pytest.raises(ValidationError) as error:
        _create(counsellor, counsellor, org_a.team, soon, case=other_case)
    assert "case" in error.value.message_dict


def test_foreign_case_is_denied(case, org_b, soon):
    foreign = org_b.user("counsellor")
    with pytest.raises(PermissionDenied):
        _create(foreign, foreign, org_b.team, soon, case=case)


def test_closed_case_is_refused(case, counsellor, org_a, soon):
    from lotse.cases.models import Case
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        _create(counsellor, counsellor, org_a.team, soon, case=case)
    assert error.value.error_list[0].code == "case_not_open"


def test_lost_access_is_refused_and_nothing_saved(case, counsellor, org_a, soon):
    appointment = _create(counsellor, counsellor, org_a.team, soon, case=case)
    Membership.objects.filter(user=counsellor, team=org_a.team).update(is_active=False)
    del counsellor._lotse_grants
    with pytest.raises(PermissionDenied):
        _create(counsellor, org_a.user("team_lead"), org_a.team, soon, case=case)
    with pytest.raises(PermissionDenied):
        services.appointment_update(actor=counsellor, appointment=appointment, version=1,
                                    owner=org_a.user("team_lead"), starts_at=soon)
    appointment.refresh_from_db()
    assert Appointment.objects.count() == 1 and appointment.version == 1


def test_update_is_version_checked(case, counsellor, org_a, soon):
    appointment = _create(counsellor, counsellor, org_a.team, soon, case=case)
    lead = org_a.user("team_lead")
    updated = services.appointment_update(actor=lead, appointment=appointment, version=1, owner=counsellor,
                                          starts_at=soon + timedelta(hours=1), room="1.04")
    assert updated.version == 2 and updated.room == "1.04"
    with pytest.raises(ValidationError) as error:
        services.appointment_update(actor=counsellor, appointment=appointment, version=1, owner=counsellor,
                                    starts_at=soon, room="2.01")
    assert error.value.error_list[0].code == "stale"
    appointment.refresh_from_db()
    assert appointment.room == "1.04"


def test_outcomes(case, counsellor, org_a, soon):
    future = _create(counsellor, counsellor, org_a.team, soon, case=case)
    with pytest.raises(ValidationError):
        services.appointment_set_status(actor=counsellor, appointment=future, version=1, status="done")
    with pytest.raises(ValidationError):
        services.appointment_set_status(actor=counsellor, appointment=future, version=1, status="nonsense")
    cancelled = services.appointment_cancel(actor=counsellor, appointment=future, version=1)
    assert cancelled.status == "cancelled" and cancelled.version == 2
    with pytest.raises(ValidationError):
        services.appointment_update(actor=counsellor, appointment=future, version=2, owner=counsellor,
                                    starts_at=soon)
    past = _create(counsellor, counsellor, org_a.team, timezone.now() - timedelta(days=1), case=case)
    assert services.appointment_set_status(actor=counsellor, appointment=past, version=1,
                                           status="no_show").status == "no_show"


def test_office_hours_own_and_team_lead(counsellor, org_a, org_b):
    lead = org_a.user("team_lead")
    hour = services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=1,
                                       starts_at=time(9), ends_at=time(12), location="Caritas-Haus", room="1.04")
    assert hour.valid_from == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.office_hour_create(actor=counsellor, team=org_a.team, user=lead, weekday=1,
                                    starts_at=time(9), ends_at=time(12), location="Caritas-Haus")
    services.office_hour_create(actor=lead, team=org_a.team, user=counsellor, weekday=3,
                                starts_at=time(14), ends_at=time(16), location="Rathaus")
    with pytest.raises(ValidationError) as error:
        services.office_hour_create(actor=lead, team=org_a.team, user=counsellor, weekday=9,
                                    starts_at=time(14), ends_at=time(13), location="")
    assert {"weekday", "ends_at", "location"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.office_hour_end(actor=org_b.user("team_lead"), office_hour=hour)
    services.office_hour_update(actor=lead, office_hour=hour, user=counsellor, weekday=1, starts_at=time(9),
                                ends_at=time(11), location="Caritas-Haus", room="1.05")
    hour.refresh_from_db()
    assert hour.room == "1.05" and hour.ends_at == time(11)
    services.office_hour_end(actor=counsellor, office_hour=hour)
    assert OfficeHour.objects.count() == 1  # had not started yet: removed
    started = services.office_hour_create(actor=lead, team=org_a.team, user=counsellor, weekday=4, starts_at=time(9),
                                          ends_at=time(10), location="Rathaus",
                                          valid_from=timezone.localdate() - timedelta(days=30))
    for _ in range(2):
        services.office_hour_end(actor=lead, office_hour=started)
    started.refresh_from_db()
    assert started.valid_until == timezone.localdate() - timedelta(days=1) and OfficeHour.objects.count() == 2


def test_calendar_feed_token(counsellor):
    feed, token = services.calendar_feed_create(actor=counsellor)
    assert token not in feed.token_hash and services.calendar_feed_authenticate(token) == feed
    _feed, new_token = services.calendar_feed_create(actor=counsellor, include_initials=True)
    assert services.calendar_feed_authenticate(token) is None
    assert services.calendar_feed_authenticate(new_token).include_initials
    for bad in ("", "kal_", "kal__x", "nonsense", new_token + "x", "x" * 500, None):
        assert services.calendar_feed_authenticate(bad) is None
    services.calendar_feed_delete(actor=counsellor)
    assert services.calendar_feed_authenticate(new_token) is None
