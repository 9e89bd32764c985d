"""A small hand-built world for the monthly controlling, made through the ORM directly (no services), so the
expected figures in ``test_monthly.py`` can be worked out by hand from this file alone.

Periods of the tests: October 2026 (current), September 2026 (previous), October 2025 (last year).

Organisation A (``make_org("A")``): "Team A" (T1, MBE), "Team A2" (T2, JMD, new), "Unterkunft A" (no
programme, no cases). Counsellors: c1 = A's fixture counsellor ("CounsellorA NachnameA", T1), c2 "Bea Brandt"
(T1), c3 "Cem Celik" (T2), c4 "Dana Dietz" (T2, no figures at all); lead2 leads T2.
Organisation B (``make_org("B")``): one case KB1 with two contacts and one referral in October 2026.

Cases of A (persons P1…P8; P2 is a family member in K1 and the main client of K7):

====  ======  ===  =====  ==========  ==========  ================================================
case  client  team owner  opened      closed      phase changes / closures
====  ======  ===  =====  ==========  ==========  ================================================
K1    P1      T1   c1     2025-09-10  –           counselling 2025-09-10, assessment 2026-03-01,
                                                  paused 2026-10-20
K2    P3      T1   c1     2025-10-05  2026-10-15  counselling 2025-10-05, planning 2025-10-20, closed
                                                  2026-10-15; Closure 2026-10-15 goals_reached
K3    P4      T1   c2     2026-09-01  –           clearing 2026-09-01, monitoring 2026-09-30 then
                                                  counselling 2026-09-30 (higher id), evaluation
                                                  2026-10-31
K4    P5      T1   –      2026-10-31  –           none
K5    P6      T2   c3     2026-10-01  2026-10-25  counselling 10-01, paused 10-05, paused 10-08, closed
                                                  10-25; Closures 2026-10-10 no_cooperation (reopened
                                                  2026-10-20) and 2026-10-25 moved_away
K6    P8      T2   c3     2025-06-01  2025-10-31  assessment 2025-06-01, paused 2025-10-02, closed
                                                  2025-10-31; Closure 2025-10-31 time_limit
K7    P2      T2   c3     2026-08-15  –           clearing 2026-08-15, planning 2026-09-01
K8    P4      T2   –      (waiting)   –           none
====  ======  ===  =====  ==========  ==========  ================================================

Contacts (local time, Europe/Berlin): see ``CONTACTS``. Referrals: see ``REFERRALS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lotse.cases.models import Case, CaseMember, Closure, PhaseChange
from lotse.contacts.models import Contact
from lotse.intake.models import Topic
from lotse.network.models import Partner
from lotse.organisations.models import Membership, ProgrammeOffering, Role, Team
from lotse.people.models import Person
from lotse.referrals.models import Referral
from tests.factories import OrgWorld, make_org, make_user

BERLIN = ZoneInfo("Europe/Berlin")

# The seeded global MBE catalogue, in sort order (lotse/intake/migrations/0002_seed_topics_and_rules.py).
MBE_CODES = ["mbe-residence-law", "mbe-social-benefits", "mbe-labour", "mbe-education", "mbe-family",
             "mbe-family-reunification", "mbe-health", "mbe-racism", "mbe-housing", "mbe-return",
             "mbe-volunteers"]
R, L, H = "mbe-residence-law", "mbe-labour", "mbe-housing"
JS, JOLD = "jmd-school-a", "jmd-old-a"

# name, case, author, local time, kind, topics, persons present
CONTACTS = [
    # October 2026
    ("C1", "K1", "c1", (2026, 10, 1, 0, 0, 0), "office_hour", [R, L], ["P1", "P2"]),
    ("C2", "K1", "c1", (2026, 10, 14, 10, 0, 0), "phone", [R], []),
    ("C3", "K2", "c1", (2026, 10, 10, 9, 0, 0), "appointment", [H], ["P3"]),
    ("C4", "K3", "c2", (2026, 10, 31, 23, 59, 59), "home_visit", [], []),
    ("C5", "K4", "c2", (2026, 10, 20, 11, 0, 0), "office_hour", [L], ["P5"]),
    ("C6", "K5", "c3", (2026, 10, 2, 14, 0, 0), "appointment", [JS], ["P6", "P7"]),
    ("C7", "K5", "c3", (2026, 10, 5, 14, 0, 0), "email", [JOLD], []),
    ("C8", "K7", "c3", (2026, 10, 22, 15, 0, 0), "phone", [JS], []),
    ("C9", "K1", None, (2026, 10, 25, 10, 0, 0), "phone", [R], ["P2"]),
    ("C10", "K2", "c1", (2026, 11, 1, 0, 0, 0), "phone", [R], ["P3"]),  # November: in no column
    # September 2026
    ("C11", "K1", "c1", (2026, 9, 30, 23, 59, 59), "office_hour", [R], ["P1", "P2"]),
    ("C12", "K2", "c1", (2026, 9, 15, 10, 0, 0), "phone", [L, H], []),
    ("C13", "K3", "c2", (2026, 9, 1, 0, 0, 0), "appointment", [R], ["P4"]),
    ("C14", "K7", "c3", (2026, 9, 10, 10, 0, 0), "office_hour", [JS], ["P2"]),
    ("C15", "K1", "c2", (2026, 9, 20, 10, 0, 0), "video", [], ["P2"]),
    # October 2025
    ("C16", "K2", "c1", (2025, 10, 6, 10, 0, 0), "office_hour", [R], ["P3"]),
    ("C17", "K6", "c3", (2025, 10, 15, 10, 0, 0), "home_visit", [JS], ["P8"]),
    ("C18", "K1", "c1", (2025, 10, 31, 23, 0, 0), "phone", [L], ["P2"]),
    ("C19", "K6", "c3", (2025, 9, 30, 23, 30, 0), "home_visit", [JS], ["P8"]),  # September 2025: no column
]

# name, case, created by, sent on, status, outcome
REFERRALS = [
    ("R1", "K1", "c1", date(2026, 10, 2), "sent", ""),
    ("R2", "K1", "c1", date(2026, 10, 5), "outcome", "took_place"),
    ("R3", "K5", "c3", date(2026, 10, 31), "withdrawn", ""),
    ("R4", "K3", "c2", date(2026, 9, 12), "closed", "completed"),
    ("R5", "K7", "c3", date(2026, 9, 30), "closed", "no_show"),
    ("R6", "K2", "c1", date(2025, 10, 10), "closed", "rejected"),
    ("R7", "K2", "c1", date(2026, 11, 1), "sent", ""),  # November: in no column
    ("R8", "K1", "c2", date(2026, 10, 8), "withdrawn", "took_place"),  # withdrawn wins over the outcome
]


@dataclass
class MonthlyWorld:
    a: OrgWorld
    b: OrgWorld
    team1: Team
    team2: Team
    users: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


def _person(org: OrgWorld, team: Team, key: str) -> Person:
    return Person.objects.create(file_number=f"M-{org.organisation.pk}-{key}", organisation=org.organisation,
                                 team=team, family_name=f"Familie{key}", given_names=key)


def _case(person, team, offering, owner, opened, closed=None, status=None) -> Case:
    if status is None:
        status = Case.Status.CLOSED if closed else Case.Status.OPEN
    return Case.objects.create(person=person, team=team, offering=offering, owner=owner, status=status,
                               requested_on=opened or date(2026, 10, 2), opened_on=opened, closed_on=closed)


def _phases(case, *changes):
    for day, phase in changes:
        PhaseChange.objects.create(case=case, to_phase=phase, changed_on=day)


def _contact(case, author, when, kind, topics, present) -> Contact:
    contact = Contact.objects.create(case=case, author=author, occurred_at=local(*when), duration_minutes=30,
                                     kind=kind)
    contact.topics.set(topics)
    contact.persons_present.set(present)
    return contact


def build_monthly_world() -> MonthlyWorld:
    a, b = make_org("A"), make_org("B")
    jmd = ProgrammeOffering.objects.create(organisation=a.organisation, programme="jmd", name="JMD A")
    team1 = a.team
    team2 = Team.objects.create(organisation=a.organisation, name="Team A2")
    team2.offerings.add(jmd)
    world = MonthlyWorld(a=a, b=b, team1=team1, team2=team2)

    users = world.users
    users["c1"] = a.user(Role.COUNSELLOR)
    for key, first, last, team in (("c2", "Bea", "Brandt", team1), ("c3", "Cem", "Celik", team2),
                                   ("c4", "Dana", "Dietz", team2)):
        users[key] = make_user(f"a-{key}", first_name=first, last_name=last)
        Membership.objects.create(user=users[key], organisation=a.organisation, team=team,
                                  role=Role.COUNSELLOR)
    users["lead2"] = make_user("a-lead2", first_name="Lea", last_name="Lorenz")
    Membership.objects.create(user=users["lead2"], organisation=a.organisation, team=team2,
                              role=Role.TEAM_LEAD)

    topics = world.topics
    for code in MBE_CODES:
        topics[code] = Topic.objects.get(code=code)
    topics[JS] = Topic.objects.create(programme="jmd", organisation=a.organisation, code=JS, label="Schule",
                                      sort_order=10)
    topics[JOLD] = Topic.objects.create(programme="jmd", organisation=a.organisation, code=JOLD,
                                        label="Altes Thema", sort_order=20, is_active=False)
    # Not offered, inactive or another organisation's: no row unless used.
    Topic.objects.create(programme="mbe", code="mbe-unused-inactive", label="Unbenutzt", is_active=False)
    Topic.objects.create(programme="sim", code="sim-global-x", label="SIM-Thema")
    topics["mbe-b-only"] = Topic.objects.create(programme="mbe", organisation=b.organisation,
                                                code="mbe-b-only", label="Nur B", sort_order=200)

    persons = world.persons
    for key in ("P1", "P2", "P3", "P4", "P5"):
        persons[key] = _person(a, team1, key)
    for key in ("P6", "P7", "P8"):
        persons[key] = _person(a, team2, key)
    persons["Q1"] = _person(b, b.team, "Q1")

    cases, u, p, d = world.cases, users, persons, date
    cases["K1"] = _case(p["P1"], team1, a.offering, u["c1"], d(2025, 9, 10))
    _phases(cases["K1"], (d(2025, 9, 10), "counselling"), (d(2026, 3, 1), "assessment"),
            (d(2026, 10, 20), "paused"))
    cases["K2"] = _case(p["P3"], team1, a.offering, u["c1"], d(2025, 10, 5), d(2026, 10, 15))
    _phases(cases["K2"], (d(2025, 10, 5), "counselling"), (d(2025, 10, 20), "planning"),
            (d(2026, 10, 15), "closed"))
    Closure.objects.create(case=cases["K2"], closed_on=d(2026, 10, 15), reason="goals_reached")
    cases["K3"] = _case(p["P4"], team1, a.offering, u["c2"], d(2026, 9, 1))
    _phases(cases["K3"], (d(2026, 9, 1), "clearing"), (d(2026, 9, 30), "monitoring"),
            (d(2026, 9, 30), "counselling"), (d(2026, 10, 31), "evaluation"))
    cases["K4"] = _case(p["P5"], team1, a.offering, None, d(2026, 10, 31))
    cases["K5"] = _case(p["P6"], team2, jmd, u["c3"], d(2026, 10, 1), d(2026, 10, 25))
    _phases(cases["K5"], (d(2026, 10, 1), "counselling"), (d(2026, 10, 5), "paused"),
            (d(2026, 10, 8), "paused"), (d(2026, 10, 25), "closed"))
    Closure.objects.create(case=cases["K5"], closed_on=d(2026, 10, 10), reason="no_cooperation",
                           reopened_on=d(2026, 10, 20))
    Closure.objects.create(case=cases["K5"], closed_on=d(2026, 10, 25), reason="moved_away")
    cases["K6"] = _case(p["P8"], team2, jmd, u["c3"], d(2025, 6, 1), d(2025, 10, 31))
    _phases(cases["K6"], (d(2025, 6, 1), "assessment"), (d(2025, 10, 2), "paused"),
            (d(2025, 10, 31), "closed"))
    Closure.objects.create(case=cases["K6"], closed_on=d(2025, 10, 31), reason="time_limit")
    cases["K7"] = _case(p["P2"], team2, jmd, u["c3"], d(2026, 8, 15))
    _phases(cases["K7"], (d(2026, 8, 15), "clearing"), (d(2026, 9, 1), "planning"))
    cases["K8"] = _case(p["P4"], team2, jmd, None, None, status=Case.Status.WAITING)
    CaseMember.objects.create(case=cases["K1"], person=p["P2"], since=d(2025, 9, 10))
    CaseMember.objects.create(case=cases["K5"], person=p["P7"], since=d(2026, 10, 1))
    cases["KB1"] = _case(p["Q1"], b.team, b.offering, b.user(Role.COUNSELLOR), d(2026, 10, 2))

    for name, case_key, author, when, kind, topic_codes, present in CONTACTS:
        world.contacts[name] = _contact(cases[case_key], users.get(author), when, kind,
                                        [topics[code] for code in topic_codes], [p[key] for key in present])
    b_counsellor = b.user(Role.COUNSELLOR)
    _contact(cases["KB1"], b_counsellor, (2026, 10, 3, 9, 0, 0), "appointment", [topics["mbe-b-only"]], [])
    _contact(cases["KB1"], b_counsellor, (2026, 10, 4, 9, 0, 0), "phone", [topics[L]], [p["Q1"]])

    partner_a = Partner.objects.create(organisation=a.organisation, name="Jobcenter A",
                                       partner_type="job_centre")
    for name, case_key, author, sent_on, status, outcome in REFERRALS:
        case = cases[case_key]
        Referral.objects.create(case=case, person=case.person, partner=partner_a, reason="Test",
                                sent_on=sent_on, status=status, outcome=outcome, created_by=users[author])
    partner_b = Partner.objects.create(organisation=b.organisation, name="Jobcenter B",
                                       partner_type="job_centre")
    Referral.objects.create(case=cases["KB1"], person=p["Q1"], partner=partner_b, reason="Test",
                            sent_on=d(2026, 10, 5), created_by=b_counsellor)
    return world
