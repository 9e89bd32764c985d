"""Export pages: buttons on the list pages, request, status with progress (htmx), download, expiry, errors."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lotse.audit.models import AuditEvent
from lotse.exports.models import ExportJob
from tests.exports.conftest import read_csv, read_xlsx
from tests.factories import login

pytestmark = pytest.mark.django_db
CREATE = reverse("exports:export_create")
LIST = reverse("exports:export_list")


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _request(client, **data):
    values = {"kind": "persons", "format": "csv", "parameters": ""}
    values.update(data)
    return client.post(CREATE, values)


def _running(user) -> ExportJob:
    """An export in progress: 1,500 of 12,000 rows written."""
    return ExportJob.objects.create(user=user, kind="persons", title="Personen", format="csv",
                                    status="running", rows_done=1500, rows_total=12000, progressed_at=timezone.now(),
                                    expires_at=timezone.now() + timedelta(hours=24))


def _job() -> ExportJob:
    return ExportJob.objects.get()


# ---- the buttons on the list pages -----------------------------------------------------------------------

@pytest.mark.parametrize("role, url, kind", [
    ("counsellor", "/personen/?q=Haddad", "persons"),
    ("counsellor", "/faelle/?alle=1&status=closed", "cases"),
    ("counsellor", "/erstkontakte/", "first_contacts"),
    ("counsellor", "/termine/", "appointments"),
    ("org_admin", "/mitarbeitende/?q=a", "staff"),
    ("org_admin", "/protokoll/?kategorie=read", "audit_events"),
])
def test_list_pages_offer_the_export_of_what_they_show(org_a, role, url, kind, django_assert_max_num_queries):
    client = _client(org_a.user(role))
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'action="{CREATE}"' in html and f'name="kind" value="{kind}"' in html
    query = url.partition("?")[2].replace("&", "&amp;")
    assert f'name="parameters" value="{query}"' in html
    assert 'name="format" value="xlsx"' in html and 'name="format" value="csv"' in html


def test_the_person_search_result_carries_its_query_to_the_export(persons, cclient):
    response = cclient.get("/personen/?q=Nasser", headers={"HX-Request": "true"})
    assert 'name="parameters" value="q=Nasser"' in response.content.decode()


# ---- request and status ----------------------------------------------------------------------------------

def test_request_redirects_to_the_status_page_with_the_download(persons, counsellor,
                                                                django_assert_max_num_queries):
    client = _client(counsellor)
    with django_assert_max_num_queries(45):
        response = _request(client, parameters="q=Haddad&nach=x", format="xlsx", next="/personen/?q=Haddad")
    job = _job()
    assert response.status_code == 302 and response["Location"] == reverse("exports:export_detail",
                                                                           args=[job.public_id])
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and 'id="export-download"' in html
    assert reverse("exports:export_download", args=[job.public_id]) in html
    assert timezone.localtime(job.expires_at).strftime("%d.%m.%Y %H:%M") in html
    assert "hx-trigger" not in html  # finished: no polling
    assert 'name="parameters" value="q=Haddad"' in html  # "export again" keeps the filter
    with django_assert_max_num_queries(15):
        download = client.post(reverse("exports:export_download", args=[job.public_id]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert [row[1] for row in read_xlsx(download.content)] == ["Familienname", "Haddad"]
    assert AuditEvent.objects.filter(action="export.downloaded", actor=counsellor).count() == 1


def test_a_running_export_polls_its_progress(persons, counsellor, django_assert_max_num_queries):
    client = _client(counsellor)
    job = _running(counsellor)
    url = reverse("exports:export_detail", args=[job.public_id])
    with translation.override("en"):
        with django_assert_max_num_queries(12):
            page = client.get(url, headers={"Accept-Language": "en"})
        partial = client.get(url, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert re.search(r'<progress id="export-progress" max="12000" value="1500">', html)
    assert 'aria-live="polite"' in html
    assert re.search(r"1[.,]500 (of|von) 12[.,]000", html)
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="export-status"') and "<html" not in body
    assert 'hx-trigger="every 1s"' in body
    download = client.post(reverse("exports:export_download", args=[job.public_id]))
    assert download.status_code == 409


def test_the_german_progress_text(persons, counsellor):
    client = _client(counsellor)
    job = _running(counsellor)
    client.post(reverse("core:set_language"), {"language": "de"})
    html = client.get(reverse("exports:export_detail", args=[job.public_id]), headers={"HX-Request": "true"}
                      ).content.decode()
    assert "1.500" in html and "12.000" in html


def test_a_finished_export_stops_polling(persons, counsellor):
    client = _client(counsellor)
    _request(client)
    job = _job()
    body = client.get(reverse("exports:export_detail", args=[job.public_id]),
                      headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body and 'id="export-download"' in body


# ---- who, when -------------------------------------------------------------------------------------------

def test_another_user_gets_404(persons, counsellor, lead, sysadmin):
    _request(_client(counsellor))
    job = _job()
    for other in (lead, sysadmin):
        client = _client(other)
        assert client.get(reverse("exports:export_detail", args=[job.public_id])).status_code == 404
        assert client.post(reverse("exports:export_download", args=[job.public_id])).status_code == 404
        assert str(job.public_id) not in client.get(LIST).content.decode()
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_an_expired_export_is_gone_with_410(persons, counsellor):
    client = _client(counsellor)
    _request(client)
    job = _job()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(reverse("exports:export_download", args=[job.public_id]))
    assert response.status_code == 410 and 'id="export-problem"' in response.content.decode()
    job.refresh_from_db()
    assert job.status == "expired" and job.content is None
    page = client.get(reverse("exports:export_detail", args=[job.public_id]))
    assert page.status_code == 200 and 'id="export-download"' not in page.content.decode()


def test_the_list_page_shows_own_exports_and_expires_lazily(persons, counsellor,
                                                            django_assert_max_num_queries):
    client = _client(counsellor)
    _request(client)
    _request(client, format="xlsx")
    old, new = ExportJob.objects.order_by("id")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(reverse("exports:export_detail", args=[old.public_id])) == 1
    assert html.count(reverse("exports:export_detail", args=[new.public_id])) == 1
    old.refresh_from_db()
    assert old.status == "expired" and old.content is None
    assert 'name="kind"' in html and '<option value="persons"' in html and '<option value="staff"' in html
    assert '<option value="audit_events"' not in html  # a counsellor does not read the audit log


# ---- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {"kind": "nothing"},
    {"kind": ""},
    {"format": "pdf"},
    {"format": ""},
    {"parameters": "q=" + "x" * 300},
    {"kind": "cases", "parameters": "status=<script>alert('xss')</script>"},
    {"parameters": "x" * 2001},
    {"kind": "x" * 51},
])
def test_bad_requests_get_400_with_a_message(persons, counsellor, data):
    client = _client(counsellor)
    response = _request(client, next="https://evil.invalid/", **data)
    html = response.content.decode()
    assert response.status_code == 400 and 'id="export-problem"' in html
    assert "<script>alert('xss')</script>" not in html and "evil.invalid" not in html
    assert not ExportJob.objects.exists()


def test_a_list_the_user_may_not_see_is_403(persons, org_a):
    response = _request(_client(org_a.user("coordinator")))
    assert response.status_code == 403 and not ExportJob.objects.exists()


def test_get_on_the_request_url_is_not_allowed(cclient):
    assert cclient.get(CREATE).status_code == 405


def test_without_csrf_token_the_request_is_refused(persons, counsellor):
    client = Client(enforce_csrf_checks=True)
    login(client, counsellor)
    assert client.post(CREATE, {"kind": "persons", "format": "csv"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_csv_download_through_the_pages(persons, counsellor):
    client = _client(counsellor)
    response = _request(client, kind="persons")
    job = _job()
    download = client.post(reverse("exports:export_download", args=[job.public_id]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert [row[1] for row in read_csv(download.content)] == ["Familienname", "Abadi", "Haddad", "Nasser"]
    assert response.status_code == 302
