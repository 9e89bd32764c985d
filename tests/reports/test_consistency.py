"""Totals agree across reports (issue 7, point 8): a person counted in the monthly controlling is in the programme
report of the same period, and both count the same contacts. Checked on the demo world, month by month."""

import pytest
from django.db.models import Q
from django.utils import timezone

from lotse.accounts.models import User
from lotse.cases.models import Case
from lotse.contacts.models import Contact
from lotse.core.demo import seed_demo
from lotse.organisations.models import Team
from lotse.reports.periods import Period
from lotse.reports.selectors import report_build

pytestmark = pytest.mark.django_db


def _months_before(today, count):
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        yield Period.month(year, month)


def _value(table, row_key, column=0):
    return next(row.values[column] for row in table.rows if row.key == row_key)


def test_monthly_controlling_and_mbe_report_count_the_same_people_and_contacts():
    seed_demo()
    lead = User.objects.get(username="teamleitung")
    team = Team.objects.get(name="MBE-Team Lindenau-Nord")
    months_with_contacts = 0
    for period in _months_before(timezone.localdate(), 12):
        monthly = report_build(actor=lead, kind="monthly", period=period, organisations=[team.organisation],
                               team=team)
        mbe = report_build(actor=lead, kind="mbe", period=period, organisations=[team.organisation], team=team)
        assert not monthly.is_protected and not mbe.is_protected
        contacts = monthly.section("contacts_by_topic").total_row()[0]
        assert contacts == sum(monthly.section("contacts_by_kind").total_row()[:1])
        by_topic = {row.key: row.values[0] for row in monthly.section("contacts_by_topic").rows}
        mbe_topics = {row.key: row.values[0] for row in mbe.section("topics").rows}
        assert mbe.section("topics").total_row()[0] == contacts - by_topic["none"], period
        assert {key: value for key, value in mbe_topics.items() if value} == {
            key: value for key, value in by_topic.items() if value and key != "none"}, period
        reached = _value(monthly.section("persons_reached"), "main_clients")
        assert reached <= mbe.section("cases").total_row()[0], period
        months_with_contacts += contacts > 0

        start, end = period.bounds()
        reached_persons = set(Contact.objects.filter(case__team=team, occurred_at__gte=start, occurred_at__lt=end)
                              .values_list("case__person_id", flat=True))
        in_programme_report = set(
            Case.objects.filter(team=team, offering__programme="mbe", opened_on__lte=period.end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)).values_list("person_id", flat=True))
        assert len(reached_persons) == reached
        assert reached_persons <= in_programme_report, period
    assert months_with_contacts >= 10
