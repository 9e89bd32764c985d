import pytest

from tests.access.specs import SPECS
from tests.access.walker import build_fixture, walk


@pytest.mark.django_db
def test_privacy_urls(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    keys = {k for k in SPECS if k.startswith("privacy:") or k == "api:person_export"}
    assert [str(p) for p in walk(SPECS, fx, only=keys)] == []
