"""Monthly controlling: every table and cell of the hand-built world in ``monthly_fixture.py`` at
organisation, team and counsellor level and across organisations, checked against figures worked out by
hand; period boundaries at local midnight; a fixed number of queries; access through ``report_build``."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import override

from lotse.cases.models import Case
from lotse.contacts.models import Contact
from lotse.organisations.models import Membership, Role
from lotse.people.models import Person
from lotse.reports.engine import ReportScope, report_kinds
from lotse.reports.monthly import build_monthly_report
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build
from lotse.reports.tables import Audience
from tests.factories import make_org
from tests.reports.monthly_fixture import build_monthly_world, local

pytestmark = pytest.mark.django_db

OCTOBER = Period.parse("2026-10")
ZERO = [0, 0, 0]

# Rows of contacts_by_topic for organisation A: JMD (org A's own topics, the inactive one only because it
# occurs), then the global MBE catalogue, then "without topic".
TOPIC_KEYS_A = ["jmd-school-a", "jmd-old-a", "mbe-residence-law", "mbe-social-benefits", "mbe-labour",
                "mbe-education", "mbe-family", "mbe-family-reunification", "mbe-health", "mbe-racism",
                "mbe-housing", "mbe-return", "mbe-volunteers", "none"]
KIND_KEYS = ["office_hour", "appointment", "home_visit", "phone", "email", "video", "messenger",
             "accompaniment", "group"]
REASON_KEYS = ["goals_reached", "ended_by_client", "counsellor_protection", "moved_away", "no_cooperation",
               "handed_over", "time_limit"]
REFERRAL_KEYS = ["open", "took_place", "no_show", "rejected", "completed", "withdrawn"]
BASIC_TABLES = ["contacts_by_topic", "contacts_by_kind", "persons_reached", "cases", "closure_reasons",
                "referrals"]
# Oct 2026: P1 P3 P4 P5 P6 P2 + family P7 (P2 is a main client of K7 this month);
# Sep 2026: P1 P3 P4 P2, no family; Oct 2025: P3 P8 P1 + family P2.
REACHED_A = {"main_clients": [6, 4, 3], "family_members": [1, 0, 1]}


@pytest.fixture
def world():
    return build_monthly_world()


def build(world, *, organisations=None, team=None, counsellor=None, period=OCTOBER):
    organisations = organisations or (world.a.organisation,)
    return build_monthly_report(ReportScope(organisations=tuple(organisations), period=period, team=team,
                                            counsellor=counsellor))


def cells(report, key):
    """The table's rows as {row key: values}, the row order and the total row (None without one)."""
    table = report.section(key)
    rows = {row.key: row.values for row in table.rows}
    return rows, [row.key for row in table.rows], (table.total_row() if table.has_total_row else None)


def by_label(report, key):
    table = report.section(key)
    return [(row.label, row.values) for row in table.rows], table.total_row()


def nonzero(rows):
    return {key: values for key, values in rows.items() if any(values)}


# ---- organisation level ------------------------------------------------------------------------------------

