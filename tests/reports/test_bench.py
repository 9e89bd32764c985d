"""The report benchmark's data generator and its hand-written SQL.

The generator runs here on a tiny scale (300 persons): through the ORM on SQLite, through set-based SQL on
PostgreSQL. On PostgreSQL the report figures must equal the hand-written SQL's, on the generated data and on
the hand-built worlds of the monthly and programme tests, where a few figures are also checked by hand.
"""

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count

from lotse.cases.models import Case, CaseMember, Closure, PhaseChange
from lotse.contacts.models import Contact
from lotse.intake.models import EligibilityCheck, Topic
from lotse.organisations.models import Membership, Role
from lotse.people.models import LifeSituation, Person, ResidenceStatus
from lotse.planning.models import Goal, GoalAgreement, Plan
from lotse.referrals.models import Referral
from lotse.reports import bench_data
from lotse.reports.bench import FiguresDiffer, _check, run
from lotse.reports.bench_sql import (
    TOTAL,
    differences,
    mbe_sql_figures,
    monthly_sql_figures,
    report_figures,
)
from lotse.reports.models import ReportTemplate
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="hand-written SQL for PostgreSQL")

PERSONS = 300
BERLIN = ZoneInfo("Europe/Berlin")
BENCH_OFFERINGS = [bench_data.MBE_OFFERING, bench_data.JMD_OFFERING]


def _bench_cases():
    return Case.objects.filter(offering__name__in=BENCH_OFFERINGS)


def _counts() -> dict[str, int]:
    cases = _bench_cases()
    return {
        "cases": cases.count(), "phases": PhaseChange.objects.filter(case__in=cases).count(),
        "closures": Closure.objects.filter(case__in=cases).count(),
        "contacts": Contact.objects.filter(case__in=cases).count(),
        "topics": Contact.topics.through.objects.filter(contact__case__in=cases).count(),
        "present": Contact.persons_present.through.objects.filter(contact__case__in=cases).count(),
        "members": CaseMember.objects.filter(case__in=cases).count(),
        "statuses": ResidenceStatus.objects.filter(person__file_number__startswith="B-").count(),
        "situations": LifeSituation.objects.filter(person__file_number__startswith="B-").count(),
        "checks": EligibilityCheck.objects.filter(person__file_number__startswith="B-").count(),
        "referrals": Referral.objects.filter(case__in=cases).count(),
        "plans": Plan.objects.filter(case__in=cases).count(),
        "goals": Goal.objects.filter(plan__case__in=cases).count(),
        "agreements": GoalAgreement.objects.filter(case__in=cases).count(),
        "nationalities": Person.nationalities.through.objects.filter(person__file_number__startswith="B-").count(),
        "users": Membership.objects.filter(user__username__startswith="bench-").count(),
    }


@pytest.fixture
def dataset():
    return bench_data.ensure_report_dataset(PERSONS)


def test_generator_builds_every_kind_of_record_once(dataset):
    counts = _counts()
    # One case per person, five counsellors for the one team of this scale, one organisation administrator.
    assert counts["cases"] == PERSONS == Person.objects.filter(file_number__startswith="B-").count()
    assert dataset.counsellors == dataset.org_counsellors == 5
    assert Membership.objects.filter(user=dataset.orgadmin, organisation=dataset.organisation,
                                     role=Role.ORG_ADMIN, team=None).count() == 1
    assert dataset.contacts == counts["contacts"]
    # About five contacts per person (1–7, 3–14 for case management); every other kind of record exists.
    assert 3 * PERSONS <= counts["contacts"] <= 7 * PERSONS
    assert all(counts[key] > 0 for key in counts), counts
    assert bench_data.ensure_report_dataset(PERSONS).contacts == counts["contacts"]
    assert _counts() == counts  # the second call finds everything and adds nothing


