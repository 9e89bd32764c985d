"""The exports API: request, status, download; bad bodies are 400 with a message; own exports only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.accounts.services import api_token_create
from lotse.audit.models import AuditEvent
from lotse.exports.models import ExportJob
from tests.exports.conftest import read_csv

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"Authorization": f"Bearer {api_token_create(actor=user, name='Skript', valid_days=30)[1]}"}


def _create(client, headers, body):
    return client.post("/api/exports", body, content_type="application/json", headers=headers)


def test_request_follow_and_download(client, persons, counsellor, django_assert_max_num_queries):
    headers = _auth(counsellor)
    response = _create(client, headers, {"kind": "cases", "format": "csv", "parameters": {"alle": "1"}})
    assert response.status_code == 201, response.content
    data = response.json()
    job = ExportJob.objects.get()
    assert data["id"] == str(job.public_id) and data["status"] == "done" and data["rows_total"] == 0
    assert data["parameters"] == {"alle": "1", "status": "open"}
    assert data["download_url"] == f"/api/exports/{job.public_id}/download"
    with django_assert_max_num_queries(10):
        status = client.get(f"/api/exports/{job.public_id}", headers=headers)
    assert status.json()["rows_done"] == 0 and status.json()["expires_at"]
    with django_assert_max_num_queries(15):
        download = client.get(data["download_url"], headers=headers)
    assert download.status_code == 200
    assert read_csv(download.content)[0][:3] == ["Aktenzeichen", "Hauptklient/in", "Programm"]
    assert AuditEvent.objects.filter(action="export.downloaded", actor=counsellor).count() == 1


def test_person_export_through_the_api_with_a_query_string(client, persons, counsellor):
    headers = _auth(counsellor)
    data = _create(client, headers, {"kind": "persons", "format": "xlsx", "parameters": "q=Nasser"}).json()
    assert data["rows_total"] == 1 and data["parameters"] == {"q": "Nasser"}


@pytest.mark.parametrize("body", [
    {"kind": "nothing", "format": "csv"},
    {"kind": 7, "format": "csv"},
    {"kind": "persons", "format": "pdf"},
    {"kind": "persons", "format": ["csv"]},
    {"kind": "persons", "format": "csv", "parameters": ["q"]},
    {"kind": "persons", "format": "csv", "parameters": {"q": {"nested": 1}}},
    {"kind": "persons", "format": "csv", "parameters": {"q": "x" * 201}},
    {"kind": "cases", "format": "csv", "parameters": {"status": "bogus"}},
    {"kind": "cohort_members", "format": "csv", "parameters": {}},
])
def test_bad_bodies_are_400_with_a_message(client, persons, counsellor, body):
    response = _create(client, _auth(counsellor), body)
    assert response.status_code == 400, response.content
    assert response.json()["message"] and not ExportJob.objects.exists()


def test_missing_fields_are_refused(client, counsellor):
    for body in ({"format": "csv"}, {"kind": "persons"}, {}):
        response = _create(client, _auth(counsellor), body)
        assert response.status_code == 400 and response.json()["message"]


def test_a_list_the_user_may_not_see_is_403(client, persons, org_a):
    response = _create(client, _auth(org_a.user("coordinator")), {"kind": "persons", "format": "csv"})
    assert response.status_code == 403 and not ExportJob.objects.exists()


def test_someone_elses_export_is_404_and_an_expired_one_410(client, persons, counsellor, lead):
    data = _create(client, _auth(counsellor), {"kind": "persons", "format": "csv"}).json()
    other = _auth(lead)
    assert client.get(f"/api/exports/{data['id']}", headers=other).status_code == 404
    assert client.get(f"/api/exports/{data['id']}/download", headers=other).status_code == 404
    ExportJob.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    headers = _auth(counsellor)
    gone = client.get(f"/api/exports/{data['id']}/download", headers=headers)
    assert gone.status_code == 410 and gone.json()["message"]
    status = client.get(f"/api/exports/{data['id']}", headers=headers).json()
    assert status["status"] == "expired" and status["download_url"] is None


def test_a_running_export_is_409_on_download(client, persons, counsellor):
    job = ExportJob.objects.create(user=counsellor, kind="persons", title="Personen", format="csv",
                                   status="running", rows_done=2, rows_total=3, progressed_at=timezone.now(),
                                   expires_at=timezone.now() + timedelta(hours=24))
    headers = _auth(counsellor)
    status = client.get(f"/api/exports/{job.public_id}", headers=headers).json()
    assert (status["status"], status["rows_done"], status["rows_total"]) == ("running", 2, 3)
    assert client.get(f"/api/exports/{job.public_id}/download", headers=headers).status_code == 409
