import pytest
from django.core.cache import cache

from lotse.accounts.models import User
from tests.factories import OrgWorld, make_org, make_user


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    settings.LOTSE_DEMO_MODE = False
    cache.clear()
    yield


@pytest.fixture
def org_a(db) -> OrgWorld:
    return make_org("A")


@pytest.fixture
def org_b(db) -> OrgWorld:
    return make_org("B")


@pytest.fixture
def sysadmin(db) -> User:
    return make_user("sysadmin-test", is_system_admin=True)