def test_organisation_level_every_cell(world):
    with override("en"):
        report = build(world)
    assert report.kind == "monthly" and report.audience is Audience.INTERNAL
    assert report.title == "Monthly controlling"
    assert report.scope_label == "Organisation A – October 2026"
    assert [t.key for t in report.sections] == BASIC_TABLES + ["by_team", "by_counsellor"]
    topics = report.section("contacts_by_topic")
    assert [c.key for c in topics.columns] == ["current", "previous", "last_year"]
    assert topics.column_labels == ["October 2026", "September 2026", "October 2025"]
    assert topics.additive is False

    rows, order, total = cells(report, "contacts_by_topic")
    assert order == TOPIC_KEYS_A
    assert nonzero(rows) == {
        "jmd-school-a": [2, 1, 1],      # C6, C8 | C14 | C17
        "jmd-old-a": [1, 0, 0],         # C7 (inactive topic, shown because it occurs)
        "mbe-residence-law": [3, 2, 1],  # C1, C2, C9 | C11, C13 | C16
        "mbe-labour": [2, 1, 1],        # C1, C5 | C12 | C18
        "mbe-housing": [1, 1, 0],       # C3 | C12
        "none": [1, 1, 0],              # C4 | C15
    }
    assert total == [9, 5, 3]  # distinct contacts: C1–C9 | C11–C15 | C16–C18
    labels = {row.key: row.label for row in topics.rows}
    assert labels["jmd-school-a"] == "JMD: Schule" and labels["mbe-housing"] == "MBE: Wohnungssuche"
    assert labels["none"] == "Without topic"

    rows, order, total = cells(report, "contacts_by_kind")
    assert order == KIND_KEYS
    assert rows == {"office_hour": [2, 2, 1], "appointment": [2, 1, 0], "home_visit": [1, 0, 1],
                    "phone": [3, 1, 1], "email": [1, 0, 0], "video": [0, 1, 0], "messenger": ZERO,
                    "accompaniment": ZERO, "group": ZERO}
    assert total == [9, 5, 3]

    rows, order, total = cells(report, "persons_reached")
    assert order == ["main_clients", "family_members"]
    # Oct 2026: P1 P3 P4 P5 P6 P2 | family P7 (P2 is a main client of K7 this month)
    # Sep 2026: P1 P3 P4 P2 | none; Oct 2025: P3 P8 P1 | family P2
    assert rows == {"main_clients": [6, 4, 3], "family_members": [1, 0, 1]}
    assert total == [7, 4, 4]

    rows, order, total = cells(report, "cases")
    assert order == ["new", "paused", "closed", "open_at_end", "case_management_at_end"]
    assert rows == {"new": [2, 1, 1],                     # K4 K5 | K3 | K2
                    "paused": [2, 0, 1],                  # K1 K5 (twice) | – | K6
                    "closed": [2, 0, 1],                  # K2 K5 (two closures) | – | K6
                    "open_at_end": [4, 4, 2],             # K1 K3 K4 K7 | K1 K2 K3 K7 | K1 K2
                    "case_management_at_end": [2, 3, 1]}  # K3 K7 | K1 K2 K7 | K2
    assert total is None

    rows, order, total = cells(report, "closure_reasons")
    assert order == REASON_KEYS
    assert nonzero(rows) == {"goals_reached": [1, 0, 0], "moved_away": [1, 0, 0], "no_cooperation": [1, 0, 0],
                             "time_limit": [0, 0, 1]}
    assert total == [3, 0, 1]

    rows, order, total = cells(report, "referrals")
    assert order == REFERRAL_KEYS
    assert rows == {"open": [1, 0, 0], "took_place": [1, 0, 0], "no_show": [0, 1, 0], "rejected": [0, 0, 1],
                    "completed": [0, 1, 0], "withdrawn": [2, 0, 0]}  # R1 R2 R3+R8 | R5 R4 | R6
    assert total == [4, 2, 1]

    team_table = report.section("by_team")
    assert [c.key for c in team_table.columns] == ["contacts", "main_clients", "new_cases", "closed_cases"]
    assert team_table.chart is False and team_table.additive is False and not team_table.internal_only
    # "Unterkunft A" has no programme and no case: no row.
    assert by_label(report, "by_team") == ([("Team A", [6, 4, 1, 1]), ("Team A2", [3, 2, 1, 1])],
                                           [9, 6, 2, 2])
    assert [row.key for row in team_table.rows] == [str(world.team1.public_id), str(world.team2.public_id)]

    counsellors = report.section("by_counsellor")
    assert counsellors.internal_only is True
    assert by_label(report, "by_counsellor") == ([
        ("Bea Brandt", [2, 2, 0, 0]),             # C4 C5
        ("Cem Celik", [3, 2, 1, 1]),              # C6 C7 C8; K5 new and closed
        ("Dana Dietz", [0, 0, 0, 0]),             # counsellor of T2 without figures
        ("CounsellorA NachnameA", [3, 2, 0, 1]),  # C1 C2 C3; K2 closed
        ("Not assigned", [1, 1, 1, 0]),           # C9 without author; K4 without owner
    ], [9, 6, 2, 2])
    assert counsellors.rows[-1].key == "none"
    assert counsellors.rows[0].key == str(world.users["c2"].public_id)


