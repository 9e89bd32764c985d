"""The referral URLs against their access specs (the project-wide walker covers them too; this walks ours)."""

import pytest

from tests.access.specs import SPECS
from tests.access.specs_referrals import SPECS as REFERRAL_SPECS
from tests.access.walker import build_fixture, url_keys, walk

pytestmark = pytest.mark.django_db


def test_every_referral_url_has_a_spec():
    ours = {key for key in url_keys() if key.startswith("referrals:") or (key.startswith("api:referral"))}
    assert ours == set(REFERRAL_SPECS)
    assert set(REFERRAL_SPECS) <= set(SPECS)


def test_every_referral_url_refuses_whoever_the_policy_excludes(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    problems = walk(SPECS, fx, only=set(REFERRAL_SPECS))
    assert [str(problem) for problem in problems] == []
