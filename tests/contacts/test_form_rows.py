"""Keyboard-only recording: more agreement rows without JavaScript, prefilled defaults; the case-file section."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.cases.models import Task
from lotse.contacts import selectors
from lotse.contacts.models import Contact

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _data(**extra):
    when = timezone.localtime() - timedelta(hours=1)
    return {"occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "30", "kind": "office_hour",
            "outcome": "took_place", "topics": ["mbe-labour"], "agreement_rows": "3", **extra}


def test_the_form_prefills_now_and_30_minutes(case, cclient, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        html = cclient.get(reverse("contacts:contact_create", args=[case.public_id])).content.decode()
    assert 'type="datetime-local"' in html and 'value="30"' in html
    assert timezone.localtime().strftime("%Y-%m-%dT") in html
    assert 'name="agreement_rows" value="3"' in html and 'name="add_agreement"' in html


def test_a_row_is_added_with_focus_kept_entries_and_no_errors(case, cclient, django_assert_max_num_queries):
    url = reverse("contacts:contact_create", args=[case.public_id])
    with django_assert_max_num_queries(20):
        response = cclient.post(url, _data(agreement_1_title="Schon eingetragen", add_agreement="1",
                                           duration_minutes=""))
    assert response.status_code == 200 and not Contact.objects.exists()
    form = response.context["form"]
    assert not form.errors  # nothing is reported before the user saves
    assert "autofocus" in str(form["agreement_4_title"])
    html = response.content.decode()
    assert 'name="agreement_rows" value="4"' in html and "Schon eingetragen" in html
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = cclient.post(url, _data(agreement_rows="4", agreement_4_title="Neue Zeile",
                                       agreement_4_responsible="client", agreement_4_due_on=due))
    assert response.status_code == 302
    assert list(Task.objects.values_list("title", flat=True)) == ["Neue Zeile"]


@pytest.mark.parametrize("rows, shown", [("100000", 20), ("-5", 4), ("drei", 4), ("", 4), ("19", 20)])
def test_a_forged_row_count_is_clamped(case, cclient, rows, shown):
    response = cclient.post(reverse("contacts:contact_create", args=[case.public_id]),
                            _data(agreement_rows=rows, add_agreement="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="agreement_{shown}_title"' in html and f'name="agreement_{shown + 1}_title"' not in html


def _fill(case, author, n):
    base = datetime(2026, 1, 1, 9, tzinfo=BERLIN)
    topics = list(selectors.Topic.objects.filter(code__in=["mbe-labour", "mbe-housing"]))
    for i in range(n):
        contact = Contact.objects.create(case=case, occurred_at=base + timedelta(hours=i), duration_minutes=30,
                                         kind="office_hour", author=author)
        contact.topics.set(topics)


def test_the_case_file_section_costs_constant_queries(case, counsellor):
    def render():
        with CaptureQueriesContext(connection) as queries:
            summary = selectors.case_contact_summary(actor=counsellor, case=case)
            html = render_to_string("contacts/_case_section.html", {"contacts_summary": summary, "case": case})
        return html, len(queries)

    _fill(case, counsellor, 2)
    html, small = render()
    assert "(2)" in html and f"/faelle/{case.public_id}/kontakte/neu/" in html
    assert f'href="/faelle/{case.public_id}/kontakte/"' in html
    _fill(case, counsellor, 30)
    html, large = render()
    assert "(32)" in html and large == small <= 5