def test_the_report_is_registered_as_kind_monthly():
    kind = report_kinds()["monthly"]
    assert kind.builder is build_monthly_report
    assert kind.levels == {"organisation", "team", "counsellor"}


# ---- team and counsellor level ------------------------------------------------------------------------

def test_team_level_every_cell(world):
    with override("en"):
        report = build(world, team=world.team1)
    assert report.scope_label == "Organisation A – Team A – October 2026"
    assert [t.key for t in report.sections] == BASIC_TABLES + ["by_counsellor"]
    rows, order, total = cells(report, "contacts_by_topic")
    assert order == [key for key in TOPIC_KEYS_A if key != "jmd-old-a"]  # inactive and not in T1's data
    assert nonzero(rows) == {"mbe-residence-law": [3, 2, 1], "mbe-labour": [2, 1, 1],
                             "mbe-housing": [1, 1, 0], "none": [1, 1, 0]}
    assert total == [6, 4, 2]  # C1–C5 C9 | C11–C13 C15 | C16 C18

    rows, _, total = cells(report, "contacts_by_kind")
    assert nonzero(rows) == {"office_hour": [2, 1, 1], "appointment": [1, 1, 0], "home_visit": [1, 0, 0],
                             "phone": [2, 1, 1], "video": [0, 1, 0]}
    assert total == [6, 4, 2]

    rows, _, total = cells(report, "persons_reached")
    # In T1, P2 is never a main client: a family member in every column.
    assert rows == {"main_clients": [4, 3, 2], "family_members": [1, 1, 1]}
    assert total == [5, 4, 3]

    rows, _, _ = cells(report, "cases")
    assert rows == {"new": [1, 1, 1], "paused": [1, 0, 0], "closed": [1, 0, 0], "open_at_end": [3, 3, 2],
                    "case_management_at_end": [1, 2, 1]}

    rows, _, total = cells(report, "closure_reasons")
    assert nonzero(rows) == {"goals_reached": [1, 0, 0]} and total == [1, 0, 0]

    rows, _, total = cells(report, "referrals")
    assert nonzero(rows) == {"open": [1, 0, 0], "took_place": [1, 0, 0], "withdrawn": [1, 0, 0],
                             "completed": [0, 1, 0], "rejected": [0, 0, 1]}
    assert total == [3, 1, 1]

    assert by_label(report, "by_counsellor") == ([
        ("Bea Brandt", [2, 2, 0, 0]),
        ("CounsellorA NachnameA", [3, 2, 0, 1]),
        ("Not assigned", [1, 1, 1, 0]),
    ], [6, 4, 1, 1])


def test_second_team_every_cell(world):
    report = build(world, team=world.team2)
    rows, _, total = cells(report, "contacts_by_topic")
    assert nonzero(rows) == {"jmd-school-a": [2, 1, 1], "jmd-old-a": [1, 0, 0]}
    assert total == [3, 1, 1]  # C6 C7 C8 | C14 | C17 (C19 is in September 2025)
    rows, _, total = cells(report, "contacts_by_kind")
    assert nonzero(rows) == {"appointment": [1, 0, 0], "email": [1, 0, 0], "phone": [1, 0, 0],
                             "office_hour": [0, 1, 0], "home_visit": [0, 0, 1]}
    rows, _, total = cells(report, "persons_reached")
    assert rows == {"main_clients": [2, 1, 1], "family_members": [1, 0, 0]} and total == [3, 1, 1]
    rows, _, _ = cells(report, "cases")
    assert rows == {"new": [1, 0, 0], "paused": [1, 0, 1], "closed": [1, 0, 1], "open_at_end": [1, 1, 0],
                    "case_management_at_end": [1, 1, 0]}
    rows, _, total = cells(report, "closure_reasons")
    assert nonzero(rows) == {"no_cooperation": [1, 0, 0], "moved_away": [1, 0, 0], "time_limit": [0, 0, 1]}
    rows, _, total = cells(report, "referrals")
    assert nonzero(rows) == {"withdrawn": [1, 0, 0], "no_show": [0, 1, 0]} and total == [1, 1, 0]
    assert by_label(report, "by_counsellor") == ([("Cem Celik", [3, 2, 1, 1]), ("Dana Dietz", [0, 0, 0, 0])],
                                                 [3, 2, 1, 1])


