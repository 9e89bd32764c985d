"""Producing, auditing, expiring and downloading exports."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from lotse.audit.models import AuditEvent, AuditEventRecord
from lotse.exports import services
from lotse.exports.models import ExportJob
from lotse.exports.selectors import export_get, export_list
from lotse.exports.services import ExportGone, ExportNotReady, export_download, export_request
from lotse.people.models import Person
from tests.exports.conftest import read, read_csv, read_xlsx
from tests.factories import german

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = ["=HYPERLINK(\"http://evil.invalid\";\"klick\")", "+Plus", "-Minus", "@Summe"]


@pytest.fixture
def hostile(persons):
    """Persons whose given names a spreadsheet program would run as formulas (names are free text here)."""
    Person.objects.filter(pk=persons["nasser"].pk).update(given_names=HOSTILE_NAMES[0])
    Person.objects.filter(pk=persons["abadi"].pk).update(given_names=HOSTILE_NAMES[3])
    return persons


def _request(actor, **extra):
    values = {"kind": "persons", "parameters": "", "format": "csv", **extra}
    job = export_request(actor=actor, **values)
    job.refresh_from_db()
    return job


# ---- the files -------------------------------------------------------------------------------------------

def test_csv_parses_and_neutralises_formulas(hostile, counsellor):
    job = _request(counsellor)
    assert job.content_type == "text/csv; charset=utf-8" and job.filename.startswith("personen-")
    rows = read_csv(bytes(job.content))
    given = dict(zip([row[1] for row in rows[1:]], [row[2] for row in rows[1:]]))
    assert given == {"Abadi": "'@Summe", "Haddad": "Amal", "Nasser": "'" + HOSTILE_NAMES[0]}


def test_xlsx_parses_and_keeps_formulas_as_text(hostile, counsellor):
    import io

    import openpyxl

    job = _request(counsellor, format="xlsx")
    assert job.filename.endswith(".xlsx")
    rows = read_xlsx(bytes(job.content))
    assert rows[0][:3] == ["Aktenzeichen", "Familienname", "Vornamen"]
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(job.content))).worksheets[0]
    cells = {row[1].value: row[2] for row in sheet.iter_rows(min_row=2)}
    assert cells["Nasser"].value == HOSTILE_NAMES[0] and cells["Nasser"].data_type == "s"
    assert cells["Nasser"].quotePrefix and cells["Abadi"].quotePrefix
    assert not cells["Haddad"].quotePrefix
    assert sheet.title == german("Persons")


# ---- progress and the audit trail ------------------------------------------------------------------------

def test_progress_moves_in_batches(persons, counsellor, settings, monkeypatch):
    settings.LOTSE_EXPORT_BATCH_SIZE = 2
    seen = []
    original = services._record_progress

    def spy(job, rows_done):
        original(job, rows_done)
        seen.append(ExportJob.objects.values_list("rows_done", "rows_total", "status").get(pk=job.pk))

    monkeypatch.setattr(services, "_record_progress", spy)
    job = _request(counsellor)
    assert seen == [(2, 3, "running"), (3, 3, "running")]
    assert (job.rows_done, job.rows_total, job.status) == (3, 3, "done")
    assert job.finished_at is not None and job.progressed_at is not None


def test_request_and_exported_persons_are_audited(persons, counsellor):
    job = _request(counsellor, parameters="q=Haddad")
    requested = AuditEvent.objects.get(action="export.requested")
    assert requested.object_id == str(job.public_id) and requested.actor == counsellor
    assert requested.details == {"kind": "persons", "format": "csv", "parameters": {"q": "Haddad"}, "rows": 1}
    exported = AuditEvent.objects.get(action="export.records_exported")
    assert exported.object_type == "people.person"
    assert exported.details["ids"] == [str(persons["haddad"].public_id)]
    assert exported.details["export"] == str(job.public_id)
    assert list(AuditEventRecord.objects.filter(event=exported).values_list("object_id", flat=True)) == [
        str(persons["haddad"].public_id)]


def test_first_contact_export_audits_contacts_and_persons(persons, counsellor, org_a):
    from lotse.intake.services import FirstContactData, first_contact_record

    anonymous = first_contact_record(actor=counsellor, team=org_a.team, data=FirstContactData(
        channel="phone", outcome="answered"))
    named = first_contact_record(actor=counsellor, team=org_a.team, person=persons["nasser"],
                                 data=FirstContactData(channel="phone", outcome="answered"))
    _request(counsellor, kind="first_contacts")
    events = {event.object_type: event.details["ids"]
              for event in AuditEvent.objects.filter(action="export.records_exported")}
    assert sorted(events["intake.firstcontact"]) == sorted([str(anonymous.public_id), str(named.public_id)])
    assert events["people.person"] == [str(persons["nasser"].public_id)]


def test_a_failure_stores_nothing_and_says_so_in_german(persons, counsellor, monkeypatch):
    from lotse.exports.sources import PersonSource

    def broken(self, obj):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PersonSource, "row", broken)
    job = _request(counsellor)
    assert job.status == "failed" and job.content is None
    assert job.error == services._failure_message() and job.error
    assert not AuditEvent.objects.filter(action="export.records_exported").exists()
    with pytest.raises(ExportNotReady):
        export_download(actor=counsellor,
                        job=export_get(actor=counsellor, public_id=job.public_id, content=True))


def test_an_export_is_refused_at_run_time_when_the_right_is_gone(persons, counsellor, monkeypatch):
    from lotse.exports.sources import PersonSource

    monkeypatch.setattr(PersonSource, "count", lambda self, **kwargs: 3)
    job = _request(counsellor)
    assert job.status == "done"
    counsellor.memberships.update(is_active=False)
    from lotse.access import policy

    policy.forget(counsellor)
    job = ExportJob.objects.select_related("user").get(pk=job.pk)
    job.status = "queued"
    services.export_run(job=job)
    job.refresh_from_db()
    assert job.status == "failed" and job.content is None


# ---- download, expiry, stalled runs ----------------------------------------------------------------------

def test_download_is_for_the_requesting_user_only(persons, counsellor, lead, sysadmin):
    job = _request(counsellor)
    for other in (lead, sysadmin):
        with pytest.raises(Http404):
            export_get(actor=other, public_id=job.public_id)
        assert export_list(actor=other) == []
    own = export_get(actor=counsellor, public_id=job.public_id, content=True)
    export_download(actor=counsellor, job=own)
    downloaded = AuditEvent.objects.get(action="export.downloaded")
    assert downloaded.actor == counsellor and downloaded.object_id == str(job.public_id)
    assert downloaded.details == {"kind": "persons", "format": "csv", "rows": 3}
    job.refresh_from_db()
    assert job.download_count == 1
    denials = AuditEvent.objects.filter(action="access.denied", details__lookup__public_id=str(job.public_id))
    assert denials.count() == 2


def test_expired_files_are_gone(persons, counsellor):
    job = _request(counsellor)
    assert abs((job.expires_at - job.created_at) - timedelta(hours=24)) < timedelta(seconds=1)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    job = export_get(actor=counsellor, public_id=job.public_id, content=True)
    with pytest.raises(ExportGone):
        export_download(actor=counsellor, job=job)
    job.refresh_from_db()
    assert job.status == "expired" and job.content is None


def test_purge_command_deletes_expired_content_only(persons, counsellor):
    old = _request(counsellor)
    fresh = _request(counsellor, format="xlsx")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("purge_exports")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.content) == ("expired", None)
    assert fresh.status == "done" and fresh.content
    assert AuditEvent.objects.get(action="export.purged").details == {"files": 1}
    call_command("purge_exports")
    assert AuditEvent.objects.filter(action="export.purged").count() == 1


def test_ttl_comes_from_the_settings(persons, counsellor, settings):
    settings.LOTSE_EXPORT_TTL_HOURS = 2
    job = _request(counsellor)
    assert abs((job.expires_at - job.created_at) - timedelta(hours=2)) < timedelta(seconds=1)


def test_a_stalled_run_is_marked_failed_on_the_next_check(persons, counsellor):
    job = ExportJob.objects.create(user=counsellor, kind="persons", title="Personen", format="csv",
                                   status="running", rows_done=500, rows_total=12000,
                                   expires_at=timezone.now() + timedelta(hours=24),
                                   progressed_at=timezone.now() - timedelta(minutes=9))
    services.export_check(job=job)
    assert ExportJob.objects.get(pk=job.pk).status == "running"
    ExportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(minutes=11))
    job = services.export_check(job=export_get(actor=counsellor, public_id=job.public_id))
    job.refresh_from_db()
    assert job.status == "failed" and job.error


def test_large_exports_wait_for_the_commit(persons, counsellor, settings, monkeypatch,
                                           django_capture_on_commit_callbacks):
    settings.LOTSE_EXPORT_INLINE_ROWS = 2
    started = []
    monkeypatch.setattr(services, "start_in_background", lambda job_id: started.append(job_id))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(actor=counsellor, kind="persons", parameters="", format="csv")
    job.refresh_from_db()
    assert started == [job.pk] and job.status == "queued" and job.rows_total == 3 and job.content is None
    services.export_run(job=ExportJob.objects.select_related("user").get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == "done" and len(read(job)) == 4


def test_at_most_three_background_exports_per_user(persons, counsellor, lead, settings, monkeypatch):
    from django.core.exceptions import ValidationError

    settings.LOTSE_EXPORT_INLINE_ROWS = 2
    monkeypatch.setattr(services, "start_in_background", lambda job_id: None)
    for _ in range(3):
        assert export_request(actor=counsellor, kind="persons", parameters="", format="csv").status == "queued"
    with pytest.raises(ValidationError):
        export_request(actor=counsellor, kind="persons", parameters="", format="csv")
    assert export_request(actor=lead, kind="persons", parameters="", format="csv").status == "queued"
    # a stalled one no longer counts; small exports run inline whatever is under way
    ExportJob.objects.filter(user=counsellor).update(progressed_at=timezone.now() - timedelta(minutes=11))
    assert export_request(actor=counsellor, kind="persons", parameters="", format="csv").status == "queued"
    settings.LOTSE_EXPORT_INLINE_ROWS = 10
    assert export_request(actor=counsellor, kind="persons", parameters="", format="csv").status == "done"


def test_a_user_who_lost_the_list_cannot_download_the_file(persons, counsellor):
    from django.core.exceptions import PermissionDenied

    from lotse.access import policy

    job = _request(counsellor)
    counsellor.memberships.update(is_active=False)
    policy.forget(counsellor)
    with pytest.raises(PermissionDenied):
        export_download(actor=counsellor, job=export_get(actor=counsellor, public_id=job.public_id, content=True))
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()
