"""The demo: life situations of the demo persons and the municipality's target groups, idempotent."""

import inspect

import pytest

from lotse.cohorts.demo import seed_demo as seed_cohorts
from lotse.cohorts.models import Cohort
from lotse.cohorts.selectors import cohort_count
from lotse.core.demo import seed_demo
from lotse.people.demo_life import SITUATIONS, seed_life_situations
from lotse.people.models import LifeSituation

pytestmark = pytest.mark.django_db


def _demo_records():
    from lotse.people.models import Person

    ids = [p.pk for p in Person.objects.all() if (p.family_name, p.given_names) in SITUATIONS]
    return LifeSituation.objects.filter(person_id__in=ids)


def test_demo_life_situations_and_target_groups():
    from lotse.accounts.models import User

    # the statistics demo (if the core demo has one) adds persons of its own; left out here
    options = {"statistics": False} if "statistics" in inspect.signature(seed_demo).parameters else {}
    seed_demo(**options)
    seed_life_situations()  # the core demo may already have called it
    records = _demo_records()
    assert records.count() == 18
    assert records.filter(superseded_on__isnull=True).count() == 11
    assert seed_life_situations() == 0 and _demo_records().count() == 18
    assert Cohort.objects.count() == 2 and seed_cohorts() == 0  # seed_demo() created both
    team_group = Cohort.objects.get(team__isnull=False)
    count = cohort_count(actor=User.objects.get(username="sim-beraterin"), cohort=team_group)
    assert (count.value, count.exact) == (1, True)  # the Ahmadi household
    organisation_group = Cohort.objects.get(team__isnull=True)
    count = cohort_count(actor=User.objects.get(username="koordination"), cohort=organisation_group)
    assert count.value == 0 and not count.exact  # no child in secondary school among the Ahmadis
