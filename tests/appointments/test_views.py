"""Appointment pages: lists and week view with constant queries, forms, outcome, concurrent edits, office hours."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.appointments import selectors, services
from lotse.appointments.models import Appointment, OfficeHour
from lotse.audit.models import AuditEvent
from lotse.organisations.models import Membership
from tests.factories import login

pytestmark = pytest.mark.django_db


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _fill(case, counsellor, team, n, monday):
    for i in range(n):
        services.appointment_create(actor=counsellor, owner=counsellor, team=team, case=case if i % 3 else None,
                                    starts_at=_at(monday + timedelta(days=i % 7), 8 + i % 10, (i * 7) % 60),
                                    interpreter_needed=bool(i % 2), interpreter_language="ara" if i % 2 else None,
                                    location="Caritas-Haus", room=str(i))


@pytest.mark.parametrize("view", ["appointments:appointment_list", "appointments:appointment_week"])
def test_lists_cost_the_same_queries_for_2_and_40_appointments(view, case, counsellor, org_a, cclient):
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())  # next week: all in the future
    url = reverse(view) + (f"?woche={monday.isoformat()}" if view.endswith("week") else "")
    services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=1, starts_at=time(9),
                                ends_at=time(12), location="Caritas-Haus")
    _fill(case, counsellor, org_a.team, 2, monday)
    cclient.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        response = cclient.get(url)
    assert response.status_code == 200
    _fill(case, counsellor, org_a.team, 38, monday)
    with CaptureQueriesContext(connection) as large:
        response = cclient.get(url)
    assert response.status_code == 200 and len(small) == len(large) <= 20
    html = response.content.decode()
    assert str(case.person) in html and "Caritas-Haus" in html


def test_case_appointment_list_is_constant(case, counsellor, org_a, cclient):
    monday = timezone.localdate() + timedelta(days=7)
    url = reverse("appointments:case_appointment_list", args=[case.public_id])
    _fill(case, counsellor, org_a.team, 3, monday)
    cclient.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert cclient.get(url).status_code == 200
    _fill(case, counsellor, org_a.team, 40, monday)
    with CaptureQueriesContext(connection) as large:
        assert cclient.get(url).status_code == 200
    assert len(small) == len(large)


def test_week_view_navigation_and_bad_week_parameter(counsellor, cclient, django_assert_max_num_queries):
    url = reverse("appointments:appointment_week")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for value in ("", "nonsense", "9999-99-99", "31.02.2025", "1900-01-01", "<script>"):
        with django_assert_max_num_queries(20):
            response = cclient.get(url, {"woche": value})
        assert response.status_code == 200
        assert f"?woche={(monday + timedelta(days=7)).isoformat()}" in response.content.decode()
    response = cclient.get(url, {"woche": (monday + timedelta(days=10)).isoformat()})
    html = response.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert f"?woche={(monday + timedelta(days=14)).isoformat()}" in html


def test_week_shows_office_hours_on_their_weekday(counsellor, org_a):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=3, starts_at=time(14),
                                ends_at=time(16), location="Rathaus", valid_from=monday - timedelta(days=7))
    week = selectors.week(actor=counsellor, monday=monday)
    assert [len(day.office_hours) for day in week["days"]] == [0, 0, 0, 1, 0, 0, 0]
    next_but_ended = selectors.week(actor=counsellor, monday=monday - timedelta(days=14))
    assert all(not day.office_hours for day in next_but_ended["days"])


def test_create_for_a_case_by_form(case, counsellor, cclient, django_assert_max_num_queries):
    url = reverse("appointments:case_appointment_create", args=[case.public_id])
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    day = timezone.localdate() + timedelta(days=3)
    data = {"owner": counsellor.public_id, "kind": "appointment", "day": day.isoformat(), "starts": "10:00",
            "ends": "09:00", "location": "Caritas-Haus", "room": "1.04", "interpreter_needed": "on",
            "interpreter_language": "ara"}
    response = cclient.post(url, data)
    assert response.status_code == 422 and not Appointment.objects.exists()
    assert "ends_at" in response.context["form"].errors or response.context["form"].errors
    data["ends"] = "11:00"
    response = cclient.post(url, data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appointments:appointment_detail",
                                                                             args=[appointment.public_id])
    assert appointment.interpreter_language.code == "ara" and appointment.case == case
    with django_assert_max_num_queries(20):
        detail = cclient.get(response["Location"])
    assert detail.status_code == 200 and str(case.person) in detail.content.decode()
    assert AuditEvent.objects.filter(action="appointment.viewed").exists()


def test_internal_appointment_by_form(counsellor, org_a, cclient, django_assert_max_num_queries):
    url = reverse("appointments:appointment_create")
    day = timezone.localdate() + timedelta(days=1)
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    response = cclient.post(url, {"team": org_a.team.public_id, "owner": counsellor.public_id, "kind": "appointment",
                                  "day": day.isoformat(), "starts": "13:00", "note": "Teamsitzung"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.case is None and appointment.ends_at - appointment.starts_at == timedelta(minutes=30)
    letter = cclient.get(reverse("appointments:appointment_letter", args=[appointment.public_id]), {"sprache": "ar"})
    assert letter.status_code == 400
    assert cclient.get(reverse("appointments:appointment_letter", args=[appointment.public_id])).status_code == 200


def test_closed_case_offers_no_new_appointment(case, counsellor, cclient, django_assert_max_num_queries):
    from lotse.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with django_assert_max_num_queries(20):
        response = cclient.get(reverse("appointments:case_appointment_create", args=[case.public_id]))
    assert response.status_code == 302


def test_outcome_buttons(case, counsellor, org_a, cclient, django_assert_max_num_queries):
    past = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                       starts_at=timezone.now() - timedelta(hours=3))
    url = reverse("appointments:appointment_status", args=[past.public_id])
    with django_assert_max_num_queries(30):
        assert cclient.post(url, {"status": "no_show", "version": 1}).status_code == 302
    past.refresh_from_db()
    assert past.status == "no_show" and past.version == 2
    cclient.post(url, {"status": "done", "version": 1})  # stale: refused with a message
    past.refresh_from_db()
    assert past.status == "no_show"
    assert cclient.post(url, {"status": "<b>", "version": "x"}).status_code == 302


def test_concurrent_edit_with_two_sessions(case, counsellor, org_a, soon, django_assert_max_num_queries):
    lead = org_a.user("team_lead")
    appointment = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                              starts_at=soon, location="Caritas-Haus", room="1.04")
    url = reverse("appointments:appointment_edit", args=[appointment.public_id])
    first, second = Client(), Client()
    login(first, counsellor)
    login(second, lead)
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    base = {"owner": counsellor.public_id, "kind": "appointment", "day": timezone.localtime(soon).date().isoformat(),
            "starts": "10:00", "ends": "10:30", "location": "Caritas-Haus", "version": 1}
    assert first.post(url, {**base, "room": "2.01"}).status_code == 302
    with django_assert_max_num_queries(30):
        response = second.post(url, {**base, "room": "3.07"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="stale-warning"' in html and "2.01" in html and "3.07" in html
    appointment.refresh_from_db()
    assert appointment.room == "2.01" and appointment.version == 2
    form = response.context["form"]
    assert form.data["version"] == "2"
    assert second.post(url, {**base, "room": "3.07", "version": 2}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.room == "3.07" and appointment.version == 3


def test_lost_access_refused_and_recorded(case, counsellor, org_a, soon, cclient, django_assert_max_num_queries):
    appointment = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                              starts_at=soon)
    url = reverse("appointments:appointment_edit", args=[appointment.public_id])
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    Membership.objects.filter(user=counsellor).update(is_active=False)
    response = cclient.post(url, {"owner": counsellor.public_id, "kind": "appointment", "starts": "11:00",
                                  "day": timezone.localtime(soon).date().isoformat(), "version": 1})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()
    appointment.refresh_from_db()
    assert appointment.version == 1


def test_office_hours_page_by_weekday(counsellor, org_a, cclient, django_assert_max_num_queries):
    lead = org_a.user("team_lead")
    services.office_hour_create(actor=counsellor, team=org_a.team, user=counsellor, weekday=1, starts_at=time(9),
                                ends_at=time(12), location="Caritas-Haus", room="1.04")
    services.office_hour_create(actor=lead, team=org_a.team, user=lead, weekday=3, starts_at=time(14),
                                ends_at=time(16), location="Rathaus")
    url = reverse("appointments:office_hours")
    with django_assert_max_num_queries(20):
        response = cclient.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Caritas-Haus" in html and "Rathaus" in html
    assert '<caption>' in html and 'scope="rowgroup"' in html
    own, other = OfficeHour.objects.order_by("weekday")
    assert reverse("appointments:office_hour_edit", args=[own.public_id]) in html
    assert reverse("appointments:office_hour_edit", args=[other.public_id]) not in html
    assert cclient.get(reverse("appointments:office_hour_edit", args=[other.public_id])).status_code == 404


def test_office_hour_form(counsellor, org_a, cclient, django_assert_max_num_queries):
    url = reverse("appointments:office_hour_create")
    with django_assert_max_num_queries(20):
        assert cclient.get(url).status_code == 200
    response = cclient.post(url, {"team": org_a.team.public_id, "user": counsellor.public_id, "weekday": 1,
                                  "starts_at": "12:00", "ends_at": "09:00", "location": "Caritas-Haus"})
    assert response.status_code == 422 and not OfficeHour.objects.exists()
    response = cclient.post(url, {"team": org_a.team.public_id, "user": counsellor.public_id, "weekday": 1,
                                  "starts_at": "09:00", "ends_at": "12:00", "location": "Caritas-Haus"})
    assert response.status_code == 302 and OfficeHour.objects.get().valid_from == timezone.localdate()