def test_counsellor_level_every_cell(world):
    c1 = world.users["c1"]
    with override("en"):
        report = build(world, team=world.team1, counsellor=c1)
    assert report.scope_label == "Organisation A – Team A – CounsellorA NachnameA – October 2026"
    assert [t.key for t in report.sections] == BASIC_TABLES
    rows, _, total = cells(report, "contacts_by_topic")
    # Own contacts only: C1 C2 C3 | C11 C12 | C16 C18 (not C9 without author, not C15 by c2 on c1's case).
    assert nonzero(rows) == {"mbe-residence-law": [2, 1, 1], "mbe-labour": [1, 1, 1],
                             "mbe-housing": [1, 1, 0]}
    assert total == [3, 2, 2]
    rows, _, total = cells(report, "contacts_by_kind")
    assert nonzero(rows) == {"office_hour": [1, 1, 1], "phone": [1, 1, 1], "appointment": [1, 0, 0]}
    rows, _, total = cells(report, "persons_reached")
    assert rows == {"main_clients": [2, 2, 2], "family_members": [1, 1, 1]} and total == [3, 3, 3]
    rows, _, _ = cells(report, "cases")  # own cases K1 and K2
    assert rows == {"new": [0, 0, 1], "paused": [1, 0, 0], "closed": [1, 0, 0], "open_at_end": [1, 2, 2],
                    "case_management_at_end": [0, 2, 1]}
    rows, _, total = cells(report, "closure_reasons")
    assert nonzero(rows) == {"goals_reached": [1, 0, 0]}
    rows, _, total = cells(report, "referrals")  # created by c1: R1 R2 | – | R6 (R8 is c2's on c1's case)
    assert nonzero(rows) == {"open": [1, 0, 0], "took_place": [1, 0, 0], "rejected": [0, 0, 1]}
    assert total == [2, 0, 1]


def test_counsellor_level_counts_own_contacts_on_other_cases_and_own_referrals(world):
    report = build(world, team=world.team1, counsellor=world.users["c2"])
    rows, _, total = cells(report, "contacts_by_topic")
    assert nonzero(rows) == {"mbe-labour": [1, 0, 0], "mbe-residence-law": [0, 1, 0], "none": [1, 1, 0]}
    assert total == [2, 2, 0]  # C4 C5 | C13 C15
    rows, _, total = cells(report, "persons_reached")
    assert rows == {"main_clients": [2, 2, 0], "family_members": [0, 1, 0]}  # P4 P5 | P4 P1 + P2
    rows, _, _ = cells(report, "cases")  # own case K3 (K4 without owner is not c2's although c2 wrote C5)
    # In case management on 31 Oct (evaluation that day), not on 30 Sep (counselling has the higher id).
    assert rows == {"new": [0, 1, 0], "paused": ZERO, "closed": ZERO, "open_at_end": [1, 1, 0],
                    "case_management_at_end": [1, 0, 0]}
    rows, _, total = cells(report, "referrals")
    assert nonzero(rows) == {"withdrawn": [1, 0, 0], "completed": [0, 1, 0]}  # R8 | R4


# ---- several organisations ----------------------------------------------------------------------------

