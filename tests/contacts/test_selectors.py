"""Selectors for the case file and the worklist, with hand-checked dates (today = Saturday 21.11.2026)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.cases.models import Case
from lotse.contacts import selectors
from lotse.contacts.models import Contact

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
BERLIN = ZoneInfo("Europe/Berlin")


def _case(org, person, *, opened_on, phase="counselling", status="open", offering=None):
    return Case.objects.create(person=person, team=org.team, offering=offering or org.offering, status=status,
                               phase=phase, requested_on=opened_on, opened_on=opened_on)


def _contact(case, day: date, *, hour=10, outcome="took_place", author=None, **extra):
    return Contact.objects.create(case=case, occurred_at=datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN),
                                  duration_minutes=30, kind="office_hour", outcome=outcome, author=author, **extra)


def _cases(ids):
    return list(Case.objects.filter(pk__in=ids).select_related("person", "offering").order_by("pk"))


@pytest.fixture
def world(org_a, make_person):
    people = iter(make_person(f"Person{letter}", "Test") for letter in "ABCDEFGHIJ")
    cases = {}
    # Opened 1.9.: the first eight weeks (until 27.10.) weekly, then every 30 days (programme defaults).
    cases["intensive"] = _case(org_a, next(people), opened_on=date(2026, 9, 1))
    _contact(cases["intensive"], date(2026, 10, 20))                     # 20.10. + 7 = 27.10.: overdue
    cases["regular"] = _case(org_a, next(people), opened_on=date(2026, 9, 1))
    _contact(cases["regular"], date(2026, 11, 1))                        # 1.11. + 30 = 1.12.: not yet
    cases["never"] = _case(org_a, next(people), opened_on=date(2026, 11, 10))  # no contact: 10.11. + 7 = 17.11.
    cases["attempt"] = _case(org_a, next(people), opened_on=date(2026, 9, 1))
    _contact(cases["attempt"], date(2026, 10, 22))                       # 22.10. + 7 = 29.10.: overdue,
    _contact(cases["attempt"], date(2026, 11, 15), outcome="not_reached")  # an attempt does not count
    cases["today"] = _case(org_a, next(people), opened_on=date(2026, 1, 1))
    _contact(cases["today"], date(2026, 10, 22), hour=23)                # 22.10. + 30 = 21.11. = today: shown
    cases["tomorrow"] = _case(org_a, next(people), opened_on=date(2026, 1, 1))
    _contact(cases["tomorrow"], date(2026, 10, 23), hour=0)              # 23.10. + 30 = 22.11.: not yet
    cases["paused"] = _case(org_a, next(people), opened_on=date(2026, 1, 1), phase="paused")
    cases["closed"] = _case(org_a, next(people), opened_on=date(2026, 1, 1), status="closed", phase="closed")
    # Declined offers: repeat on 20.11. (due), on 25.11. (not yet), on 19.11. but met on 20.11. since.
    cases["declined"] = _case(org_a, next(people), opened_on=date(2026, 11, 1))
    _contact(cases["declined"], date(2026, 11, 18))                      # 18.11. + 7 = 25.11.: no contact due
    _contact(cases["declined"], date(2026, 11, 19), outcome="declined", repeat_offer_on=date(2026, 11, 20))
    cases["later"] = _case(org_a, next(people), opened_on=date(2026, 11, 1))
    _contact(cases["later"], date(2026, 11, 16), outcome="declined", repeat_offer_on=date(2026, 11, 19))
    _contact(cases["later"], date(2026, 11, 20))
    _contact(cases["later"], date(2026, 11, 17), outcome="declined", repeat_offer_on=date(2026, 11, 25))
    return cases


def test_worklist_entries_match_the_hand_checked_dates(world, counsellor):
    names = {case.pk: name for name, case in world.items()}
    entries = selectors.worklist_entries(actor=counsellor, cases=_cases(names), today=TODAY)
    assert sorted((names[entry.case.pk], entry.kind, entry.due_on) for entry in entries) == sorted([
        ("intensive", "contact_due", date(2026, 10, 27)),
        ("never", "contact_due", date(2026, 11, 17)),
        ("attempt", "contact_due", date(2026, 10, 29)),
        ("today", "contact_due", date(2026, 11, 21)),
        ("declined", "offer_repeat", date(2026, 11, 20)),
    ])
    entry = next(entry for entry in entries if entry.kind == "offer_repeat")
    assert entry.url == f"/faelle/{world['declined'].public_id}/kontakte/neu/"
    assert entry.person == world["declined"].person and entry.section(TODAY) == "overdue"


def test_worklist_entries_read_contacts_through_the_policy(world, org_b):
    """The worklist only passes the actor's own cases; even if not, no foreign contact is read."""
    entries = selectors.worklist_entries(actor=org_b.user("counsellor"),
                                         cases=_cases([case.pk for case in world.values()]), today=TODAY)
    assert "offer_repeat" not in {entry.kind for entry in entries}
    regular = next(entry for entry in entries if entry.case == world["regular"])
    assert regular.due_on == date(2026, 9, 8)  # from the opening date: the contacts are out of scope


