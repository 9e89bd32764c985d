"""Worklist entries on hand-checked dates, timeline, helper map, case file section, figures per partner."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.cases.selectors import case_file, worklist
from lotse.network.services import partner_create
from lotse.referrals import selectors, services
from lotse.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _entries(counsellor, case, today):
    return selectors.worklist_entries(actor=counsellor, cases=[case], today=today)


def test_no_answer_after_14_days_asks_for_feedback(send, counsellor, case):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(sent_on=date(2026, 3, 2))
    assert _entries(counsellor, case, date(2026, 3, 15)) == []
    entries = _entries(counsellor, case, date(2026, 3, 16))
    assert [(e.kind, e.due_on, e.person) for e in entries] == [
        ("referral_feedback", date(2026, 3, 16), case.person)]
    assert entries[0].url == f"/vermittlungen/{referral.public_id}/"
    assert "Jobcenter Lindenau" in entries[0].label
    assert entries[0].section(date(2026, 3, 20)) == "overdue"
    Referral.objects.filter(pk=referral.pk).update(status="accepted", accepted_on=date(2026, 3, 10))
    assert _entries(counsellor, case, date(2026, 3, 20)) == []


def test_a_passed_appointment_without_outcome_is_due_the_next_day(send, counsellor, case):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(sent_on=date(2026, 3, 2), status="appointment",
                                                  appointment_on=date(2026, 3, 20))
    assert _entries(counsellor, case, date(2026, 3, 20)) == []
    entries = _entries(counsellor, case, date(2026, 3, 21))
    assert [(e.kind, e.due_on) for e in entries] == [("referral_outcome", date(2026, 3, 21))]
    assert entries[0].section(date(2026, 3, 21)) == "today"


def test_the_whereabouts_are_due_on_the_computed_date(send, counsellor, case):
    referral = send()
    Referral.objects.filter(pk=referral.pk).update(sent_on=date(2026, 1, 5), status="outcome",
                                                  outcome="took_place", outcome_on=date(2026, 1, 19),
                                                  whereabouts_due_on=date(2026, 4, 13))
    assert _entries(counsellor, case, date(2026, 4, 12)) == []
    entries = _entries(counsellor, case, date(2026, 4, 13))
    assert [(e.kind, e.due_on) for e in entries] == [("referral_whereabouts", date(2026, 4, 13))]
    Referral.objects.filter(pk=referral.pk).update(status="closed", whereabouts="stayed")
    assert _entries(counsellor, case, date(2026, 5, 1)) == []


def test_the_worklist_shows_the_entries_only_to_the_team(send, counsellor, case, org_b, back_date, today):
    back_date(send(), 20)
    kinds = [entry.kind for entries in worklist(actor=counsellor)["sections"].values() for entry in entries]
    assert "referral_feedback" in kinds
    assert selectors.worklist_entries(actor=org_b.user("counsellor"), cases=[case], today=today) == []
    assert selectors.worklist_entries(actor=counsellor, cases=[], today=today) == []


def test_worklist_costs_one_query_however_many_referrals(send, counsellor, case, today):
    for _ in range(5):
        send()
    Referral.objects.update(sent_on=today - timedelta(days=20))
    case.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        entries = _entries(counsellor, case, today)
    assert len(entries) == 5 and len(queries) == 1


def test_timeline_helper_map_and_case_section(send, counsellor, case, service, today):
    first = send(service=service)
    first = services.referral_accept(actor=counsellor, referral=first, version=1, on=today)
    second = send()
    services.referral_cancel(actor=counsellor, referral=second, version=1, on=today, note="Umzug")
    items = selectors.timeline_items(actor=counsellor, case=case)
    labels = [item.label for item in items]
    assert len(items) == 4 and all("Jobcenter Lindenau" in label for label in labels)
    assert {item.kind for item in items} == {"referral"}
    assert any(item.detail == "Umzug" for item in items)

    entries = selectors.helper_map_entries(actor=counsellor, case=case)
    assert len(entries) == 1  # the withdrawn referral is left out
    entry = entries[0]
    assert (entry.name, entry.source, entry.since, entry.last_contact, entry.partner_id) == (
        "Jobcenter Lindenau", "referral", today, today, first.partner_id)
    assert "Integration Point" in entry.role and entry.url.endswith(f"{first.public_id}/")

    summary = selectors.case_referral_summary(actor=counsellor, case=case)
    assert [r.pk for r in summary["open"]] == [first.pk]
    assert [r.pk for r in summary["closed"]] == [second.pk]
    assert summary["count"] == 2


def test_the_case_section_costs_the_same_queries_however_many_referrals(send, counsellor, case):
    send()
    with CaptureQueriesContext(connection) as small:
        selectors.case_referral_summary(actor=counsellor, case=case)
    for _ in range(8):
        send()
    with CaptureQueriesContext(connection) as large:
        summary = selectors.case_referral_summary(actor=counsellor, case=case)
    assert len(small) == len(large) <= 3
    assert summary["count"] == 9


def test_the_case_section_is_part_of_the_case_file(send, counsellor, case):
    send()
    sections = dict(case_file(actor=counsellor, case=case)["sections"])
    assert sections["referrals/_case_section.html"]["count"] == 1


def test_other_teams_see_nothing(send, case, org_b):
    send()
    outsider = org_b.user("counsellor")
    assert selectors.timeline_items(actor=outsider, case=case) == []
    assert selectors.helper_map_entries(actor=outsider, case=case) == []
    assert selectors.case_referral_summary(actor=outsider, case=case)["count"] == 0


# ---- figures -----------------------------------------------------------------------------------------------

def _make(case, partner, counsellor, sent_on, **fields):
    return Referral.objects.create(case=case, person=case.person, partner=partner, reason="x",
                                   categories=["master_data"], sent_on=sent_on, created_by=counsellor,
                                   **fields)


@pytest.fixture
def figures_data(case, partner, counsellor, org_a):
    """Hand-made: Jobcenter 5 sent (1 withdrawn), 2 completed; Sprachschule 2 sent, none completed."""
    school = partner_create(actor=counsellor, organisation=org_a.organisation, name="Sprachschule",
                            partner_type="course_provider")
    base = date(2026, 2, 2)
    _make(case, partner, counsellor, base, status="closed", outcome="completed",
          appointment_on=base + timedelta(4), whereabouts="stayed")
    _make(case, partner, counsellor, base, status="outcome", outcome="completed",
          appointment_on=base + timedelta(10))
    _make(case, partner, counsellor, base, status="closed", outcome="no_show",
          appointment_on=base + timedelta(7))
    _make(case, partner, counsellor, base, status="withdrawn", appointment_on=base + timedelta(20))
    _make(case, partner, counsellor, base + timedelta(days=3))
    _make(case, school, counsellor, base, status="closed", outcome="rejected", rejection_reason="voll")
    _make(case, school, counsellor, base, status="appointment", appointment_on=base + timedelta(3))
    _make(case, partner, counsellor, date(2025, 1, 10), status="closed", outcome="completed")  # not in period
    return school


def test_figures_per_partner_by_hand(figures_data, counsellor, org_a):
    with CaptureQueriesContext(connection) as queries:
        result = selectors.partner_referral_figures(actor=counsellor, organisation=org_a.organisation,
                                                    period=(date(2026, 1, 1), date(2026, 12, 31)))
    assert len(queries) <= 3
    jobcenter, school = result["partners"]
    assert (jobcenter.partner, jobcenter.sent, jobcenter.withdrawn, jobcenter.completed, jobcenter.no_show,
            jobcenter.stayed) == ("Jobcenter Lindenau", 5, 1, 2, 1, 1)
    assert jobcenter.counted == 4 and jobcenter.share_completed == 50.0
    assert jobcenter.median_days == 8.5  # days 4, 7, 10, 20
    assert (school.sent, school.rejected, school.completed, school.share_completed, school.median_days) == (
        2, 1, 0, 0.0, 3)
    total = result["total"]
    assert (total.sent, total.withdrawn, total.completed) == (7, 1, 2)
    assert total.share_completed == round(100 * 2 / 6, 1) == 33.3
    assert total.median_days == 7  # days 3, 4, 7, 10, 20


def test_figures_without_period_and_with_nothing_in_it(figures_data, counsellor, org_a):
    everything = selectors.partner_referral_figures(actor=counsellor, organisation=org_a.organisation)
    assert everything["total"].sent == 8 and everything["total"].completed == 3
    empty = selectors.partner_referral_figures(actor=counsellor, organisation=org_a.organisation,
                                               period=(date(2020, 1, 1), date(2020, 12, 31)))
    assert empty["partners"] == []
    assert empty["total"].share_completed is None and empty["total"].median_days is None


def test_figures_are_for_the_organisations_own_people(figures_data, org_a, org_b, sysadmin):
    for role in ("coordinator", "team_lead", "org_admin", "counsellor"):
        result = selectors.partner_referral_figures(actor=org_a.user(role), organisation=org_a.organisation)
        assert result["total"].sent == 8
    assert list(selectors.figure_organisations(actor=sysadmin)) == [org_a.organisation, org_b.organisation]
    for outsider in (org_b.user("coordinator"), org_a.user("accommodation")):
        with pytest.raises(PermissionDenied):
            selectors.partner_referral_figures(actor=outsider, organisation=org_a.organisation)
    assert selectors.may_see_figures(org_a.user("accommodation")) is False
    assert selectors.may_see_figures(org_a.user("coordinator")) is True