def test_generated_cases_are_consistent(dataset):
    cases = list(_bench_cases().select_related("offering", "person"))
    pools = set(Membership.objects.filter(user__username__startswith="bench-c-").values_list("user_id", flat=True))
    for case in cases:
        assert case.owner_id is None or case.owner_id in pools
        if case.status == "waiting":
            assert case.opened_on is None and case.closed_on is None and case.requested_on >= date(2026, 9, 1)
            continue
        assert bench_data.FIRST_DAY <= case.requested_on <= case.opened_on <= bench_data.LAST_DAY
        assert case.closed_on is None or case.opened_on < case.closed_on <= bench_data.LAST_DAY
        assert (case.status == "closed") == (case.closed_on is not None)
        if case.offering.programme == "jmd":
            age = bench_data._age(case.person.birth_date, case.requested_on)
            assert 12 <= age <= 27
    # The phase history is a chain ending in the case's phase; closures exactly for the closed cases.
    changes: dict[int, list] = {}
    for change in PhaseChange.objects.filter(case__in=_bench_cases()).order_by("case_id", "id"):
        changes.setdefault(change.case_id, []).append(change)
    for case in cases:
        history = changes.get(case.pk, [])
        if case.opened_on is None:
            assert history == []
            continue
        assert history[0].to_phase == "clearing" and history[0].changed_on == case.opened_on
        assert [c.from_phase for c in history[1:]] == [c.to_phase for c in history[:-1]]
        assert all(a.changed_on <= b.changed_on for a, b in itertools.pairwise(history))
        assert history[-1].to_phase == case.phase
    closures = dict(Closure.objects.filter(case__in=_bench_cases()).values_list("case_id", "closed_on"))
    assert closures == {case.pk: case.closed_on for case in cases if case.closed_on}


def test_generated_contacts_lie_in_the_open_span_of_their_case(dataset):
    mbe_topics = set(Topic.objects.filter(programme="mbe", organisation=None).values_list("pk", flat=True))
    for contact in (Contact.objects.filter(case__in=_bench_cases()).select_related("case")
                    .annotate(n_topics=Count("topics", distinct=True))):
        case = contact.case
        first = datetime.combine(case.opened_on, datetime.min.time(), tzinfo=BERLIN)
        last = datetime.combine((case.closed_on or bench_data.LAST_DAY) + timedelta(days=1), datetime.min.time(),
                                tzinfo=BERLIN)
        assert first <= contact.occurred_at < last
        assert contact.author_id == case.owner_id
        assert 0 <= contact.n_topics <= 3
    links = Contact.topics.through.objects.filter(contact__case__in=_bench_cases())
    assert set(links.values_list("topic_id", flat=True)) <= mbe_topics
    present = Contact.persons_present.through.objects.filter(contact__case__in=_bench_cases())
    members = set(CaseMember.objects.filter(case__in=_bench_cases()).values_list("case_id", "person_id"))
    assert {(link.contact.case_id, link.person_id) for link in present.select_related("contact")} <= members


def test_generated_histories_of_persons_do_not_overlap(dataset):
    situations: dict[int, list] = {}
    for situation in LifeSituation.objects.filter(person__file_number__startswith="B-").order_by("recorded_on"):
        situations.setdefault(situation.person_id, []).append(situation)
    for records in situations.values():
        assert [r.superseded_on for r in records] == [r.recorded_on for r in records[1:]] + [None]
    statuses: dict[int, list] = {}
    for status in ResidenceStatus.objects.filter(person__file_number__startswith="B-").order_by("valid_from"):
        statuses.setdefault(status.person_id, []).append(status)
    for records in statuses.values():
        for earlier, later in itertools.pairwise(records):
            assert earlier.valid_until == later.valid_from - timedelta(days=1)
    for member in CaseMember.objects.filter(case__in=_bench_cases()).select_related("case"):
        assert member.person_id != member.case.person_id
        assert member.until is None or member.since <= member.until


def test_benchmark_runs_on_a_tiny_scale(dataset):
    figures = run(PERSONS, repeat=1)
    assert figures["report_contacts"] == dataset.contacts
    assert figures["report_org_counsellors"] == 5
    organisation = dataset.organisation
    start, end = Period.month(2026, 10).bounds()
    assert figures["report_monthly_contacts"] == Contact.objects.filter(
        case__team__organisation=organisation, occurred_at__gte=start, occurred_at__lt=end).count()
    assert figures["report_year_cases"] == Case.objects.filter(
        offering__organisation=organisation, offering__programme="mbe", opened_on__lte=date(2025, 12, 31)).exclude(
        closed_on__lt=date(2025, 1, 1)).count()
    assert figures["report_monthly_s"] > 0 and figures["report_year_s"] > 0
    assert 0 < figures["report_monthly_queries"] <= 30 and 0 < figures["report_year_queries"] <= 60
    if connection.vendor == "postgresql":
        assert figures["report_sql_ratio"] > 0 and figures["sql_monthly_s"] > 0
    else:
        assert "report_sql_ratio" not in figures


