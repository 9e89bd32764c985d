"""The worklist "Heute / Überfällig" on a fixture with hand-checked due dates (today = 21.11.2026),
and the constant query cost of the worklist and the case file."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.appointments.models import Appointment
from lotse.cases.models import Case, Closure, Task
from lotse.cases.selectors import worklist
from lotse.consent.models import Release
from lotse.contacts.models import Contact
from lotse.network.models import Partner
from lotse.organisations.models import ProgrammeOffering
from lotse.people.models import ResidenceStatus, ResidenceStatusType
from lotse.planning.models import Goal, Plan, Step

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
BERLIN = ZoneInfo("Europe/Berlin")


def _case(org, person, *, owner, offering=None, opened_on, **extra):
    return Case.objects.create(person=person, team=org.team, offering=offering or org.offering, status="open",
                               phase="counselling", owner=owner, requested_on=opened_on, opened_on=opened_on,
                               **extra)


def _release(person, partner, valid_until, **extra):
    return Release.objects.create(person=person, recipient=partner, categories=["master_data"], purpose="Vermittlung",
                                  text_version="2026-11", given_on=date(2026, 1, 1), valid_until=valid_until,
                                  form="paper", **extra)


@pytest.fixture
def world(org_a, make_person, counsellor):
    colleague = org_a.user("team_lead")
    amal, said, nour = make_person(), make_person("Said", "Nour"), make_person("Karimi", "Said")
    sim = ProgrammeOffering.objects.create(organisation=org_a.organisation, programme="sim", name="SIM A")
    org_a.team.offerings.add(sim)
    mbe = _case(org_a, amal, owner=counsellor, opened_on=date(2023, 12, 15), time_limit_on=date(2026, 12, 15))
    Contact.objects.create(case=mbe, occurred_at=datetime(2026, 11, 1, 10, tzinfo=BERLIN), duration_minutes=30,
                           kind="office_hour", author=counsellor)
    for due, status in ((date(2026, 11, 20), "open"), (TODAY, "open"), (date(2026, 11, 28), "open"),
                        (date(2026, 12, 15), "open"), (date(2026, 11, 1), "done")):
        Task.objects.create(case=mbe, title=f"Aufgabe {due:%d.%m.}", responsible="client", due_on=due, status=status)
    partner = Partner.objects.create(organisation=org_a.organisation, name="Jobcenter", partner_type="job_centre")
    _release(amal, partner, date(2026, 12, 1))
    _release(amal, partner, date(2026, 11, 25), revoked_on=date(2026, 10, 1))
    other = Partner.objects.create(organisation=org_a.organisation, name="Schule", partner_type="school")
    _release(amal, other, date(2027, 6, 1))
    status_type = ResidenceStatusType.objects.first()
    ResidenceStatus.objects.create(person=amal, status_type=status_type, valid_from=date(2023, 1, 1),
                                   valid_until=date(2026, 11, 25))
    ResidenceStatus.objects.create(person=amal, status_type=status_type, valid_from=date(2024, 6, 1),
                                   valid_until=date(2026, 11, 30))
    plan = Plan.objects.create(case=mbe)
    goal = Goal.objects.create(plan=plan, domain="language", category="german", client_words="Deutsch B1",
                               target_on=date(2027, 6, 1))
    Step.objects.create(goal=goal, description="Anmeldung Kurs", responsible="client", due_on=date(2026, 11, 19))
    Appointment.objects.create(owner=counsellor, team=org_a.team, case=mbe,
                               starts_at=datetime(2026, 11, 21, 9, tzinfo=BERLIN),
                               ends_at=datetime(2026, 11, 21, 10, tzinfo=BERLIN))
    sim_case = _case(org_a, said, owner=counsellor, offering=sim, opened_on=date(2026, 11, 1),
                     own_flat_since=date(2021, 12, 10))
    Contact.objects.create(case=sim_case, occurred_at=datetime(2026, 11, 10, 14, tzinfo=BERLIN),
                           duration_minutes=30, kind="phone", author=counsellor)
    closed = Case.objects.create(person=nour, team=org_a.team, offering=org_a.offering, status="closed",
                                 phase="closed", owner=counsellor, requested_on=date(2025, 1, 1),
                                 opened_on=date(2025, 1, 1), closed_on=date(2026, 5, 10))
    Closure.objects.create(case=closed, closed_on=date(2026, 5, 10), reason="goals_reached",
                           follow_up_on=date(2026, 11, 10))
    Closure.objects.create(case=closed, closed_on=date(2025, 5, 10), reason="goals_reached",
                           follow_up_on=date(2025, 11, 10), follow_up_done_on=date(2025, 11, 12))
    theirs = _case(org_a, make_person("Ahmadi", "Zainab"), owner=colleague, opened_on=date(2026, 11, 1))
    Contact.objects.create(case=theirs, occurred_at=datetime(2026, 11, 15, 9, tzinfo=BERLIN), duration_minutes=30,
                           kind="phone", author=colleague)
    Task.objects.create(case=theirs, title="Fremde Aufgabe", responsible="client", due_on=date(2026, 11, 2))
    return {"mbe": mbe, "sim": sim_case, "closed": closed, "theirs": theirs, "amal": amal}


def _entries(result):
    return sorted((section, entry.kind, entry.due_on, str(entry.person))
                  for section, entries in result["sections"].items() for entry in entries)


def test_worklist_shows_the_hand_checked_entries(world, counsellor):
    amal, said, nour = str(world["mbe"].person), str(world["sim"].person), str(world["closed"].person)
    expected = sorted([
        ("overdue", "task_due", date(2026, 11, 20), amal),
        ("today", "task_due", TODAY, amal),
        ("soon", "task_due", date(2026, 11, 28), amal),
        ("soon", "time_limit", date(2026, 12, 15), amal),        # MBE: three years, warned 90 days ahead
        ("soon", "release_expiring", date(2026, 12, 1), amal),   # within 30 days; revoked and later ones not
        ("soon", "residence_expiring", date(2026, 11, 30), amal),  # the superseded status is not shown
        ("overdue", "step_due", date(2026, 11, 19), amal),
        ("today", "appointment_today", TODAY, amal),
        ("overdue", "contact_due", date(2026, 11, 17), said),    # SIM, first 8 weeks weekly: 10.11. + 7 days
        ("soon", "handover", date(2026, 12, 10), said),          # SIM: five years after moving into own flat
        ("overdue", "follow_up", date(2026, 11, 10), nour),      # sustainability check, the done one not
    ])
    assert _entries(worklist(actor=counsellor, today=TODAY)) == expected


def test_the_team_view_adds_the_colleagues_cases(world, counsellor):
    result = _entries(worklist(actor=counsellor, mine=False, today=TODAY))
    theirs = str(world["theirs"].person)
    assert ("overdue", "task_due", date(2026, 11, 2), theirs) in result
    assert ("overdue", "contact_due", date(2026, 11, 22), theirs) not in result  # due tomorrow: not yet


def test_another_organisation_sees_nothing(world, org_b):
    result = worklist(actor=org_b.user("counsellor"), mine=False, today=TODAY)
    assert result["counts"] == {"overdue": 0, "today": 0, "soon": 0}


def _add_load(world, counsellor, make_person, org_a, n):
    from datetime import timedelta

    case = world["mbe"]
    plan = case.plan
    for i in range(n):
        Contact.objects.create(case=case, occurred_at=datetime(2026, 10, 1, 8, tzinfo=BERLIN) + timedelta(hours=i),
                               duration_minutes=15, kind="phone", author=counsellor)
        goal = Goal.objects.create(plan=plan, domain="work", category="labour_market", client_words=f"Ziel {i}",
                                   target_on=date(2027, 1, 1))
        Step.objects.create(goal=goal, description=f"Schritt {i}", responsible="client", due_on=date(2026, 11, 18))
        Task.objects.create(case=case, title=f"Aufgabe {i}", responsible="client", due_on=date(2026, 11, 18))
        other = _case(org_a, make_person("Last" + "abcdefghij"[i % 10] + "xyz"[i // 10], "Test"), owner=counsellor, opened_on=date(2026, 1, 1))
        Task.objects.create(case=other, title="x", responsible="client", due_on=date(2026, 11, 18))
        closed = Case.objects.create(person=other.person, team=org_a.team, offering=org_a.offering, status="closed",
                                     phase="closed", owner=counsellor, requested_on=date(2025, 1, 1),
                                     opened_on=date(2025, 1, 1), closed_on=date(2026, 5, 10))
        Closure.objects.create(case=closed, closed_on=date(2026, 5, 10), reason="goals_reached",
                               follow_up_on=date(2026, 11, 10))


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_case_file_and_worklist_cost_a_constant_number_of_queries(world, counsellor, make_person, org_a, cclient):
    case_url = reverse("cases:case_detail", args=[world["mbe"].public_id])
    worklist_url = reverse("cases:worklist")
    cclient.get(case_url)  # the session's first request does its own bookkeeping
    small = (_count(cclient, case_url), _count(cclient, worklist_url))
    _add_load(world, counsellor, make_person, org_a, 30)
    large = (_count(cclient, case_url), _count(cclient, worklist_url))
    assert small == large
    # The case file gathers eleven areas (contacts, plan, appointments, referrals, conferences, helper map, …),
    # each read once.
    assert small[0] <= 35 and small[1] <= 30
