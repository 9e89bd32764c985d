"""The walker over the export URLs only (the full walk runs in tests/access)."""

import pytest

from tests.access.specs import SPECS
from tests.access.specs_exports import SPECS as EXPORT_SPECS
from tests.access.walker import build_fixture, walk

pytestmark = pytest.mark.django_db


def test_export_urls_refuse_whoever_the_policy_excludes(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    problems = walk(SPECS, fx, only=set(EXPORT_SPECS))
    assert [str(problem) for problem in problems] == []

    # The walk is not vacuous: claiming that everybody may open someone else's export is caught.
    from dataclasses import replace

    from tests.access.walker import EVERYONE

    wrong = {**SPECS, "exports:export_detail": replace(SPECS["exports:export_detail"], allowed=EVERYONE)}
    caught = {(problem.key, problem.who) for problem in walk(wrong, fx, only={"exports:export_detail"})}
    assert {("exports:export_detail", "own team_lead"), ("exports:export_detail", "sysadmin")} <= caught
