"""The helper map page (SVG and table), adding, changing and ending manual entries, the case file section."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from lotse.cases.models import Case
from lotse.helpermap.models import HelperEntry
from tests.factories import german, login

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _svg(html: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))


def test_map_page_has_the_svg_with_title_and_the_table(add_helper, jobcentre, case, counsellor, today,
                                                       django_assert_max_num_queries):
    add_helper(partner=jobcentre, name="Frau Schulz", last_contact_on=today)
    add_helper(name="Frau Müller", organisation="Patenschaften", role="Patin", kind="volunteers")
    client = _client(counsellor)
    url = reverse("helpermap:helper_map", args=[case.public_id])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    html = response.content.decode()
    svg = _svg(html)
    assert svg.get("role") == "img" and svg.find("{http://www.w3.org/2000/svg}title").text
    assert svg.find("{http://www.w3.org/2000/svg}desc").text
    assert "<table" in html and german("Helpers of the family (text alternative to the map)") in html
    assert "Jobcenter Lindenau" in html and "Arbeitsvermittlung (Frau Schulz)" in html
    assert "Frau Müller" in html
    assert 'href="/static/helpermap/helpermap.css"' in html and not re.search(r"\sstyle=", html)
    assert 'role="region"' in html


def test_map_page_costs_the_same_however_many_helpers(add_helper, jobcentre, case, counsellor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(counsellor)
    url = reverse("helpermap:helper_map", args=[case.public_id])
    add_helper(partner=jobcentre)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    few = len(queries)
    for number in range(10):
        add_helper(name=f"Helferin {number}", role="Ehrenamt")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == few


def test_add_change_and_end_through_the_pages(case, counsellor, jobcentre, today):
    client = _client(counsellor)
    response = client.post(reverse("helpermap:entry_create", args=[case.public_id]), {
        "partner": str(jobcentre.public_id), "name": "", "organisation": "", "role": "Leistungen",
        "kind": "", "since": today.isoformat(), "last_contact_on": "", "note": ""})
    assert response.status_code == 302
    entry = HelperEntry.objects.get()
    edit = reverse("helpermap:entry_edit", args=[entry.public_id])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"partner": str(jobcentre.public_id), "role": "Leistungsabteilung",
                                  "since": today.isoformat(), "version": "1"})
    assert response.status_code == 302 and HelperEntry.objects.get().role == "Leistungsabteilung"
    stale = client.post(edit, {"partner": str(jobcentre.public_id), "role": "Alt", "since": today.isoformat(),
                               "version": "1"})
    assert stale.status_code == 409 and HelperEntry.objects.get().role == "Leistungsabteilung"
    end = reverse("helpermap:entry_end", args=[entry.public_id])
    assert client.post(end, {"version": "x"}).status_code == 302
    assert HelperEntry.objects.get().until is None
    client.post(reverse("helpermap:entry_end", args=[entry.public_id]), {"version": "2"})
    assert HelperEntry.objects.get().until == today
    page = client.get(reverse("helpermap:helper_map", args=[case.public_id])).content.decode()
    assert "Leistungsabteilung" in page  # still in the list of manual entries
    assert "Jobcenter Lindenau" not in _svg(page).find("{http://www.w3.org/2000/svg}desc").text
    with_ended = client.get(reverse("helpermap:helper_map", args=[case.public_id]), {"beendete": "on"})
    assert german("dashed line: no longer involved") in with_ended.content.decode()


def test_bad_input_saves_nothing(case, counsellor, foreign_partner, today):
    client = _client(counsellor)
    url = reverse("helpermap:entry_create", args=[case.public_id])
    for data in ({"role": "x", "since": today.isoformat()},
                 {"partner": str(foreign_partner.public_id), "role": "x", "since": today.isoformat()},
                 {"name": "Frau M", "role": "x", "since": (today + timedelta(days=3)).isoformat()}):
        response = client.post(url, data)
        assert response.status_code == 422
    assert not HelperEntry.objects.exists()


def test_closed_case_shows_the_map_but_takes_no_entries(add_helper, case, counsellor):
    add_helper(name="Frau Müller", role="Patin")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    client = _client(counsellor)
    page = client.get(reverse("helpermap:helper_map", args=[case.public_id])).content.decode()
    assert "Frau Müller" in page and reverse("helpermap:entry_create", args=[case.public_id]) not in page
    response = client.post(reverse("helpermap:entry_create", args=[case.public_id]), {
        "name": "Frau X", "role": "x", "since": "2026-01-01"})
    assert response.status_code == 302 and HelperEntry.objects.count() == 1


def test_case_file_shows_the_helper_section(add_helper, case, counsellor):
    add_helper(name="Frau Müller", role="Patin", kind="volunteers")
    html = _client(counsellor).get(reverse("cases:case_detail", args=[case.public_id])).content.decode()
    assert 'id="helpermap"' in html and "Frau Müller – Patin" in html
    assert reverse("helpermap:helper_map", args=[case.public_id]) in html