def test_worklist_entries_cost_at_most_three_queries(world, org_a, make_person, counsellor):
    cases = _cases([case.pk for case in world.values()])
    with CaptureQueriesContext(connection) as small:
        selectors.worklist_entries(actor=counsellor, cases=cases, today=TODAY)
    for number in range(30):
        case = _case(org_a, make_person("Last" + "abcdefghij"[number % 10] + "xyz"[number // 10], "Test"), opened_on=date(2026, 1, 1))
        _contact(case, date(2026, 9, 1))
        _contact(case, date(2026, 9, 2), outcome="declined", repeat_offer_on=date(2026, 9, 10))
    many = _cases(Case.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as large:
        entries = selectors.worklist_entries(actor=counsellor, cases=many, today=TODAY)
    assert len(large) == len(small) <= 3
    assert len([entry for entry in entries if entry.kind == "offer_repeat"]) == 31
    assert selectors.worklist_entries(actor=counsellor, cases=[], today=TODAY) == []


def test_case_summary_and_timeline(case, counsellor, colleague, lead):
    base = datetime(2026, 11, 1, 9, tzinfo=BERLIN)
    took = [Contact.objects.create(case=case, occurred_at=base + timedelta(days=day), duration_minutes=30,
                                   kind="office_hour", author=counsellor, notes=f"Notiz {day}",
                                   notes_confidential=day == 2) for day in range(3)]
    attempt = Contact.objects.create(case=case, occurred_at=base + timedelta(days=5), duration_minutes=5,
                                     kind="phone", outcome="not_reached", author=counsellor)
    summary = selectors.case_contact_summary(actor=colleague, case=case)
    assert summary["count"] == 4
    assert summary["last"] == took[2] and summary["last_attempt"] == attempt
    assert summary["recent"] == [attempt, took[2], took[1], took[0]]
    assert [contact.notes_visible for contact in summary["recent"]] == [True, False, True, True]
    assert all(c.notes_visible for c in selectors.case_contact_summary(actor=lead, case=case)["recent"])
    assert all(c.notes_visible for c in selectors.case_contact_summary(actor=counsellor, case=case)["recent"])
    items = selectors.timeline_items(actor=colleague, case=case)
    assert [item.url for item in items][0] == f"/kontakte/{attempt.public_id}/"
    assert items[0].kind == "contact" and items[0].when.date() == date(2026, 11, 6)


def test_case_summary_finds_an_older_last_contact_and_costs_constant_queries(case, counsellor):
    base = datetime(2026, 1, 1, 9, tzinfo=BERLIN)
    first = Contact.objects.create(case=case, occurred_at=base, duration_minutes=30, kind="office_hour",
                                   author=counsellor)
    for day in range(1, 7):
        Contact.objects.create(case=case, occurred_at=base + timedelta(days=day), duration_minutes=5, kind="phone",
                               outcome="not_reached", author=counsellor)
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.case_contact_summary(actor=counsellor, case=case)
        [list(contact.topics.all()) for contact in summary["recent"]]
    assert summary["last"] == first and len(summary["recent"]) == 5
    assert len(queries) <= 5


@pytest.mark.parametrize("opened_on, contact_on, today, due_on", [
    # Opened 2.11.: weekly in the first eight weeks.
    (date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 16), None),
    (date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 17), date(2026, 11, 17)),
    (date(2026, 11, 2), None, date(2026, 11, 9), date(2026, 11, 9)),
    (date(2026, 11, 2), None, date(2026, 11, 8), None),
    # Opened 1.9.: eight weeks end on 27.10.; a contact on 26.10. is still weekly (due 2.11.) ...
    (date(2026, 9, 1), date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 2)),
    (date(2026, 9, 1), date(2026, 10, 26), date(2026, 11, 1), None),
    # ... one on 27.10. is monthly: due after 30 days, on 26.11.
    (date(2026, 9, 1), date(2026, 10, 27), date(2026, 11, 25), None),
    (date(2026, 9, 1), date(2026, 10, 27), date(2026, 11, 26), date(2026, 11, 26)),
])
def test_contact_due_follows_the_programme_cadence(org_a, make_person, counsellor, opened_on, contact_on, today,
                                                   due_on):
    case = _case(org_a, make_person(), opened_on=opened_on)
    if contact_on is not None:
        _contact(case, contact_on)
    entries = selectors.worklist_entries(actor=counsellor, cases=_cases([case.pk]), today=today)
    assert [(entry.kind, entry.due_on) for entry in entries] == ([("contact_due", due_on)] if due_on else [])


def test_offer_repeat_comes_on_its_day_and_goes_after_a_contact(org_a, make_person, counsellor):
    case = _case(org_a, make_person(), opened_on=date(2026, 11, 2))
    _contact(case, date(2026, 11, 10))  # due again 17.11.
    _contact(case, date(2026, 11, 12), outcome="declined", repeat_offer_on=date(2026, 11, 16))

    def kinds(today):
        return [(entry.kind, entry.due_on)
                for entry in selectors.worklist_entries(actor=counsellor, cases=_cases([case.pk]), today=today)]

    assert kinds(date(2026, 11, 15)) == []
    assert kinds(date(2026, 11, 16)) == [("offer_repeat", date(2026, 11, 16))]
    _contact(case, date(2026, 11, 16), hour=15)  # the offer was repeated and accepted
    assert kinds(date(2026, 11, 17)) == []
    assert kinds(date(2026, 11, 23)) == [("contact_due", date(2026, 11, 23))]


def test_a_paused_case_has_nothing_due(org_a, make_person, counsellor):
    case = _case(org_a, make_person(), opened_on=date(2026, 9, 1), phase="paused")
    _contact(case, date(2026, 9, 2))
    _contact(case, date(2026, 9, 3), outcome="declined", repeat_offer_on=date(2026, 9, 10))
    assert selectors.worklist_entries(actor=counsellor, cases=_cases([case.pk]), today=date(2026, 11, 21)) == []
