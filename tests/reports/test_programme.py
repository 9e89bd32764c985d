"""Programme reports built from the templates MBE, JMD and IM BW on the hand-built world (period 2025).

Every expected figure is worked out by hand from ``programme_fixture.py`` (the comments there say why a
record is in or out). Columns at organisation level: the teams with cases of the programme, then the total.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lotse.reports.engine import ReportScope, report_kinds
from lotse.reports.models import ReportTemplate
from lotse.reports.periods import Period
from lotse.reports.programme import build_programme_report
from lotse.reports.selectors import report_build
from lotse.reports.tables import Audience
from tests.reports.programme_fixture import build_world

pytestmark = pytest.mark.django_db

YEAR = Period.parse("2025")


@pytest.fixture
def world(org_a, org_b):
    return build_world(org_a, org_b)


def build(code, world, *, team=None, period=YEAR, template=None):
    template = template or ReportTemplate.objects.get(code=code)
    return build_programme_report(ReportScope(organisations=(world.org_a.organisation,), period=period,
                                              team=team, template=template))


def table(report, key):
    """{row key: [values per column (+ total column)]}, and "=" for the total row."""
    section = report.section(key)
    grid = section.grid()
    result = {row.key: grid[index] for index, row in enumerate(section.rows)}
    if section.has_total_row:
        result["="] = grid[len(section.rows)]
    return result


# ---- MBE ---------------------------------------------------------------------------------------------------

def test_mbe_counts_cases_members_and_persons_per_team(world):
    report = build("mbe", world)
    assert [c.label for c in report.section("cases").columns] == ["Team A", "Team Nord"]
    # Team A: c1, c2, c3 (closed on the first day), c5 (opened on the last day); Team Nord: c8, c9.
    assert table(report, "cases") == {"total": [4, 2, 6], "=": [4, 2, 6]}
    # Team A: q1, q2 (left during the period) in c1, p1 in c2; Team Nord: q1 in c8.
    assert table(report, "members") == {"total": [3, 1, 4], "=": [3, 1, 4]}
    assert report.section("cases").row_totals and report.section("cases").additive
    assert report.kind == "mbe" and report.audience is Audience.INTERNAL


def test_mbe_case_management_from_the_phase_history(world):
    # c1 had an assessment in March (and went back to counselling), c9 monitoring in 2024; c8's planning
    # starts only in 2026.
    assert table(build("mbe", world), "case_management") == {
        "yes": [1, 1, 2], "no": [3, 1, 4], "=": [4, 2, 6]}


def test_mbe_person_sections(world):
    report = build("mbe", world)
    # persons: Team A p1 p2 p3 p5 q1 q2 (p1 once, although also a member), Team Nord p8 p9 q1.
    assert table(report, "age") == {
        "0": [1, 1, 2],  # under 18: q1 (15) in both teams
        "1": [1, 0, 1],  # 18–26: p2 (26, born 1 January 1999)
        "2": [1, 0, 1],  # 27–34: p1 (27 exactly on 31 December)
        "3": [0, 2, 2],  # 35–44: p8 (35), p9 (40 exactly on 31 December)
        "4": [1, 0, 1],  # 45–54: q2
        "5": [0, 0, 0],
        "6": [1, 0, 1],  # 65 and older: p3
        "unknown": [1, 0, 1],  # p5
        "=": [6, 3, 9]}
    with translation.override("en"):
        labels = [row.label for row in build("mbe", world).section("age").rows]
    assert labels == ["under 18", "18–26", "27–34", "35–44", "45–54", "55–64", "65 and older", "unknown"]
    assert table(report, "sex") == {"m": [1, 1, 2], "w": [2, 1, 3], "d": [1, 1, 2], "x": [1, 0, 1],
                                    "unknown": [1, 0, 1], "=": [6, 3, 9]}
    assert table(report, "time_since_entry") == {
        "0": [1, 1, 2],  # less than a year: p2; p9 (entry after the period end)
        "1": [1, 1, 2],  # 1–2 years: p1 (exactly one year on 31 December), p8
        "2": [1, 1, 2],  # 3–5: q1 in both teams
        "3": [1, 0, 1],  # 6–9: q2
        "4": [1, 0, 1],  # 10 or more: p3
        "unknown": [1, 0, 1], "=": [6, 3, 9]}
    assert table(report, "residence") == {
        "asylum": [0, 0, 0], "tolerated": [0, 0, 0],
        "temporary": [2, 1, 3],   # p1 (valid until 31 December), q1 (the later of two valid statuses) twice
        "permanent": [1, 0, 1],   # p3 (the German citizenship starts only in 2026)
        "eu_citizens": [1, 0, 1], "spaetaussiedler": [0, 0, 0], "german": [0, 0, 0],
        "no_status": [0, 1, 1],   # p8
        "other": [0, 1, 1],       # p9: a status type in no group
        "none": [2, 0, 2],        # p2 (expired on 30 December), p5
        "=": [6, 3, 9]}
    assert table(report, "integration_course") == {
        "not_applicable": [0, 0, 0], "entitled": [0, 0, 0], "obliged": [0, 0, 0], "registered": [0, 0, 0],
        "attending": [1, 0, 1],           # p2 (p1's "attending" was superseded on 31 December)
        "completed_b1": [1, 0, 1],        # p1
        "completed_below_b1": [0, 1, 1],  # p8
        "dropped_out": [1, 0, 1],         # q2 (p3's record is from 2026)
        "none": [3, 2, 5],                # p3, p5, q1 (field empty) | p9, q1
        "=": [6, 3, 9]}


def test_mbe_nationality_and_region_are_multi_valued(world):
    report = build("mbe", world)
    nationality = report.section("nationality")
    assert not nationality.additive and nationality.distinct_totals == [6, 3]
    # p1 is Afghan and German: counted in both rows, once in the total.
    assert [row.key for row in nationality.rows] == [
        "423", "287", "000", "129", "997", "475", "166", "unknown"]
    assert table(report, "nationality") == {
        "423": [2, 1, 3], "287": [0, 1, 1], "000": [1, 0, 1], "129": [1, 0, 1], "997": [0, 1, 1],
        "475": [1, 0, 1], "166": [1, 0, 1], "unknown": [1, 0, 1], "=": [6, 3, 9]}
    assert table(report, "region") == {
        "germany": [1, 0, 1], "eu": [1, 0, 1], "europe": [1, 0, 1], "africa": [0, 1, 1], "america": [0, 0, 0],
        "asia": [3, 1, 4],  # p1, q1, p2 | q1
        "oceania": [0, 0, 0], "stateless": [0, 1, 1], "other": [0, 0, 0], "unknown": [1, 0, 1],
        "=": [6, 3, 9]}


def test_mbe_contacts_topics_closures_and_eligibility(world):
    report = build("mbe", world)
    topics = table(report, "topics")
    # Team A: c1 at 00:30 on 1 January and 23:30 on 31 December, c2 in July (the attempt does not count).
    assert topics["="] == [3, 3, 6]
    assert {key: value for key, value in topics.items() if sum(value) and key != "="} == {
        "mbe-residence-law": [2, 0, 2], "mbe-labour": [1, 2, 3], "mbe-health": [0, 1, 1],
        "mbe-housing": [1, 0, 1], "none": [0, 1, 1]}
    assert len(topics) == 11 + 1 + 1  # the whole MBE catalogue, "no topic", the total
    assert table(report, "contacts_per_case") == {
        "0": [2, 1, 3], "1": [1, 0, 1], "2": [1, 1, 2], "3": [0, 0, 0], "4": [0, 0, 0], "5": [0, 0, 0],
        "=": [4, 2, 6]}
    with translation.override("en"):
        labels = [row.label for row in build("mbe", world).section("contacts_per_case").rows]
    assert labels == ["0", "1", "2–3", "4–6", "7–10", "11 or more"]
    assert table(report, "closure_reasons") == {
        "goals_reached": [1, 0, 1], "ended_by_client": [0, 0, 0], "counsellor_protection": [0, 0, 0],
        "moved_away": [0, 1, 1], "no_cooperation": [1, 0, 1],  # c1's closure although reopened
        "handed_over": [0, 0, 0], "time_limit": [1, 0, 1],    # c3, closed on 1 January
        "=": [3, 1, 4]}
    assert table(report, "eligibility") == {
        "overridden": [1, 0, 1], "met": [1, 0, 1], "not_met": [1, 1, 2], "none": [1, 1, 2], "=": [4, 2, 6]}


def test_mbe_at_team_level_has_one_column(world):
    report = build("mbe", world, team=world.team_n)
    cases = report.section("cases")
    assert [c.label for c in cases.columns] == ["Team Nord"] and not cases.row_totals
    assert table(report, "cases") == {"total": [2], "=": [2]}
    assert table(report, "members") == {"total": [1], "=": [1]}
    assert table(report, "eligibility") == {
        "overridden": [0], "met": [0], "not_met": [1], "none": [1], "=": [2]}
    assert report.section("nationality").distinct_totals == [3]


def test_a_month_period(world):
    january = build("mbe", world, period=Period.parse("2025-01"))
    # c1, c3 (closed on 1 January), c9 | c8 opens only in February; c5 in December.
    assert table(january, "cases") == {"total": [2, 1, 3], "=": [2, 1, 3]}
    assert table(january, "closure_reasons")["time_limit"] == [1, 0, 1]
    # only c1's contact at 00:30 on 1 January
    assert table(january, "topics")["="] == [1, 0, 1]


def test_titles_follow_the_language(world):
    with translation.override("de"):
        assert build("mbe", world).section("age").title == "Alter"
    with translation.override("en"):
        report = build("mbe", world)
    assert report.section("age").title == "Age" and report.section("cases").unit == "cases"
    assert report.section("region").rows[0].label == "Germany"


# ---- JMD and IM BW -----------------------------------------------------------------------------------------

def test_jmd(world):
    report = build("jmd", world)
    assert [c.label for c in report.section("cases").columns] == ["Team A"]
    assert table(report, "cases") == {"total": [4, 4], "=": [4, 4]}
    assert table(report, "case_management") == {"yes": [1, 1], "no": [3, 3], "=": [4, 4]}
    # y1 one year (within), y2 exactly two years (not within), y3 unknown, y4 in 2025.
    assert table(report, "entry") == {"within": [2, 2], "later": [1, 1], "unknown": [1, 1], "=": [4, 4]}
    assert table(report, "age") == {"0": [0, 0], "1": [1, 1], "2": [1, 1], "3": [1, 1], "4": [1, 1],
                                    "unknown": [0, 0], "=": [4, 4]}
    with translation.override("en"):
        labels = [row.label for row in build("jmd", world).section("age").rows]
    assert labels == ["under 12", "12–17", "18–21", "22–27", "28 and older", "unknown"]
    assert table(report, "sex") == {"m": [1, 1], "w": [1, 1], "d": [1, 1], "x": [0, 0], "unknown": [1, 1],
                                    "=": [4, 4]}
    assert table(report, "topics") == {"jmd-school": [1, 1], "jmd-work": [0, 0], "none": [0, 0], "=": [1, 1]}


def test_im_bw(world):
    report = build("im_bw", world)
    assert [c.label for c in report.section("persons").columns] == ["Team IM"]
    assert table(report, "persons") == {"total": [3, 3], "=": [3, 3]}  # r1, r3 (closed in June), r2
    coverage = report.section("coverage")
    assert [c.key for c in coverage.columns] == ["total"]
    assert not coverage.additive and not coverage.row_totals
    # follow-up accommodation on 31 December: r1, r2, r4 and q1 (MBE); not r3 (moved), r5 (superseded on
    # 31 December), b3 (other organisation).
    assert table(report, "coverage") == {"supported": [3], "follow_up": [4]}
    assert report.figures["coverage_rate"] == 0.75
    assert table(report, "plans") == {"total": [1, 1], "=": [1, 1]}  # i2's plan has no goals
    assert table(report, "agreements") == {"total": [1, 1], "=": [1, 1]}  # i2's was signed in 2024
    assert table(report, "contacts") == {"total": [2, 2], "=": [2, 2]}  # the declined offer does not count
    goals = table(report, "goals")
    assert goals["work"] == [1, 1] and goals["language"] == [1, 1] and goals["="] == [2, 2]


def test_coverage_without_anyone_in_follow_up_accommodation(world):
    from lotse.people.models import LifeSituation

    LifeSituation.objects.filter(accommodation="follow_up").update(accommodation="own_flat")
    report = build("im_bw", world)
    assert table(report, "coverage") == {"supported": [3], "follow_up": [0]}
    assert report.figures["coverage_rate"] is None


# ---- a template is data ------------------------------------------------------------------------------------

def test_a_template_added_as_data_is_a_new_report_kind(world, org_a):
    spec = {"sections": [
        {"key": "origin", "title": {"de": "Herkunft", "en": "Origin"}, "unit": "members",
         "dimension": "region_of_origin", "params": {"regions": [
             {"key": "afghanistan", "title": {"de": "Afghanistan", "en": "Afghanistan"}, "codes": ["423"]}]}},
        {"key": "young", "title": {"de": "Jung", "en": "Young"}, "unit": "persons", "dimension": "sex",
         "age_range": {"from": 0, "to": 26}},
        {"key": "goals", "title": {"de": "Ziele", "en": "Goals"}, "unit": "goals",
         "dimension": "goal_status"},
        {"key": "housing", "title": {"de": "Wohnen", "en": "Housing"}, "unit": "cases",
         "dimension": "life_situation", "params": {"field": "accommodation"}},
    ]}
    ReportTemplate.objects.create(code="kreis", programme="mbe", name="Kreisstatistik", spec=spec)
    assert "kreis" in report_kinds()
    report = report_build(actor=org_a.user("org_admin"), kind="kreis", period=YEAR,
                          organisations=[org_a.organisation])
    assert report.kind == "kreis" and report.title == "Kreisstatistik"
    # members: q1 (Afghan) twice, q2 (French: other), p1 (Afghan and German: other too)
    assert table(report, "origin") == {"afghanistan": [2, 1, 3], "other": [2, 0, 2], "unknown": [0, 0, 0],
                                       "=": [3, 1, 4]}
    # persons aged 0 to 26: p2 (w), q1 (d) | q1 (d); p5 has no date of birth
    assert table(report, "young") == {"m": [0, 0, 0], "w": [1, 0, 1], "d": [1, 1, 2], "x": [0, 0, 0],
                                      "unknown": [0, 0, 0], "=": [2, 1, 3]}
    goals = table(report, "goals")
    assert goals["open"] == [1, 1, 2] and goals["reached"] == [1, 0, 1] and goals["="] == [5, 1, 6]
    housing = table(report, "housing")
    assert housing["own_flat"] == [1, 0, 1] and housing["none"] == [3, 2, 5]


def test_an_invalid_stored_template_is_refused_not_crashed(world, org_a):
    template = ReportTemplate.objects.get(code="mbe")
    broken = {"sections": [{"key": "x", "unit": "nonsense"}]}
    ReportTemplate.objects.filter(pk=template.pk).update(spec=broken)
    with pytest.raises(ValidationError):
        report_build(actor=org_a.user("org_admin"), kind="mbe", period=YEAR,
                     organisations=[org_a.organisation])


def test_inactive_template_is_no_report_kind(world):
    ReportTemplate.objects.filter(code="jmd").update(is_active=False)
    assert "jmd" not in report_kinds() and "mbe" in report_kinds()


# ---- through the one entry point: access, audience, programme ----------------------------------------------

def test_report_build_exact_for_the_admin_and_protected_for_the_coordinator(world, org_a):
    exact = report_build(actor=org_a.user("org_admin"), kind="mbe", period=YEAR,
                         organisations=[org_a.organisation])
    assert exact.audience is Audience.INTERNAL and table(exact, "cases")["total"] == [4, 2, 6]
    protected = report_build(actor=org_a.user("coordinator"), kind="mbe", period=YEAR,
                             organisations=[org_a.organisation])
    assert protected.audience is Audience.EXTERNAL
    shown = protected.section("cases").shown()
    assert shown[0] == [None, None, 6]  # 4 and 2 are below 5; the total of 6 stays
    lead_of_a = report_build(actor=org_a.user("team_lead"), kind="mbe", period=YEAR,
                             organisations=[org_a.organisation], team=world.team_a)
    assert lead_of_a.audience is Audience.INTERNAL and table(lead_of_a, "cases") == {"total": [4], "=": [4]}


def test_report_build_refuses_strangers_and_missing_programmes(world, org_a, org_b):
    with pytest.raises(PermissionDenied):
        report_build(actor=org_b.user("org_admin"), kind="mbe", period=YEAR,
                     organisations=[org_a.organisation])
    with pytest.raises(ValidationError):  # org B offers no JMD
        report_build(actor=org_b.user("org_admin"), kind="jmd", period=YEAR,
                     organisations=[org_b.organisation])


def test_other_organisations_data_is_never_counted(world, org_b):
    report = build_programme_report(ReportScope(organisations=(org_b.organisation,), period=YEAR,
                                                template=ReportTemplate.objects.get(code="mbe")))
    assert table(report, "cases") == {"total": [1, 1], "=": [1, 1]}
    assert table(report, "members") == {"total": [1, 1], "=": [1, 1]}
    assert table(report, "topics")["mbe-housing"] == [1, 1]
    assert table(report, "closure_reasons")["goals_reached"] == [1, 1]


# ---- a fixed number of queries -----------------------------------------------------------------------------

def _queries(code, world):
    with CaptureQueriesContext(connection) as captured:
        build(code, world)
    return len(captured)


def _more_data(world):
    """Every kind of record again, in both teams, so any per-row query would show."""
    from datetime import date

    from tests.reports.programme_fixture import _contact, _plan, _situation, _status, at

    for index in range(6):
        team = world.team_a if index % 2 else world.team_n
        person = world.person(f"extra{index}", team=team, birth=date(1990, 1, 1), sex="w",
                              entry=date(2020, 1, 1), nationalities=["475", "423"])
        case = world.case(f"extra{index}", person, team=team, opened=date(2025, 1, 1))
        _status(person, "duldung", date(2024, 1, 1))
        _situation(person, date(2025, 1, 1), integration_course="attending", accommodation="follow_up")
        _contact(case, at(date(2025, 5, 5)), "mbe-housing", "mbe-health")
        _plan(case, ("work", "open"))


@pytest.mark.parametrize("code", ["mbe", "jmd", "im_bw"])
def test_query_count_does_not_depend_on_the_data(world, code):
    before = _queries(code, world)
    _more_data(world)
    assert _queries(code, world) == before
    sections = len(ReportTemplate.objects.get(code=code).spec["sections"])
    assert before <= 3 * sections + 3
