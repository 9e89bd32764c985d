"""Worklist entries of the planning area on a fixture with hand-checked dates."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from lotse.cases.services import case_request
from lotse.planning import selectors, services
from lotse.planning.models import GoalAgreement
from tests.planning.conftest import plan_version

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def world(case, counsellor, add_goal, add_step, today):
    goal = add_goal(case, review_on=today + timedelta(days=5))
    steps = {
        "a": add_step(goal, description="A", due_on=today + timedelta(days=10)),
        "b": add_step(goal, description="B", due_on=today + timedelta(days=7)),
        "c": add_step(goal, description="C", due_on=today + timedelta(days=2)),
    }
    services.step_update(actor=counsellor, step=steps["c"], version=plan_version(case), status="done")
    dropped = add_goal(case, client_words="Verworfen", review_on=today)
    add_step(dropped, description="D", due_on=today + timedelta(days=1))
    services.goal_update(actor=counsellor, goal=dropped, version=plan_version(case), status="discarded",
                         status_reason="Kein Bedarf")
    services.plan_review_set(actor=counsellor, case=case, version=plan_version(case),
                             review_on=today + timedelta(days=20))
    old = services.agreement_create(actor=counsellor, case=case, language="de")
    GoalAgreement.objects.filter(pk=old.pk).update(created_at=_at(today - timedelta(days=30)))
    return {"case": case, "goal": goal, "steps": steps, "old_agreement": old}


def _entries(counsellor, case, day):
    return {(entry.kind, entry.label.split(": ")[-1], entry.due_on, entry.shown_from)
            for entry in selectors.worklist_entries(actor=counsellor, cases=[case], today=day)}


def test_entries_on_hand_checked_dates(world, counsellor, today):
    case = world["case"]
    # Today: step B (due in 7 days) shows from today; A (10 days) not yet; C done; D's goal discarded;
    # the goal review is in 5 days, the plan review in 20; the agreement of 30 days ago is unsigned.
    kinds_today = sorted(kind for kind, *_ in _entries(counsellor, case, today))
    assert kinds_today == ["agreement_unsigned", "step_due"]
    steps_today = {label for kind, label, *_ in _entries(counsellor, case, today) if kind == "step_due"}
    assert steps_today == {"B"}
    # In three days A enters the one-week window (shown from its due date minus 7 days).
    day = today + timedelta(days=3)
    due = {(label, due_on, shown_from) for kind, label, due_on, shown_from in _entries(counsellor, case, day)
           if kind == "step_due"}
    assert due == {("A", today + timedelta(days=10), today + timedelta(days=3)),
                   ("B", today + timedelta(days=7), today)}
    # The goal review is due on day 5 (section "today"), the plan review on day 20, not on day 19.
    entries = selectors.worklist_entries(actor=counsellor, cases=[case], today=today + timedelta(days=5))
    review = [entry for entry in entries if entry.kind == "goal_review"]
    assert len(review) == 1 and review[0].section(today + timedelta(days=5)) == "today"
    assert review[0].url.endswith(f"/ziele/{world['goal'].public_id}/bearbeiten/")
    assert not [e for e in selectors.worklist_entries(actor=counsellor, cases=[case], today=today + timedelta(days=19))
                if e.kind == "plan_review"]
    assert [e.due_on for e in selectors.worklist_entries(actor=counsellor, cases=[case],
                                                         today=today + timedelta(days=20))
            if e.kind == "plan_review"] == [today + timedelta(days=20)]


def test_unsigned_agreement_after_more_than_14_days_and_only_the_latest(world, counsellor, today):
    case, old = world["case"], world["old_agreement"]
    entries = [e for e in selectors.worklist_entries(actor=counsellor, cases=[case], today=today)
               if e.kind == "agreement_unsigned"]
    assert len(entries) == 1 and entries[0].due_on == today - timedelta(days=16)
    assert entries[0].section(today) == "overdue"
    new = services.agreement_create(actor=counsellor, case=case, language="de")
    GoalAgreement.objects.filter(pk=new.pk).update(created_at=_at(today - timedelta(days=14)))
    # Made exactly 14 days ago: not yet; the older one is superseded by it.
    assert not [e for e in selectors.worklist_entries(actor=counsellor, cases=[case], today=today)
                if e.kind == "agreement_unsigned"]
    GoalAgreement.objects.filter(pk=new.pk).update(created_at=_at(today - timedelta(days=15)))
    entries = [e for e in selectors.worklist_entries(actor=counsellor, cases=[case], today=today)
               if e.kind == "agreement_unsigned"]
    assert [entry.url.split("/")[-2] for entry in entries] == [str(new.public_id)]
    services.agreement_sign(actor=counsellor, agreement=new, signed_on=today, signed_by_client="A")
    assert not [e for e in selectors.worklist_entries(actor=counsellor, cases=[case], today=today)
                if e.kind == "agreement_unsigned"]
    assert old.pk != new.pk


def test_at_most_four_queries_whatever_the_number_of_cases(world, counsellor, org_a, make_person, add_goal,
                                                          add_step, today, django_assert_max_num_queries):
    cases = [world["case"]]
    for name in ("Lina", "Omar", "Yusuf", "Karim", "Nour", "Samir"):
        other = case_request(actor=counsellor, person=make_person(given_names=name), offering=org_a.offering)
        add_step(add_goal(other), due_on=today)
        cases.append(other)
    from lotse.access import policy

    policy.grants(counsellor)  # the grants are computed once per request, before the worklist
    with django_assert_max_num_queries(4):
        entries = selectors.worklist_entries(actor=counsellor, cases=cases, today=today)
    assert len([e for e in entries if e.kind == "step_due"]) == 7
    assert selectors.worklist_entries(actor=counsellor, cases=[], today=today) == []


def test_foreign_users_get_no_entries(world, org_b, today):
    assert selectors.worklist_entries(actor=org_b.user("counsellor"), cases=[world["case"]], today=today) == []
