"""The case file reads each area once: its summary, timeline and helper-map entries share the rows."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lotse.cases.casework import read_once, shared_reads
from tests.factories import login

pytestmark = pytest.mark.django_db

# Tables whose rows feed more than one part of the case file (section, timeline, helper map).
SHARED_AREAS = ("contacts_contact", "conferences_conference", "referrals_referral", "planning_assessment",
                "planning_goalagreement", "pools_volunteerassignment")


def _tables_read(queries) -> Counter:
    return Counter(match.group(1) for query in queries
                   if query["sql"].lstrip().upper().startswith("SELECT")
                   for match in [re.search(r'\bFROM "(\w+)"', query["sql"])] if match)


def test_each_shared_area_is_read_once_per_case_file(case, counsellor):
    client = Client()
    login(client, counsellor)
    url = reverse("cases:case_detail", args=[case.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = _tables_read(queries.captured_queries)
    assert {table: reads[table] for table in SHARED_AREAS} == dict.fromkeys(SHARED_AREAS, 1)


def test_read_once_shares_within_the_block_per_actor_and_reads_afresh_outside(case, counsellor, lead):
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    assert read_once(actor=counsellor, case=case, area="x", load=load) == 1
    assert read_once(actor=counsellor, case=case, area="x", load=load) == 2
    with shared_reads(case):
        assert read_once(actor=counsellor, case=case, area="x", load=load) == 3
        assert read_once(actor=counsellor, case=case, area="x", load=load) == 3
        assert read_once(actor=lead, case=case, area="x", load=load) == 4
        assert read_once(actor=counsellor, case=case, area="y", load=load) == 5
    assert read_once(actor=counsellor, case=case, area="x", load=load) == 6
    assert not hasattr(case, "_shared_reads")
