"""What the case file, timeline and worklist get from appointments; hand-checked dates."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.appointments import selectors, services
from lotse.appointments.models import Appointment

pytestmark = pytest.mark.django_db


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def dated(case, counsellor, org_a, today):
    """Appointments around today whose worklist entries are checked by hand."""
    def make(day, hour, *, status=None, with_case=True, owner=None):
        appointment = services.appointment_create(actor=counsellor, owner=owner or counsellor, team=org_a.team,
                                                  case=case if with_case else None, starts_at=_at(day, hour))
        if status:
            Appointment.objects.filter(pk=appointment.pk).update(status=status)
        return appointment

    return {
        "three_days_ago": make(today - timedelta(days=3), 9),              # outcome missing → overdue since then
        "yesterday_done": make(today - timedelta(days=1), 9, status="done"),   # outcome recorded → nothing
        "today_morning": make(today, 8),                                    # today
        "today_cancelled": make(today, 11, status="cancelled"),            # cancelled → nothing
        "tomorrow": make(today + timedelta(days=1), 9),                    # not yet → nothing
        "long_ago": make(today - timedelta(days=200), 9),                  # beyond the 180-day look-back
        "internal_today": make(today, 13, with_case=False),               # user entry, no case
        "internal_colleague": make(today, 14, with_case=False, owner=org_a.user("team_lead")),
    }


def test_worklist_entries_with_hand_checked_dates(dated, case, counsellor, today):
    with CaptureQueriesContext(connection) as queries:
        entries = selectors.worklist_entries(actor=counsellor, cases=[case], today=today)
    assert len(queries) <= 2
    found = sorted((entry.kind, entry.due_on, entry.url.split("/")[-2]) for entry in entries)
    assert found == sorted([
        ("appointment_outcome", today - timedelta(days=3), str(dated["three_days_ago"].public_id)),
        ("appointment_today", today, str(dated["today_morning"].public_id)),
    ])
    sections = {entry.kind: entry.section(today) for entry in entries}
    assert sections == {"appointment_outcome": "overdue", "appointment_today": "today"}
    assert all(entry.case == case and entry.person == case.person for entry in entries)
    assert selectors.worklist_entries(actor=counsellor, cases=[], today=today) == []


def test_user_worklist_entries_are_own_internal_appointments_today(dated, counsellor, org_a, org_b, today):
    with CaptureQueriesContext(connection) as queries:
        entries = selectors.user_worklist_entries(actor=counsellor, today=today)
    assert len(queries) <= 2
    assert [(e.kind, e.due_on, e.case) for e in entries] == [("appointment_today", today, None)]
    assert str(dated["internal_today"].public_id) in entries[0].url
    assert selectors.user_worklist_entries(actor=org_b.user("counsellor"), today=today) == []
    assert selectors.user_worklist_entries(actor=org_a.user("accommodation"), today=today) == []


def test_case_summary_and_next_appointment(dated, case, counsellor, org_b):
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.case_appointment_summary(actor=counsellor, case=case)
    assert len(queries) == 1
    # This morning's appointment (from 8 o'clock local time) counts until it has ended.
    expected = [a for a in (dated["today_morning"], dated["tomorrow"]) if a.ends_at >= timezone.now()]
    assert summary["next"] == expected[0] and summary["upcoming"] == expected
    assert selectors.next_appointment(actor=counsellor, case=case) == expected[0]
    assert selectors.next_appointment(actor=org_b.user("counsellor"), case=case) is None


def test_summary_holds_at_most_five(case, counsellor, org_a, today):
    for offset in range(1, 9):
        services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                    starts_at=_at(today + timedelta(days=offset), 10))
    summary = selectors.case_appointment_summary(actor=counsellor, case=case)
    assert len(summary["upcoming"]) == 5 and summary["next"].starts_at == _at(today + timedelta(days=1), 10)


def test_timeline_items(dated, case, counsellor):
    with CaptureQueriesContext(connection) as queries:
        items = selectors.timeline_items(actor=counsellor, case=case)
    assert len(queries) == 1
    assert len(items) == 6 and all(item.kind == "appointment" and item.url for item in items)
    assert items[0].when > items[-1].when


def test_week_start():
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    assert selectors.week_start(None) == monday
    assert selectors.week_start("2026-11-19", today=datetime(2026, 11, 1).date()) == datetime(2026, 11, 16).date()
    assert selectors.week_start("kaputt") == monday
    assert selectors.week_start("1800-01-01") == monday
