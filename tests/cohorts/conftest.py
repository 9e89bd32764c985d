"""Builders for target-group tests: persons with a residence history, a life situation, children, households."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from lotse.people.models import (
    Household, HouseholdMember, LifeSituation, Person, Relationship, ResidenceStatus, ResidenceStatusType,
)


def years_ago(today: date, years: int, days: int = 0) -> date:
    return today - relativedelta(years=years) + relativedelta(days=days)


class World:
    """Writes test data directly, so each test states exactly the records it needs."""

    def __init__(self, org, counsellor, today):
        self.org, self.counsellor, self.today = org, counsellor, today
        self.number = 0

    def person(self, family="Person", given="", *, born=None, entry=None, team=None, **extra) -> Person:
        self.number += 1
        team = team or self.org.team
        return Person.objects.create(organisation_id=team.organisation_id, team=team,
                                     file_number=f"L-TEST-{self.number:04d}", family_name=family,
                                     given_names=given or f"P{self.number}", birth_date=born, entry_date=entry,
                                     **extra)

    def status(self, person, code, valid_from, valid_until=None) -> ResidenceStatus:
        return ResidenceStatus.objects.create(person=person, status_type=ResidenceStatusType.objects.get(code=code),
                                              valid_from=valid_from, valid_until=valid_until)

    def life(self, person, recorded_on, superseded_on=None, **areas) -> LifeSituation:
        return LifeSituation.objects.create(person=person, recorded_on=recorded_on, superseded_on=superseded_on,
                                            **areas)

    def parent(self, parent, child) -> Relationship:
        return Relationship.objects.create(person=parent, relative=child, kind=Relationship.Kind.PARENT)

    def household(self, *members, name="Familie", since=None, team=None) -> Household:
        team = team or members[0].team
        household = Household.objects.create(organisation_id=team.organisation_id, team=team, name=name)
        for member in members:
            HouseholdMember.objects.create(household=household, person=member, since=since or date(2015, 1, 1))
        return household

    def tolerated_family(self, name="Krasniqi", *, child_school="gymnasium", child_age=14, years=6,
                         livelihood="asylblg", accommodation="municipal_emergency", team=None):
        """A Münster family: both parents tolerated for ``years``, municipal accommodation, AsylbLG, a child."""
        father = self.person(name, "Arben", born=date(1980, 1, 1), team=team)
        mother = self.person(name, "Drita", born=date(1982, 1, 1), team=team)
        child = self.person(name, "Elira", born=years_ago(self.today, child_age), team=team)
        for parent in (father, mother):
            self.status(parent, "duldung", years_ago(self.today, years))
            self.life(parent, date(2020, 1, 1), accommodation=accommodation, livelihood=livelihood)
            self.parent(parent, child)
        self.status(child, "duldung", years_ago(self.today, years))
        self.life(child, date(2020, 1, 1), accommodation=accommodation, livelihood=livelihood,
                  education=child_school)
        household = self.household(father, mother, child, name=f"Familie {name}", team=team)
        return household, father, mother, child


@pytest.fixture
def world(org_a, counsellor, today):
    return World(org_a, counsellor, today)
