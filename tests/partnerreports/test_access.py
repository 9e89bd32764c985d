"""The walker over the partner report URLs only (the full walk runs in tests/access), and the query budget of
the staff pages as the organisation grows (as tests/core/test_query_counts.py does for every page)."""

import pytest
from django.urls import reverse

from tests.access.specs import SPECS
from tests.access.specs_partnerreports import SPECS as OWN
from tests.access.walker import build_fixture, url_keys, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def fx(org_a, org_b, sysadmin):
    return build_fixture(org_a, org_b, sysadmin)


def test_partner_report_urls_refuse_whoever_the_policy_excludes(fx):
    assert set(OWN) <= set(url_keys())
    problems = walk(SPECS, fx, only=set(OWN))
    assert [str(p) for p in problems] == []


def test_public_urls_are_the_report_form_its_confirmation_and_the_api_only():
    assert sorted(key for key, spec in OWN.items() if spec.public) == [
        "api:partner_report_create", "partnerreports:report_form", "partnerreports:report_thanks"]


STAFF_PAGES = sorted(key for key, spec in OWN.items() if not spec.public and spec.method == "GET")


@pytest.mark.parametrize("key", STAFF_PAGES)
def test_staff_pages_cost_a_bounded_and_constant_number_of_queries(key, fx):
    from tests.core.test_query_counts import BUDGET, _count, _grow

    spec = SPECS[key]
    status, small = _count(key, spec, fx)
    assert status == 200
    _grow(fx, 15)
    status, large = _count(key, spec, fx)
    assert status == 200
    assert small <= BUDGET and large == small, (small, large)


def test_public_pages_need_no_login(token):
    from django.test import Client

    assert Client().get(reverse("partnerreports:report_form", args=[token])).status_code == 200
    assert Client().get(reverse("partnerreports:report_thanks", args=[token])).status_code == 200
