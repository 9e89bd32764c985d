import pytest

from lotse.people.services import PersonData, person_create
from tests.factories import login


@pytest.fixture
def counsellor(org_a):
    return org_a.user("counsellor")


@pytest.fixture
def cclient(client, counsellor):
    login(client, counsellor)
    return client


@pytest.fixture
def make_person(org_a, counsellor):
    def make(family_name="Haddad", given_names="Amal", team=None, actor=None, **extra):
        return person_create(actor=actor or counsellor, team=team or org_a.team,
                             data=PersonData(family_name=family_name, given_names=given_names, **extra))
    return make
