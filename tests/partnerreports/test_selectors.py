"""What the case file's timeline shows of partner reports, for whom, at what cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotse.partnerreports import selectors, services
from lotse.partnerreports.models import PartnerReport
from tests.partnerreports.conftest import report_values

pytestmark = pytest.mark.django_db


def test_timeline_items_in_one_query_for_the_case_team_only(link, case, release, counsellor, org_a, org_b):
    services.report_submit(link=link, **report_values())
    services.report_submit(link=link, **report_values(kind="dropped_out", note="x" * 900))
    services.report_submit(link=link, **report_values(kind="other", note="",
                                                       occurred_on=timezone.localdate() - timedelta(days=3)))
    assert PartnerReport.objects.count() == 3
    with CaptureQueriesContext(connection) as queries:
        items = selectors.timeline_items(actor=counsellor, case=case)
    assert len(queries) <= 2  # the grants of the actor (cached per request) and the reports
    assert len(items) == 3 and {item.kind for item in items} == {"partner_report"}
    assert all("Sprachschule Lindenau" in item.label for item in items)
    assert max(len(item.detail) for item in items) < 250
    assert selectors.timeline_items(actor=org_a.user("team_lead"), case=case)
    for outsider in (org_b.user("counsellor"), org_a.user("accommodation"), org_a.user("org_admin"),
                     org_a.user("coordinator")):
        assert selectors.timeline_items(actor=outsider, case=case) == []


def test_link_list_is_scoped(issued, provider, org_a, org_b):
    assert selectors.link_list(actor=org_a.user("org_admin"), partner=provider) == [issued[0]]
    assert selectors.link_list(actor=org_b.user("org_admin"), partner=provider) == []
    assert selectors.link_list(actor=org_a.user("coordinator"), partner=provider) == []
