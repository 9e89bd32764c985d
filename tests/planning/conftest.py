from datetime import timedelta

import pytest

from lotse.network.services import partner_create
from lotse.planning import services
from lotse.planning.models import Plan


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


def plan_version(case) -> int:
    plan = Plan.objects.filter(case=case).first()
    return plan.version if plan else 0


@pytest.fixture
def add_goal(counsellor, today):
    def add(case, *, actor=None, **values):
        data = {"domain": "language", "category": "german", "client_words": "Ich möchte Deutsch B1 lernen.",
                "target_on": today + timedelta(days=120), **values}
        return services.goal_create(actor=actor or counsellor, case=case, version=plan_version(case), **data)
    return add


@pytest.fixture
def add_step(counsellor, today):
    def add(goal, *, actor=None, **values):
        data = {"description": "Sprachkurs suchen", "responsible": "counsellor", "due_on": today + timedelta(days=10),
                **values}
        return services.step_create(actor=actor or counsellor, goal=goal, version=plan_version(goal.plan.case), **data)
    return add
