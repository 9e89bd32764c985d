"""The URL walker on the intake URLs alone (the full walk lives in tests/access)."""

import pytest

from tests.access.specs import SPECS
from tests.access.specs_intake import SPECS as INTAKE_SPECS
from tests.access.walker import build_fixture, url_keys, walk

pytestmark = pytest.mark.django_db


def test_every_intake_url_has_a_spec():
    keys = [key for key in url_keys() if key.startswith("intake:")]
    assert keys and all(key in INTAKE_SPECS for key in keys)


def test_intake_urls_refuse_whoever_the_policy_excludes(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    problems = walk(SPECS, fx, only=set(INTAKE_SPECS))
    assert [str(p) for p in problems] == []
