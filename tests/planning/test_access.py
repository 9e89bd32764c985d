"""The planning URLs against the access specs (the full walk in tests/access covers them too)."""

import pytest

from tests.access.specs import SPECS
from tests.access.walker import build_fixture, walk

pytestmark = pytest.mark.django_db


def test_walker_on_planning_urls(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    keys = {key for key in SPECS if key.startswith("planning:") or key in {
        "api:assessment_list", "api:assessment_create", "api:assessment_detail", "api:plan_detail",
        "api:goal_create", "api:goal_update", "api:step_create", "api:step_update"}}
    assert len(keys) == 23
    problems = walk(SPECS, fx, only=keys)
    assert not problems, "\n".join(map(str, problems))
