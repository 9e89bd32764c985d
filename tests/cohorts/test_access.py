"""The walker over the target-group and life-situation URLs only (the full walk runs in tests/access)."""

import pytest

from tests.access.specs import SPECS
from tests.access.specs_cohorts import SPECS as COHORTS
from tests.access.specs_lifesituation import SPECS as LIFE
from tests.access.walker import build_fixture, url_keys, walk


@pytest.mark.django_db
def test_cohort_and_life_situation_urls_refuse_whoever_the_policy_excludes(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    own = set(COHORTS) | set(LIFE)
    assert own <= set(url_keys())
    problems = walk(SPECS, fx, only=own)
    assert [str(p) for p in problems] == []