def test_several_organisations(world):
    with override("en"):
        report = build(world, organisations=(world.b.organisation, world.a.organisation))
    assert report.scope_label == "Organisation B, Organisation A – October 2026"
    assert report.organisation_ids == [world.b.organisation.pk, world.a.organisation.pk]
    assert [t.key for t in report.sections][-3:] == ["by_team", "by_organisation", "by_counsellor"]
    rows, order, total = cells(report, "contacts_by_topic")
    assert order == TOPIC_KEYS_A[:-1] + ["mbe-b-only", "none"]  # B's own topic, sort order 200
    assert nonzero(rows) == {"jmd-school-a": [2, 1, 1], "jmd-old-a": [1, 0, 0],
                             "mbe-residence-law": [3, 2, 1], "mbe-labour": [3, 1, 1],
                             "mbe-housing": [1, 1, 0], "mbe-b-only": [1, 0, 0], "none": [1, 1, 0]}
    assert total == [11, 5, 3]
    rows, _, total = cells(report, "contacts_by_kind")
    assert rows["appointment"] == [3, 1, 0] and rows["phone"] == [4, 1, 1] and total == [11, 5, 3]
    rows, _, total = cells(report, "persons_reached")
    assert rows == {"main_clients": [7, 4, 3], "family_members": [1, 0, 1]} and total == [8, 4, 4]
    rows, _, _ = cells(report, "cases")
    assert rows == {"new": [3, 1, 1], "paused": [2, 0, 1], "closed": [2, 0, 1], "open_at_end": [5, 4, 2],
                    "case_management_at_end": [2, 3, 1]}
    rows, _, total = cells(report, "referrals")
    assert rows["open"] == [2, 0, 0] and total == [5, 2, 1]
    assert by_label(report, "by_organisation") == ([("Organisation A", [9, 6, 2, 2]),
                                                    ("Organisation B", [2, 1, 1, 0])], [11, 7, 3, 2])
    assert by_label(report, "by_team") == ([("Organisation A – Team A", [6, 4, 1, 1]),
                                            ("Organisation A – Team A2", [3, 2, 1, 1]),
                                            ("Organisation B – Team B", [2, 1, 1, 0])], [11, 7, 3, 2])
    assert by_label(report, "by_counsellor") == ([
        ("Bea Brandt", [2, 2, 0, 0]), ("Cem Celik", [3, 2, 1, 1]), ("Dana Dietz", [0, 0, 0, 0]),
        ("CounsellorA NachnameA", [3, 2, 0, 1]), ("CounsellorB NachnameB", [2, 1, 1, 0]),
        ("Not assigned", [1, 1, 1, 0])], [11, 7, 3, 2])


def test_a_main_client_in_two_teams_is_counted_once_in_the_total(world):
    """P2 is the main client of K7 in T2; a new case K9 in T1 makes P2 a main client in T1 too."""
    k9 = Case.objects.create(person=world.persons["P2"], team=world.team1, offering=world.a.offering,
                             owner=world.users["c1"], status="open", requested_on=OCTOBER.start,
                             opened_on=OCTOBER.start)
    Contact.objects.create(case=k9, author=world.users["c1"], occurred_at=local(2026, 10, 12, 9, 0, 0),
                           duration_minutes=20, kind="phone")
    report = build(world)
    assert by_label(report, "by_team") == ([("Team A", [7, 5, 2, 1]), ("Team A2", [3, 2, 1, 1])],
                                           [10, 6, 3, 2])
    assert cells(report, "persons_reached")[0] == REACHED_A


# ---- periods ------------------------------------------------------------------------------------------

