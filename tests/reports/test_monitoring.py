"""Annual monitoring on 31 December 2025 of organisation A (hand-built world, see programme_fixture.py).

Open on 31 December: Team A c1 (p1; member q1), c5 (p5), JMD j1–j4 (y1–y4); Team Nord c8 (p8; member q1);
Team IM i1 (r1; member r2). Not: c2, c3, c9, i2 (closed before), c6 (opened 2026), c7 (waiting).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lotse.reports.engine import ReportScope
from lotse.reports.monitoring import build_monitoring_report
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build
from lotse.reports.tables import Audience
from tests.reports.programme_fixture import build_world
from tests.reports.test_programme import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, org_b):
    return build_world(org_a, org_b)


def monitoring(world, *, period="2025", team=None):
    return build_monitoring_report(ReportScope(organisations=(world.org_a.organisation,),
                                               period=Period.parse(period), team=team))


def test_persons_per_area(world):
    report = monitoring(world)
    assert [c.label for c in report.section("persons").columns] == ["Team A", "Team IM", "Team Nord"]
    # Team A: p1, p5, y1, y2, y3, y4, q1; Team IM: r1, r2; Team Nord: p8, q1.
    assert table(report, "persons") == {"total": [7, 2, 2, 11], "=": [7, 2, 2, 11]}
    assert report.kind == "monitoring" and report.period.end.isoformat() == "2025-12-31"


def test_legal_status(world):
    assert table(monitoring(world), "legal_status") == {
        "asylum": [0, 1, 0, 1],       # r1
        "tolerated": [0, 0, 0, 0],
        "temporary": [2, 0, 1, 3],    # p1 (valid until 31 December), q1 | q1
        "permanent": [0, 0, 0, 0], "eu_citizens": [0, 0, 0, 0], "spaetaussiedler": [0, 0, 0, 0],
        "german": [0, 0, 0, 0],
        "no_status": [0, 0, 1, 1],    # p8
        "other": [0, 0, 0, 0],
        "none": [5, 1, 0, 6],         # p5, y1–y4 | r2
        "=": [7, 2, 2, 11]}


def test_education_housing_livelihood_participation(world):
    report = monitoring(world)
    education = table(report, "education")
    assert education["language_course"] == [1, 0, 0, 1]  # p1's record of 31 December
    assert education["gesamtschule"] == [1, 0, 1, 2]      # q1 in both areas
    assert education["realschule"] == [1, 0, 0, 1]        # y1
    assert education["none"] == [4, 2, 1, 7]
    assert sum(education[key][3] for key in education if key != "=") == 11
    housing = table(report, "housing")
    assert housing["own_flat"] == [1, 0, 0, 1]    # p1: the record of 31 December replaces "shared"
    assert housing["shared"] == [0, 0, 0, 0]
    assert housing["follow_up"] == [1, 2, 1, 4]   # q1 | r1, r2 | q1
    assert housing["none"] == [5, 0, 1, 6]
    livelihood = table(report, "livelihood")
    assert livelihood["own_income"] == [1, 0, 0, 1] and livelihood["asylblg"] == [0, 1, 0, 1]
    assert livelihood["none"] == [6, 1, 2, 9]
    participation = table(report, "participation")
    assert participation == {"active": [0, 0, 0, 0], "contacts": [1, 0, 1, 2], "little": [0, 0, 0, 0],
                             "none": [6, 2, 1, 9], "=": [7, 2, 2, 11]}


def test_labour_market_counts_only_persons_aged_18_to_64(world):
    labour = table(monitoring(world), "labour_market")
    # Team A: p1 (27), y2 (22), y3 (18 on 31 December), y4 (28); not y1, q1 (15), p5 (no birth date).
    # Team IM: r1 (45), not r2 (10). Team Nord: p8 (35), not q1.
    assert labour["="] == [4, 1, 1, 6]
    assert labour["employed"] == [1, 0, 0, 1]
    assert labour["no_permit"] == [0, 1, 0, 1]
    assert labour["unemployed"] == [0, 0, 1, 1]
    assert labour["none"] == [3, 0, 0, 3]


def test_every_section_has_a_not_recorded_row(world):
    report = monitoring(world)
    assert [section.key for section in report.sections] == [
        "persons", "legal_status", "education", "labour_market", "housing", "livelihood", "participation"]
    for section in report.sections[1:]:
        assert section.rows[-1].key == "none" and section.row_totals and section.additive
    with translation.override("en"):
        assert monitoring(world).section("housing").rows[-1].label == "not recorded"


def test_reference_day_is_the_period_end(world):
    # On 30 June 2025: c1, c2, c3? (closed 1 January: no), c9 (closed 15 July: yes), i2 (closed 30 June: yes).
    report = monitoring(world, period="2025-06")
    persons = table(report, "persons")
    # Team A: p1, q1 (c1), p2, p1 (c2: p1 once) + y1–y4 → p1, q1, p2, y1, y2, y3, y4 = 7;
    # Team IM: r1, r2, r3 = 3; Team Nord: p8, q1, p9 = 3.
    assert persons == {"total": [7, 3, 3, 13], "=": [7, 3, 3, 13]}


def test_team_level_and_the_entry_point(world, org_a):
    report = monitoring(world, team=world.team_n)
    assert table(report, "persons") == {"total": [2], "=": [2]}
    exact = report_build(actor=org_a.user("org_admin"), kind="monitoring", period=Period.parse("2025"),
                         organisations=[org_a.organisation])
    assert exact.audience is Audience.INTERNAL and table(exact, "persons")["total"] == [7, 2, 2, 11]
    protected = report_build(actor=org_a.user("coordinator"), kind="monitoring", period=Period.parse("2025"),
                             organisations=[org_a.organisation])
    assert protected.audience is Audience.EXTERNAL and protected.section("persons").shown()[0][3] == 11


def test_query_count_is_fixed(world):
    from datetime import date

    with CaptureQueriesContext(connection) as first:
        monitoring(world)
    for index in range(4):
        person = world.person(f"m{index}", birth=date(1990, 1, 1))
        world.case(f"m{index}", person, opened=date(2025, 1, 1))
    with CaptureQueriesContext(connection) as second:
        monitoring(world)
    assert len(first) == len(second) <= 20