def test_a_difference_between_report_and_sql_fails_loudly():
    report = {"cases": {"new": [2, 1, 1], "closed": [2, 0, 1]}, "contacts_by_topic": {TOTAL: [9, 5, 3]}}
    sql = {"cases": {"new": [2, 1, 1], "closed": [2, 0, 1]}, "contacts_by_topic": {TOTAL: [9, 5, 3]}}
    assert differences(report, sql) == []
    _check("same", report, sql)
    sql["cases"]["closed"] = [2, 0, 0]
    sql["referrals"] = {"open": [1, 0, 0]}
    assert differences(report, sql) == ["cases/closed: report [2, 0, 1] != sql [2, 0, 0]",
                                        "referrals/open: report None != sql [1, 0, 0]"]
    with pytest.raises(FiguresDiffer, match="cases/closed"):
        _check("changed", report, sql)
    with pytest.raises(FiguresDiffer, match="counts nothing"):
        _check("empty", {"cases": {}}, {"cases": {}})


@pytest.mark.postgres_only
@needs_postgres
@pytest.mark.parametrize("generator", ["sql", "orm"])
def test_report_figures_equal_the_hand_written_sql_on_generated_data(generator, monkeypatch):
    if generator == "orm":
        monkeypatch.setattr(bench_data, "_SqlGenerator", bench_data._OrmGenerator)
    dataset = bench_data.ensure_report_dataset(PERSONS)
    organisation, actor = dataset.organisation, dataset.orgadmin
    month, year = Period.month(2026, 10), Period.year(2025)
    monthly = report_build(actor=actor, kind="monthly", period=month, organisations=[organisation])
    mbe = report_build(actor=actor, kind="mbe", period=year, organisations=[organisation])
    template = ReportTemplate.objects.get(code="mbe")
    assert differences(report_figures(monthly), monthly_sql_figures(organisation_ids=[organisation.pk],
                                                                     period=month)) == []
    assert differences(report_figures(mbe, with_columns=True), mbe_sql_figures(
        template=template, organisation_ids=[organisation.pk], period=year)) == []
    assert monthly.section("contacts_by_kind").total_row()[0] > 0


@pytest.mark.postgres_only
@needs_postgres
def test_monthly_sql_on_the_hand_built_world():
    from tests.reports.monthly_fixture import build_monthly_world

    world = build_monthly_world()
    organisation = world.a.organisation
    month = Period.month(2026, 10)
    sql = monthly_sql_figures(organisation_ids=[organisation.pk], period=month)
    # By hand from monthly_fixture: new K4, K5 / K3 / K2; closed K2, K5 (two closures) / – / K6;
    # contacts C1–C9 / C11–C15 / C16–C18; referrals R1 open, R2 took place, R3 and R8 withdrawn.
    assert sql["cases"]["new"] == [2, 1, 1]
    assert sql["cases"]["closed"] == [2, 0, 1]
    assert sql["contacts_by_topic"][TOTAL] == [9, 5, 3]
    assert sql["referrals"] == {"open": [1, 0, 0], "took_place": [1, 0, 0], "withdrawn": [2, 0, 0],
                                "completed": [0, 1, 0], "no_show": [0, 1, 0], "rejected": [0, 0, 1]}
    report = report_build(actor=world.a.user("org_admin"), kind="monthly", period=month,
                          organisations=[organisation])
    assert differences(report_figures(report), sql) == []


@pytest.mark.postgres_only
@needs_postgres
def test_mbe_sql_on_the_hand_built_world(org_a, org_b):
    from tests.reports.programme_fixture import build_world

    world = build_world(org_a, org_b)
    year = Period.year(2025)
    template = ReportTemplate.objects.get(code="mbe")
    sql = mbe_sql_figures(template=template, organisation_ids=[org_a.organisation.pk], period=year)
    # By hand from programme_fixture: columns Team A, Team Nord; cases c1, c2, c3, c5 / c8, c9; active members
    # q1, q2, p1 / q1; contacts that took place in 2025: c1 ×2, c2 / c8 ×3, one of them without topic.
    assert sql["__columns__"]["keys"] == [str(world.team_a.public_id), str(world.team_n.public_id)]
    assert sql["cases"]["total"] == [4, 2]
    assert sql["members"]["total"] == [3, 1]
    assert sql["topics"][TOTAL] == [3, 3]
    assert sql["topics"]["mbe-residence-law"] == [2, 0]
    assert sql["topics"]["none"] == [0, 1]
    report = report_build(actor=org_a.user("org_admin"), kind="mbe", period=year,
                          organisations=[org_a.organisation])
    assert differences(report_figures(report, with_columns=True), sql) == []
