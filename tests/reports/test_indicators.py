"""Indicators of goal achievement and network work for 2025 (hand-built world plus network records)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.cooperation.models import AgreementRevision, CooperationAgreement, NetworkEvent
from lotse.network.models import Partner
from lotse.referrals.models import Referral
from lotse.reports.engine import ReportScope
from lotse.reports.indicators import build_indicator_report
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build
from lotse.reports.tables import Audience
from tests.reports.programme_fixture import build_world
from tests.reports.test_programme import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, org_b):
    w = build_world(org_a, org_b)
    a, b = org_a.organisation, org_b.organisation
    job_centre = Partner.objects.create(organisation=a, name="Jobcenter", partner_type="job_centre")
    course = Partner.objects.create(organisation=a, name="Sprachschule", partner_type="course_provider")
    school = Partner.objects.create(organisation=a, name="Schule", partner_type="school")
    foreign = Partner.objects.create(organisation=b, name="Jobcenter B", partner_type="job_centre")

    def agreement(title, starts_on, review_on, status, *partners, ended_on=None):
        found = CooperationAgreement.objects.create(organisation=a, title=title, subject="Zweck",
                                                    starts_on=starts_on, review_on=review_on, status=status,
                                                    ended_on=ended_on)
        found.partners.set(partners)
        return found

    old = agreement("Jobcenter", date(2024, 1, 1), date(2025, 6, 30), "active", job_centre)  # review overdue
    agreement("Entwurf", date(2025, 1, 1), date(2026, 1, 1), "draft", course)               # not in force
    agreement("Beendet", date(2023, 1, 1), date(2024, 1, 1), "ended", school, ended_on=date(2024, 6, 30))
    new = agreement("Sprachkurse", date(2025, 3, 1), date(2026, 3, 1), "active", job_centre, course)
    AgreementRevision.objects.create(agreement=new, number=2, kind="reviewed", reviewed_on=date(2025, 5, 1),
                                     review_due_on=date(2025, 6, 1))   # on time
    AgreementRevision.objects.create(agreement=old, number=2, kind="reviewed", reviewed_on=date(2025, 8, 1),
                                     review_due_on=date(2025, 7, 1))   # late
    AgreementRevision.objects.create(agreement=old, number=3, kind="reviewed", reviewed_on=date(2024, 8, 1),
                                     review_due_on=date(2024, 7, 1))   # 2024

    def event(organisation, kind, day, participants, *partners):
        found = NetworkEvent.objects.create(organisation=organisation, kind=kind, title=kind, date=day,
                                            participants=participants)
        found.partners.set(partners)

    event(a, "training", date(2025, 4, 1), 12, school)
    event(a, "joint_action", date(2025, 9, 9), 30, job_centre)
    event(a, "network_meeting", date(2024, 12, 31), 99, course)  # 2024
    event(b, "training", date(2025, 4, 1), 50, foreign)          # other organisation

    def referral(case, partner, sent_on, **extra):
        Referral.objects.create(case=case, person=case.person, partner=partner, reason="Arbeit",
                                sent_on=sent_on, **extra)

    referral(w.cases["c1"], job_centre, date(2025, 2, 1), status="closed", outcome="completed")
    referral(w.cases["c8"], job_centre, date(2025, 3, 1), status="withdrawn", withdrawn_on=date(2025, 3, 5))
    referral(w.cases["c2"], course, date(2025, 5, 5), status="outcome", outcome="no_show")
    referral(w.cases["c1"], job_centre, date(2024, 12, 31), status="closed", outcome="completed")  # 2024
    referral(w.cases["cb"], foreign, date(2025, 2, 1), status="closed", outcome="completed")       # org B
    return w


def indicators(world, *, team=None, period="2025"):
    return build_indicator_report(ReportScope(organisations=(world.org_a.organisation,),
                                              period=Period.parse(period), team=team))


def test_closure_indicators(world):
    report = indicators(world)
    section = report.section("closure_indicators")
    assert [c.key for c in section.columns] == ["yes", "partly", "no", "n/a", "not_evaluated"]
    assert section.row_totals and not section.additive
    # closures in 2025: c2, c3 (on 1 January), c1 (reopened later), c9, i2 (IM); not c4 (2024), not org B.
    assert table(report, "closure_indicators") == {
        "residence_secured": [2, 0, 1, 0, 2, 5],
        "plan_implemented": [1, 1, 0, 0, 3, 5],
        "goals_reached": [1, 1, 0, 0, 3, 5],
        "fewer_problem_areas": [0, 0, 1, 0, 4, 5],
        "livelihood_by_work": [0, 0, 0, 1, 4, 5],
        "course_completed": [1, 0, 0, 0, 4, 5],  # c9's unknown value counts as not evaluated
    }


def test_goals_of_the_closed_cases(world):
    goals = table(indicators(world), "goals")
    # c1: residence open; c2: work reached, work not reached, housing partly; c3: language discarded.
    # Not c8's goal (no closure) nor i1's.
    assert goals["residence"] == [1, 0, 0, 0, 0, 0, 1]
    assert goals["work"] == [0, 0, 1, 0, 1, 0, 2]
    assert goals["housing"] == [0, 0, 0, 1, 0, 0, 1]
    assert goals["language"] == [0, 0, 0, 0, 0, 1, 1]
    assert goals["="] == [1, 0, 1, 1, 1, 1, 5]


def test_integration_course_and_dropout_rate(world):
    report = indicators(world)
    columns = report.section("integration_course").columns
    assert [c.label for c in columns] == ["Team A", "Team IM", "Team Nord"]
    assert table(report, "integration_course") == {
        "completed_b1": [1, 0, 0, 1],        # p1
        "completed_below_b1": [0, 0, 1, 1],  # p8
        "dropped_out": [1, 0, 0, 1],         # q2
        "attending": [1, 0, 0, 1],           # p2
        "=": [3, 0, 1, 4]}
    assert report.figures["dropout_rate"] == 0.25


def test_network_figures(world):
    report = indicators(world)
    assert table(report, "network") == {
        "agreements_in_force": [2], "reviews_on_time": [1], "reviews_late": [1], "reviews_overdue": [1],
        "events_total": [2], "participants_total": [42], "joint_actions_and_trainings": [2],
        "partners_involved": [3]}
    events = table(report, "events")
    assert events["training"] == [1, 12] and events["joint_action"] == [1, 30]
    assert events["network_meeting"] == [0, 0] and events["="] == [2, 42]


def test_referrals(world):
    report = indicators(world)
    assert table(report, "referrals") == {"sent": [3], "withdrawn": [1], "completed": [1]}
    assert report.figures["referrals_share_completed"] == 50.0


def test_team_level(world):
    report = indicators(world, team=world.team_n)
    assert table(report, "closure_indicators")["residence_secured"] == [1, 0, 0, 0, 0, 1]  # c9 only
    assert table(report, "integration_course")["completed_below_b1"] == [1]
    assert table(report, "referrals") == {"sent": [1], "withdrawn": [1], "completed": [0]}
    assert report.figures["referrals_share_completed"] is None and report.figures["dropout_rate"] == 0.0
    assert table(report, "network")["agreements_in_force"] == [2]  # the organisation's agreements


def test_entry_point_and_a_fixed_number_of_queries(world, org_a):
    exact = report_build(actor=org_a.user("org_admin"), kind="indicators", period=Period.parse("2025"),
                         organisations=[org_a.organisation])
    assert exact.audience is Audience.INTERNAL
    with CaptureQueriesContext(connection) as first:
        indicators(world)
    for index in range(3):
        person = world.person(f"n{index}", birth=date(1990, 1, 1))
        case = world.case(f"n{index}", person, opened=date(2025, 1, 1), closed=date(2025, 5, 1))
        from lotse.cases.models import Closure

        Closure.objects.create(case=case, closed_on=date(2025, 5, 1), reason="goals_reached",
                               indicators={"goals_reached": "yes"})
    with CaptureQueriesContext(connection) as second:
        report = indicators(world)
    assert len(first) == len(second) <= 20
    assert table(report, "closure_indicators")["goals_reached"] == [4, 1, 0, 0, 3, 8]
