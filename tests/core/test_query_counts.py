"""Every page costs a constant number of queries, however much data the organisation holds."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.accounts.services import api_token_create
from lotse.organisations.models import Membership, ProgrammeOffering, Team
from tests.access.specs import SPECS
from tests.access.walker import SYSADMIN, Fixture, build_fixture
from tests.factories import login, make_user

pytestmark = pytest.mark.django_db

BUDGET = 30
# The Art. 15 export reads every table that holds something about the person (one query each, constant).
# The case file, which gathers every area of the case, fits the common budget: each area is read once
# (tests/cases/test_case_file.py).
BUDGETS = {"api:person_export": 40}
GET_PAGES = sorted(key for key, spec in SPECS.items() if not spec.public and spec.method == "GET")


def _grow(fx: Fixture, n: int) -> None:
    organisation = fx.a.organisation
    for i in range(n):
        offering = ProgrammeOffering.objects.create(organisation=organisation, programme="jmd", name=f"JMD {i}")
        team = Team.objects.create(organisation=organisation, name=f"Zusatzteam {i}")
        team.offerings.add(offering)
        for j in range(3):
            user = make_user(f"zusatz-{i}-{j}")
            Membership.objects.create(user=user, organisation=organisation, team=fx.a.team, role="counsellor")
            Membership.objects.create(user=user, organisation=organisation, team=team, role="counsellor")


def _count(key, spec, fx) -> tuple[int, int]:
    role = sorted(spec.allowed - {SYSADMIN})[0] if spec.allowed - {SYSADMIN} else SYSADMIN
    user = fx.sysadmin if role == SYSADMIN else fx.a.user(role)
    client, headers = Client(), {}
    if spec.api:
        headers = {"Authorization": f"Bearer {api_token_create(actor=user, name='q', valid_days=1)[1]}"}
    else:
        login(client, user)
    url = reverse(key, kwargs=spec.kwargs(fx) if spec.kwargs else {})
    client.get(url, headers=headers)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, headers=headers).status_code
    return status, len(queries)


@pytest.fixture
def fx(org_a, org_b, sysadmin):
    return build_fixture(org_a, org_b, sysadmin)


@pytest.mark.parametrize("key", GET_PAGES)
def test_page_query_count_is_bounded_and_constant(key, fx):
    spec = SPECS[key]
    status, small = _count(key, spec, fx)
    assert status == 200
    _grow(fx, 15)
    status, large = _count(key, spec, fx)
    assert status == 200
    assert small <= BUDGETS.get(key, BUDGET), f"{key}: {small} queries"
    assert large == small, f"{key}: {small} queries with little data, {large} with more"
