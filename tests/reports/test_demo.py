"""The statistics demo: idempotent, the numbers it is designed to create, nothing depends on the day it is
loaded, and the reports built on it show figures worth looking at (also after protection)."""

from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from lotse.accounts.models import User
from lotse.cases.models import Case, CaseMember, Closure
from lotse.contacts.models import Contact
from lotse.core.demo import seed_demo
from lotse.intake.models import EligibilityCheck, Topic
from lotse.organisations.models import Membership, Organisation, Role, Team
from lotse.people.models import Household, LifeSituation, Person
from lotse.planning.models import GoalAgreement, Plan
from lotse.referrals.models import Referral
from lotse.reports import demo
from lotse.reports.demo import demo_file_numbers, seed_statistics_demo
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build

pytestmark = pytest.mark.django_db

MBE, JMD, SIM = "MBE-Team Lindenau-Nord", "JMD-Team Lindenau", "SIM-Team Haanfeld"
# By design (lotse/reports/demo.py): 90 MBE main clients (9 nationalities: 20+18+12+10+8+6+6+5+5), two of
# them on the waiting list; 30 JMD clients (6+6+5+3+2+2+3+3); 13 SIM families with 24 adults and 26 children
# plus 3 single persons = 53 persons and 16 cases. The other numbers below (open/closed, contacts, spouses and
# children, …) are what random.Random(2026) draws; they are the same on every day (see the test for that).
CASES = {(JMD, "open"): 10, (JMD, "closed"): 20, (MBE, "open"): 40, (MBE, "closed"): 48, (MBE, "waiting"): 2,
         (SIM, "open"): 12, (SIM, "closed"): 4}
MUENSTER_FAMILIES = {"Familie Berisha", "Familie Khalaf", "Familie Krasniqi", "Familie Rahimi", "Familie Ramić"}


@pytest.fixture
def seeded():
    seed_demo()
    seed_statistics_demo()  # does nothing if seed_demo() already called it
    return Person.objects.filter(file_number__in=demo_file_numbers())


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in (
        User, Membership, Person, LifeSituation, Household, Case, CaseMember, Closure, Contact, Plan,
        GoalAgreement, Referral, EligibilityCheck, Topic)}


def _last_month() -> Period:
    first = timezone.localdate().replace(day=1)
    previous = first - timedelta(days=1)
    return Period.month(previous.year, previous.month)


def test_runs_twice_without_creating_more(seeded):
    counts = _counts()
    assert seed_statistics_demo() == {}
    seed_demo()
    assert _counts() == counts


def test_creates_the_expected_numbers(seeded):
    persons = dict(seeded.values_list("team__name").annotate(n=Count("id")))
    mains = Case.objects.filter(person__in=seeded)
    assert mains.values("person").distinct().count() == 90 + 30 + 16
    assert persons[JMD] == 30 and persons[SIM] == 53 and persons[MBE] == 199
    assert dict(((team, status), n) for team, status, n in mains.values_list("team__name", "status").annotate(
        n=Count("id"))) == CASES
    assert Contact.objects.filter(case__in=mains).count() == 1117
    assert LifeSituation.objects.filter(person__in=seeded).count() == 392
    assert LifeSituation.objects.filter(person__in=seeded, superseded_on__isnull=True).count() == 282
    assert Closure.objects.filter(case__in=mains).count() == 72
    assert Referral.objects.filter(case__in=mains).count() == 127
    assert CaseMember.objects.filter(case__in=mains).count() == 64
    # whether a borderline age or date of entry meets the rule depends on the calendar: a handful is overridden
    assert 5 <= EligibilityCheck.objects.filter(person__in=seeded, override=True).count() <= 10
    assert Topic.objects.filter(programme="jmd", code__startswith="jmd-lindenau-").count() == 9
    mbe = Team.objects.get(name=MBE)
    assert set(User.objects.filter(memberships__team=mbe, memberships__role=Role.COUNSELLOR).values_list(
        "username", flat=True)) == {"berater", "berater2", "berater3"}
    assert set(mains.filter(team=mbe).values_list("owner__username", flat=True)) == {
        "berater", "berater2", "berater3"}
    # the Haddad case of the casework demo is left alone
    haddad = Case.objects.get(person__family_name="Haddad", person__given_names="Amal", status="open")
    assert Contact.objects.filter(case=haddad).count() == 2
    assert not seeded.filter(family_name__in=["Haddad", "Ahmadi"]).exists()


def test_nothing_depends_on_the_day():
    """The rows are generated from day offsets: loading the demo on any day creates the same numbers."""
    seed_demo()
    world = demo._world()
    sizes = []
    for today in (date(2026, 11, 21), date(2027, 3, 1), date(2028, 2, 29)):
        seeder = demo._Seeder(today=today, world=world)
        demo._seed_mbe(seeder)
        demo._seed_jmd(seeder)
        demo._seed_sim(seeder)
        demo._life_situation_rows(seeder)
        sizes.append({key: len(rows) for key, rows in seeder.rows.items()})
    assert sizes[0] == sizes[1] == sizes[2]
    assert sizes[0]["contact"] == 1117 and sizes[0]["person"] == 282


def test_reports_and_target_groups_show_figures(seeded):
    from lotse.cohorts.criteria import PRESETS, household_queryset

    welfare = Organisation.objects.get(name="Caritasverband Lindenau e. V.")
    mbe = Team.objects.get(name=MBE)
    lead = User.objects.get(username="teamleitung")
    coordinator = User.objects.get(username="koordination")
    period = _last_month()

    monthly = report_build(actor=lead, kind="monthly", period=period, organisations=[welfare], team=mbe)
    current, previous, last_year = monthly.section("contacts_by_kind").total_row()
    assert current >= 20 and previous >= 20 and last_year >= 10

    # For the coordinator, cells below 5 are hidden, but many stay visible.
    protected = report_build(actor=coordinator, kind="monthly", period=period, organisations=[welfare])
    shown = [value for line in protected.section("contacts_by_topic").shown() for value in line]
    assert sum(1 for value in shown if value is not None and value >= 5) >= 10

    year = Period.year(timezone.localdate().year - 1)
    programme = report_build(actor=coordinator, kind="mbe", period=year, organisations=[welfare])
    nationalities = programme.section("nationality").shown()
    assert sum(1 for line in nationalities[:-1] if line[0] is not None and line[0] >= 5) >= 5

    monitoring = report_build(actor=coordinator, kind="monitoring", period=year, organisations=[welfare])
    persons = monitoring.section("persons").grid()
    assert persons[-1][-1] >= 40

    households = household_queryset(PRESETS["muenster"]["criteria"], seeded)
    assert set(households.values_list("name", flat=True)) == MUENSTER_FAMILIES