def test_contacts_on_local_midnight_fall_into_the_right_month(org_a):
    """Summer time ends on 25 October 2026: October starts at 22:00 UTC and ends at 23:00 UTC."""
    person = Person.objects.create(file_number="M-B-1", organisation=org_a.organisation, team=org_a.team,
                                   family_name="Grenz")
    case = Case.objects.create(person=person, team=org_a.team, offering=org_a.offering, status="open",
                               requested_on=OCTOBER.start, opened_on=OCTOBER.start)
    for moment in [datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC),   # 23:59:59 on 30 Sep: September
                   datetime(2026, 9, 30, 22, 0, 0, tzinfo=UTC),     # 00:00 on 1 Oct: October
                   datetime(2026, 10, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 on 31 Oct: October
                   datetime(2026, 10, 31, 23, 0, 0, tzinfo=UTC),    # 00:00 on 1 Nov: November
                   datetime(2025, 10, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 on 31 Oct 2025: last year
                   datetime(2025, 9, 30, 21, 59, 59, tzinfo=UTC)]:  # September 2025: no column
        Contact.objects.create(case=case, occurred_at=moment, duration_minutes=10, kind="phone")
    report = build_monthly_report(ReportScope(organisations=(org_a.organisation,), period=OCTOBER))
    assert report.section("contacts_by_kind").total_row() == [2, 1, 1]
    november = build_monthly_report(ReportScope(organisations=(org_a.organisation,),
                                                period=Period.parse("2026-11")))
    assert november.section("contacts_by_kind").total_row() == [1, 2, 0]


def test_a_period_of_several_months_compares_with_the_same_span(world):
    with override("en"):
        report = build(world, period=Period.parse("2026-09..2026-10"))
    assert report.section("cases").column_labels == [
        "September 2026 – October 2026", "July 2026 – August 2026", "September 2025 – October 2025"]
    assert report.section("contacts_by_kind").total_row() == [14, 0, 4]  # C1–C9 C11–C15 | – | C16–C19
    rows, _, _ = cells(report, "cases")
    # new: K3 K4 K5 | K7 | K1 K2; open at the end: 31 Oct 2026 | 31 Aug 2026: K1 K2 K7 | 31 Oct 2025: K1 K2;
    # case management at the end: K3 K7 | K1 K2 (K7 still in clearing) | K2
    assert rows == {"new": [3, 1, 2], "paused": [2, 0, 1], "closed": [2, 0, 1], "open_at_end": [4, 3, 2],
                    "case_management_at_end": [2, 2, 1]}


# ---- persons reached belong to the scope --------------------------------------------------------------

def test_persons_reached_are_main_clients_or_family_members_of_the_scope(world):
    """Only contacts of the scope's cases count, and a person present at them is one of the case's people."""
    start, end = OCTOBER.bounds()
    contacts = Contact.objects.filter(case__team__organisation=world.a.organisation, occurred_at__gte=start,
                                      occurred_at__lt=end)
    main = set(contacts.values_list("case__person_id", flat=True))
    present = set(contacts.exclude(persons_present=None).values_list("persons_present", flat=True))
    scope_people = set(Case.objects.filter(team__organisation=world.a.organisation)
                       .values_list("person_id", flat=True)) | set(
        Case.objects.filter(team__organisation=world.a.organisation).exclude(members=None)
        .values_list("members__person_id", flat=True))
    assert main | present <= scope_people
    assert len(main) == 6 and len(present - main) == 1
    assert cells(build(world), "persons_reached")[0] == REACHED_A
    # A contact of organisation B with A's person P7 present changes nothing in A's figures.
    foreign = Contact.objects.create(case=world.cases["KB1"], occurred_at=local(2026, 10, 9, 9, 0, 0),
                                     duration_minutes=10, kind="phone")
    foreign.persons_present.set([world.persons["P7"], world.persons["P5"]])
    assert cells(build(world), "persons_reached")[0] == REACHED_A
    assert cells(build(world, organisations=(world.b.organisation,)), "persons_reached")[0] == {
        "main_clients": [1, 0, 0], "family_members": [2, 0, 0]}


def test_an_empty_organisation_gives_zeros(db):
    empty = make_org("Z")
    report = build_monthly_report(ReportScope(organisations=(empty.organisation,), period=OCTOBER))
    for table in report.sections:
        assert not any(any(line) for line in table.grid()), table.key
    assert [row.label for row in report.section("by_team").rows] == ["Team Z"]
    assert [row.label for row in report.section("by_counsellor").rows] == ["CounsellorZ NachnameZ"]


# ---- queries ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("level", "queries"), [("organisation", 13), ("several", 14), ("team", 11),
                                                 ("counsellor", 9)])
def test_the_number_of_queries_does_not_depend_on_the_data(db, django_assert_num_queries, level, queries):
    small = make_org("S")
    person = Person.objects.create(file_number="M-S-1", organisation=small.organisation, team=small.team,
                                   family_name="Klein")
    counsellor = small.user("counsellor")
    case = Case.objects.create(person=person, team=small.team, offering=small.offering, status="open",
                               owner=counsellor, requested_on=OCTOBER.start, opened_on=OCTOBER.start)
    Contact.objects.create(case=case, author=counsellor, occurred_at=local(2026, 10, 2, 9, 0, 0),
                           duration_minutes=10, kind="phone")
    world = build_monthly_world()
    scopes = {
        "organisation": [dict(organisations=(small.organisation,)),
                         dict(organisations=(world.a.organisation,))],
        "several": [dict(organisations=(small.organisation, world.b.organisation)),
                    dict(organisations=(world.a.organisation, world.b.organisation))],
        "team": [dict(organisations=(small.organisation,), team=small.team),
                 dict(organisations=(world.a.organisation,), team=world.team1)],
        "counsellor": [dict(organisations=(small.organisation,), team=small.team, counsellor=counsellor),
                       dict(organisations=(world.a.organisation,), team=world.team1,
                            counsellor=world.users["c1"])],
    }[level]
    for scope in scopes:
        with django_assert_num_queries(queries):
            build_monthly_report(ReportScope(period=OCTOBER, **scope))


