import importlib

import pytest
from django.core.cache import cache

from lotse.accounts.models import User
from lotse.people.services import PersonData, person_create
from tests.factories import OrgWorld, login, make_org, make_user


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


@pytest.fixture
def counsellor(org_a):
    return org_a.user("counsellor")


@pytest.fixture
def lead(org_a):
    return org_a.user("team_lead")


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def case(org_a, make_person, counsellor):
    """An open case of org A's programme for Amal Haddad, owned by the counsellor."""
    from lotse.cases.services import case_request

    return case_request(actor=counsellor, person=make_person(), offering=org_a.offering)


@pytest.fixture
def cclient(client, counsellor):
    """A client logged in as org A's counsellor."""
    login(client, counsellor)
    return client


@pytest.fixture
def make_person(org_a, counsellor):
    def make(family_name="Haddad", given_names="Amal", team=None, actor=None, **extra):
        return person_create(actor=actor or counsellor, team=team or org_a.team,
                             data=PersonData(family_name=family_name, given_names=given_names, **extra))
    return make


# Data the migrations load (code lists, catalogues, default rules). Transactional tests (live server)
# flush every table afterwards, so those tests put it back first; the loaders are idempotent.
REFERENCE_DATA_LOADERS = [
    ("lotse.codelists.migrations.0002_load_codelists", "load_bundled_lists"),
    ("lotse.people.migrations.0002_residence_status_types", "forwards"),
    ("lotse.intake.migrations.0002_seed_topics_and_rules", "forwards"),
    ("lotse.privacy.migrations.0002_default_retention_rules", "forwards"),
    ("lotse.reports.migrations.0002_programme_templates", "forwards"),
]


@pytest.fixture
def reference_data(transactional_db):
    from django.apps import apps

    from lotse.codelists.models import Code
    from lotse.intake.models import Topic

    if not Code.objects.exists() or not Topic.objects.exists():
        for module, function in REFERENCE_DATA_LOADERS:
            getattr(importlib.import_module(module), function)(apps, None)
