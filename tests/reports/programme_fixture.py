"""A hand-built world for the programme reports, the monitoring and the indicators (period 2025).

Built with the ORM directly so every date is exactly what the test needs. The expected figures are written out
by hand in the tests next to each section; the comments here say why each record is (not) counted.

Organisation A: teams "Team A" (MBE, JMD), "Team Nord" (MBE), "Team IM" (IM). Organisation B: one MBE case
that no report of A may count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lotse.cases.models import Case, CaseMember, Closure, PhaseChange
from lotse.codelists.models import Code
from lotse.contacts.models import Contact
from lotse.intake.models import EligibilityCheck, Topic
from lotse.organisations.models import ProgrammeOffering, Team
from lotse.people.models import LifeSituation, Person, ResidenceStatus, ResidenceStatusType
from lotse.planning.models import Goal, GoalAgreement, Plan, PlanVersion

BERLIN = ZoneInfo("Europe/Berlin")
START, END = date(2025, 1, 1), date(2025, 12, 31)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@dataclass
class World:
    org_a: object
    org_b: object
    team_a: Team
    team_n: Team
    team_im: Team
    mbe: ProgrammeOffering
    jmd: ProgrammeOffering
    im: ProgrammeOffering
    persons: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    _counter: list = field(default_factory=lambda: [0])

    def person(self, key: str, *, team=None, organisation=None, birth=None, sex=None, entry=None,
               nationalities=()) -> Person:
        self._counter[0] += 1
        team = team or self.team_a
        person = Person.objects.create(
            file_number=f"P-{self._counter[0]:05d}", organisation=organisation or team.organisation,
            team=team,
            family_name=f"Person {key}", given_names=key, birth_date=birth, entry_date=entry,
            sex=Code.objects.get(code_list__slug="sex", code=sex) if sex else None)
        if nationalities:
            codes = Code.objects.filter(code_list__slug="nationality", code__in=nationalities)
            person.nationalities.set(codes)
        self.persons[key] = person
        return person

    def case(self, key: str, person: Person, *, offering=None, team=None, opened=None, closed=None) -> Case:
        status = Case.Status.CLOSED if closed else Case.Status.OPEN
        if opened is None:
            status = Case.Status.WAITING
        case = Case.objects.create(person=person, team=team or self.team_a, offering=offering or self.mbe,
                                   status=status, requested_on=opened or date(2025, 1, 1), opened_on=opened,
                                   closed_on=closed)
        self.cases[key] = case
        return case


def _status(person, code, valid_from, valid_until=None):
    ResidenceStatus.objects.create(person=person, status_type=ResidenceStatusType.objects.get(code=code),
                                   valid_from=valid_from, valid_until=valid_until)


def _situation(person, recorded_on, superseded_on=None, **values):
    LifeSituation.objects.create(person=person, recorded_on=recorded_on, superseded_on=superseded_on,
                                 **values)


def _contact(case, when, *topics, outcome="took_place"):
    contact = Contact.objects.create(case=case, occurred_at=when, duration_minutes=30, kind="appointment",
                                     outcome=outcome)
    if topics:
        contact.topics.set(Topic.objects.filter(code__in=topics))
    return contact


def _plan(case, *goals):
    plan = Plan.objects.create(case=case)
    for domain, status in goals:
        Goal.objects.create(plan=plan, domain=domain, category="labour_market", client_words="Ziel",
                            target_on=date(2026, 6, 30), status=status)
    return plan


def _agreement(case, plan, signed_on):
    version = PlanVersion.objects.create(plan=plan, number=PlanVersion.objects.filter(plan=plan).count() + 1,
                                         snapshot={})
    return GoalAgreement.objects.create(case=case, plan_version=version, signed_on=signed_on)


def build_world(org_a, org_b) -> World:
    organisation = org_a.organisation
    team_n = Team.objects.create(organisation=organisation, name="Team Nord")
    team_im = Team.objects.create(organisation=organisation, name="Team IM")
    jmd = ProgrammeOffering.objects.create(organisation=organisation, programme="jmd", name="JMD A")
    im = ProgrammeOffering.objects.create(organisation=organisation, programme="im", name="IM A")
    team_n.offerings.add(org_a.offering)
    org_a.team.offerings.add(jmd)
    team_im.offerings.add(im)
    w = World(org_a=org_a, org_b=org_b, team_a=org_a.team, team_n=team_n, team_im=team_im, mbe=org_a.offering,
              jmd=jmd, im=im)

    # ---- MBE persons (ages, sexes, nationalities, entry at 31.12.2025) ----------------------------------
    p1 = w.person("p1", birth=date(1998, 12, 31), sex="m", entry=date(2024, 12, 31),
                  nationalities=["423", "000"])  # 27 exactly on E; 1 year since entry exactly on E
    p2 = w.person("p2", birth=date(1999, 1, 1), sex="w", entry=date(2025, 3, 1), nationalities=["475"])  # 26
    p3 = w.person("p3", birth=date(1960, 5, 5), sex="w", entry=date(2015, 1, 1), nationalities=["166"])  # 65
    p4 = w.person("p4", birth=date(1970, 1, 1), sex="m")
    p5 = w.person("p5")  # nothing recorded
    p6 = w.person("p6", birth=date(1970, 1, 1), sex="m")
    p7 = w.person("p7", birth=date(1970, 1, 1), sex="m")
    q1 = w.person("q1", birth=date(2010, 6, 1), sex="d", entry=date(2022, 1, 1), nationalities=["423"])  # 15
    q2 = w.person("q2", birth=date(1980, 1, 1), sex="x", entry=date(2019, 6, 1), nationalities=["129"])  # 45
    q3 = w.person("q3", birth=date(1985, 1, 1), sex="w")
    q4 = w.person("q4", team=team_n, birth=date(1985, 1, 1), sex="w")
    p8 = w.person("p8", team=team_n, birth=date(1990, 7, 7), sex="m", entry=date(2024, 1, 1),
                  nationalities=["287"])  # 35
    p9 = w.person("p9", team=team_n, birth=date(1985, 12, 31), sex="w", entry=date(2026, 2, 1),
                  nationalities=["997"])  # 40 exactly on E; entry after E

    # ---- MBE cases ----------------------------------------------------------------------------------------
    c1 = w.case("c1", p1, opened=date(2024, 3, 1))                             # in
    c2 = w.case("c2", p2, opened=date(2025, 6, 10), closed=date(2025, 11, 30))   # in
    c3 = w.case("c3", p3, opened=date(2023, 1, 1), closed=date(2025, 1, 1))     # in: closed on S
    c4 = w.case("c4", p4, opened=date(2022, 1, 1), closed=date(2024, 12, 31))   # out: closed the day before S
    w.case("c5", p5, opened=date(2025, 12, 31))                            # in: opened on E
    w.case("c6", p6, opened=date(2026, 1, 1))                                   # out: opened after E
    w.case("c7", p7)                                                            # out: waiting list
    c8 = w.case("c8", p8, team=team_n, opened=date(2025, 2, 1))                  # in
    c9 = w.case("c9", p9, team=team_n, opened=date(2024, 5, 5), closed=date(2025, 7, 15))  # in
    foreign = w.person("b1", team=org_b.team, birth=date(1980, 1, 1), sex="m", nationalities=["423"])
    cb = w.case("cb", foreign, offering=org_b.offering, team=org_b.team, opened=date(2025, 1, 1))  # other org

    # ---- members ------------------------------------------------------------------------------------------
    CaseMember.objects.create(case=c1, person=q1, since=date(2024, 3, 1))                       # in
    CaseMember.objects.create(case=c1, person=q2, since=date(2025, 2, 1), until=date(2025, 3, 1))  # in
    CaseMember.objects.create(case=c1, person=q3, since=date(2023, 1, 1), until=date(2024, 12, 31))  # out
    CaseMember.objects.create(case=c8, person=q4, since=date(2026, 1, 1))                       # out
    CaseMember.objects.create(case=c2, person=p1, since=date(2025, 6, 10))  # in; p1 is main client in team A
    CaseMember.objects.create(case=c8, person=q1, since=date(2025, 2, 1))   # in; q1 also member in team A
    CaseMember.objects.create(case=cb, person=w.person("b2", team=org_b.team), since=date(2025, 1, 1))

    # ---- phases -----------------------------------------------------------------------------------------
    def phase(case, from_phase, to_phase, on):
        PhaseChange.objects.create(case=case, from_phase=from_phase, to_phase=to_phase, changed_on=on)

    phase(c1, "counselling", "assessment", date(2025, 3, 1))
    phase(c1, "assessment", "counselling", date(2025, 4, 1))
    phase(c8, "counselling", "planning", date(2026, 1, 5))   # after E
    phase(c9, "counselling", "monitoring", date(2024, 6, 1))
    phase(c2, "clearing", "counselling", date(2025, 6, 10))

    # ---- residence status (valid on E) ------------------------------------------------------------------
    ResidenceStatusType.objects.create(code="test_sonderstatus", label="Sonderstatus (Test)")
    _status(p1, "aufenthaltsgestattung", date(2023, 1, 1), date(2023, 12, 31))
    _status(p1, "aufenthaltserlaubnis", date(2024, 1, 1), date(2025, 12, 31))  # valid_until on E: valid
    _status(p2, "duldung", date(2025, 1, 1), date(2025, 12, 30))              # expired the day before E
    _status(p3, "niederlassungserlaubnis", date(2020, 1, 1))
    _status(p3, "deutsch", date(2026, 1, 1))                                   # only after E
    _status(q1, "aufenthaltsgestattung", date(2022, 1, 1))
    _status(q1, "aufenthaltserlaubnis", date(2025, 6, 1))                      # the later one wins
    _status(q2, "unionsbuerger", date(2019, 6, 1))
    _status(p8, "ohne_status", date(2024, 1, 1))
    _status(p9, "test_sonderstatus", date(2024, 1, 1))                         # in no group: "other"

    # ---- life situations -------------------------------------------------------------------------------
    _situation(p1, date(2025, 1, 10), date(2025, 12, 31), integration_course="attending",
               accommodation="shared")                                         # superseded on E: not valid
    _situation(p1, date(2025, 12, 31), integration_course="completed_b1", accommodation="own_flat",
               livelihood="own_income", labour_market="employed", education="language_course")
    _situation(p2, date(2025, 5, 1), integration_course="attending")
    _situation(p3, date(2026, 1, 5), integration_course="dropped_out")         # after E
    _situation(q1, date(2024, 1, 1), accommodation="follow_up", education="gesamtschule",
               participation="contacts")                                       # course left empty
    _situation(q2, date(2025, 2, 2), integration_course="dropped_out")
    _situation(p8, date(2025, 3, 3), integration_course="completed_below_b1", labour_market="unemployed")

    # ---- contacts ---------------------------------------------------------------------------------------
    _contact(c1, at(START, 0, 30), "mbe-residence-law", "mbe-labour")   # first minutes of S
    _contact(c1, at(END, 23, 30), "mbe-residence-law")                   # last minutes of E
    _contact(c1, at(date(2026, 1, 1), 0, 10), "mbe-housing")             # out: after E
    _contact(c1, at(date(2024, 12, 31), 23, 59), "mbe-housing")          # out: before S
    _contact(c2, at(date(2025, 7, 1)), "mbe-housing")
    _contact(c2, at(date(2025, 7, 2)), "mbe-housing", outcome="not_reached")  # out: not a counselling contact
    _contact(c8, at(date(2025, 3, 1)))                                   # no topic
    _contact(c8, at(date(2025, 4, 1)), "mbe-labour")
    _contact(c8, at(date(2025, 5, 1)), "mbe-labour", "mbe-health")
    _contact(c4, at(date(2025, 2, 1)), "mbe-housing")                    # out: case not in the universe
    _contact(cb, at(date(2025, 2, 1)), "mbe-housing")                    # out: other organisation

    # ---- closures ---------------------------------------------------------------------------------------
    Closure.objects.create(case=c2, closed_on=date(2025, 11, 30), reason="goals_reached", indicators={
        "residence_secured": "yes", "plan_implemented": "partly", "goals_reached": "yes",
        "fewer_problem_areas": "no", "livelihood_by_work": "n/a"})
    Closure.objects.create(case=c3, closed_on=date(2025, 1, 1), reason="time_limit", indicators={
        "residence_secured": "no", "goals_reached": "partly", "course_completed": "yes"})
    Closure.objects.create(case=c1, closed_on=date(2025, 4, 1), reason="no_cooperation", indicators={},
                           reopened_on=date(2025, 5, 1))
    Closure.objects.create(case=c9, closed_on=date(2025, 7, 15), reason="moved_away", indicators={
        "residence_secured": "yes", "course_completed": "garbage"})
    Closure.objects.create(case=c4, closed_on=date(2024, 12, 31), reason="goals_reached",
                           indicators={"residence_secured": "yes"})      # out: before S
    Closure.objects.create(case=cb, closed_on=date(2025, 3, 1), reason="goals_reached",
                           indicators={"residence_secured": "yes"})      # out: other organisation

    # ---- plans of MBE cases (indicator report) ----------------------------------------------------------
    _plan(c2, ("work", "reached"), ("work", "not_reached"), ("housing", "partly_reached"))
    _plan(c3, ("language", "discarded"))
    _plan(c1, ("residence", "open"))
    _plan(c8, ("health", "open"))  # c8 has no closure: not in the indicator report

    # ---- eligibility checks -----------------------------------------------------------------------------
    def check(person, programme, evaluated_on, result, override=False, override_result=""):
        EligibilityCheck.objects.create(person=person, programme=programme, evaluated_on=evaluated_on,
                                        result=result, override=override, override_result=override_result)

    check(p1, "mbe", date(2024, 3, 1), "not_met", override=True, override_result="met")  # overridden
    check(p2, "mbe", date(2025, 6, 1), "met")
    check(p2, "mbe", date(2026, 1, 10), "not_met")      # after E: ignored
    check(p3, "mbe", date(2022, 12, 1), "unclear")      # not met or unclear
    check(p5, "jmd", date(2025, 12, 1), "met")          # other programme: p5 has none
    check(p8, "mbe", date(2025, 1, 15), "met")
    check(p8, "mbe", date(2025, 1, 20), "not_met")      # the later check counts

    # ---- JMD (team A) -------------------------------------------------------------------------------------
    Topic.objects.create(programme="jmd", code="jmd-school", label="Schule", sort_order=1)
    Topic.objects.create(programme="jmd", code="jmd-work", label="Ausbildung und Beruf", sort_order=2)
    y1 = w.person("y1", birth=date(2010, 12, 31), sex="w", entry=date(2024, 12, 31))  # 15; 1 year: within
    y2 = w.person("y2", birth=date(2003, 12, 31), sex="m", entry=date(2023, 12, 31))  # 22; 2 years: later
    y3 = w.person("y3", birth=date(2007, 12, 31))  # 18 on E; entry unknown
    y4 = w.person("y4", birth=date(1997, 12, 31), sex="d", entry=date(2025, 1, 1))    # 28
    j1 = w.case("j1", y1, offering=jmd, opened=date(2025, 2, 1))
    j2 = w.case("j2", y2, offering=jmd, opened=date(2025, 2, 1))
    w.case("j3", y3, offering=jmd, opened=date(2025, 3, 1))
    w.case("j4", y4, offering=jmd, opened=date(2025, 3, 1))
    phase(j2, "counselling", "planning", date(2025, 5, 5))
    _contact(j1, at(date(2025, 4, 4)), "jmd-school")
    _situation(y1, date(2025, 9, 1), education="realschule")

    # ---- IM (team IM) -----------------------------------------------------------------------------------
    r1 = w.person("r1", team=team_im, birth=date(1980, 1, 1), sex="m")
    r2 = w.person("r2", team=team_im, birth=date(2015, 1, 1), sex="w")
    r3 = w.person("r3", team=team_im, birth=date(1975, 1, 1), sex="w")
    r4 = w.person("r4", team=team_im, birth=date(1990, 1, 1), sex="m")          # not supported
    r5 = w.person("r5", team=team_im, birth=date(1991, 1, 1), sex="m")          # not supported
    b3 = w.person("b3", team=org_b.team, birth=date(1991, 1, 1), sex="m")       # other organisation
    i1 = w.case("i1", r1, offering=im, team=team_im, opened=date(2025, 1, 1))
    i2 = w.case("i2", r3, offering=im, team=team_im, opened=date(2024, 1, 1), closed=date(2025, 6, 30))
    CaseMember.objects.create(case=i1, person=r2, since=date(2025, 1, 1))
    _status(r1, "aufenthaltsgestattung", date(2024, 6, 1))
    _situation(r1, date(2025, 1, 1), accommodation="follow_up", livelihood="asylblg",
               labour_market="no_permit")
    _situation(r2, date(2025, 1, 1), accommodation="follow_up")
    _situation(r3, date(2024, 1, 1), date(2025, 7, 1), accommodation="follow_up")
    _situation(r3, date(2025, 7, 1), accommodation="own_flat")
    _situation(r4, date(2025, 6, 1), accommodation="follow_up")
    _situation(r5, date(2025, 1, 1), date(2025, 12, 31), accommodation="follow_up")  # superseded on E
    _situation(r5, date(2025, 12, 31), accommodation="own_flat")
    _situation(b3, date(2025, 1, 1), accommodation="follow_up")
    plan = _plan(i1, ("work", "reached"), ("language", "open"))
    _agreement(i1, plan, date(2025, 3, 1))
    empty_plan = _plan(i2)  # no goals: not an integration plan in the report
    _agreement(i2, empty_plan, date(2024, 12, 31))  # signed before S
    _contact(i1, at(date(2025, 2, 2)), "im-housing")
    _contact(i1, at(date(2025, 2, 3)), outcome="declined")
    _contact(i2, at(date(2025, 3, 3)), "im-language")
    Closure.objects.create(case=i2, closed_on=date(2025, 6, 30), reason="handed_over",
                           indicators={"plan_implemented": "yes"})
    return w
