"""The walker over the network URLs only (the full walk runs in tests/access)."""

import pytest

from tests.access.specs import SPECS
from tests.access.specs_cooperation import SPECS as OWN
from tests.access.walker import build_fixture, url_keys, walk


@pytest.mark.django_db
def test_network_urls_refuse_whoever_the_policy_excludes(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    assert set(OWN) <= set(url_keys())
    problems = walk(SPECS, fx, only=set(OWN))
    assert [str(p) for p in problems] == []