# ---- access through report_build ----------------------------------------------------------------------

def test_coordinator_gets_a_protected_report_without_counsellors(world):
    coordinator = world.a.user(Role.COORDINATOR)
    Membership.objects.create(user=coordinator, organisation=world.b.organisation, role=Role.COORDINATOR)
    report = report_build(actor=coordinator, kind="monthly", period=OCTOBER,
                          organisations=[world.a.organisation, world.b.organisation])
    assert report.audience is Audience.EXTERNAL
    keys = [table.key for table in report.sections]
    assert "by_counsellor" not in keys and "by_organisation" in keys
    kinds = report.section("contacts_by_kind")
    shown = dict(zip([row.key for row in kinds.rows], kinds.shown()))
    assert shown["email"][0] is None and shown["video"][1] is None  # 1 contact each: suppressed
    assert shown["messenger"] == [0, 0, 0]
    for table in report.sections:
        for line in table.shown():
            assert not any(value is not None and 0 < value < 5 for value in line), table.key
    single = report_build(actor=coordinator, kind="monthly", period=OCTOBER,
                          organisations=[world.a.organisation])
    assert single.audience is Audience.EXTERNAL and "by_counsellor" not in [t.key for t in single.sections]
    with pytest.raises(PermissionDenied):
        report_build(actor=coordinator, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                     audience=Audience.INTERNAL)


def test_team_lead_sees_own_team_exactly_and_is_refused_another_team(world):
    lead2 = world.users["lead2"]
    report = report_build(actor=lead2, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                          team=world.team2)
    assert report.audience is Audience.INTERNAL
    assert by_label(report, "by_counsellor") == ([("Cem Celik", [3, 2, 1, 1]), ("Dana Dietz", [0, 0, 0, 0])],
                                                 [3, 2, 1, 1])
    # Another team: exact figures and a counsellor's figures are refused; the team lead only gets the
    # protected aggregate (team leads are among the aggregate roles of lotse.reports.selectors).
    with pytest.raises(PermissionDenied):
        report_build(actor=lead2, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                     team=world.team1, audience=Audience.INTERNAL)
    protected = report_build(actor=lead2, kind="monthly", period=OCTOBER,
                             organisations=[world.a.organisation], team=world.team1)
    assert protected.audience is Audience.EXTERNAL
    assert "by_counsellor" not in [table.key for table in protected.sections]
    kinds = protected.section("contacts_by_kind")
    assert kinds.grid()[0] == [2, 1, 1] and kinds.shown()[0] == [None, None, None]  # office hours
    assert kinds.shown()[6] == [0, 0, 0]  # messenger
    with pytest.raises(PermissionDenied):
        report_build(actor=lead2, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                     team=world.team1, counsellor=world.users["c2"])
    lead1 = world.a.user(Role.TEAM_LEAD)
    own = report_build(actor=lead1, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                       team=world.team1, counsellor=world.users["c2"])
    assert own.audience is Audience.INTERNAL and own.section("contacts_by_kind").total_row() == [2, 2, 0]


def test_counsellor_gets_only_own_figures(world):
    c2 = world.users["c2"]
    report = report_build(actor=c2, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                          team=world.team1, counsellor=c2)
    assert report.audience is Audience.INTERNAL
    assert report.section("contacts_by_topic").total_row() == [2, 2, 0]
    assert cells(report, "referrals")[2] == [1, 1, 0]
    for others in (dict(team=world.team1, counsellor=world.users["c1"]), dict(team=world.team1), {}):
        with pytest.raises(PermissionDenied):
            report_build(actor=c2, kind="monthly", period=OCTOBER, organisations=[world.a.organisation],
                         **others)
    with pytest.raises(PermissionDenied):
        report_build(actor=world.b.user(Role.COUNSELLOR), kind="monthly", period=OCTOBER,
                     organisations=[world.a.organisation], team=world.team1, counsellor=c2)
