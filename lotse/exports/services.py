"""Requesting, producing, downloading and purging exports of lists.

Small exports are produced inline in the request. Larger ones run in a thread started after the request's
transaction has committed: Lotse has no worker process (``make run`` starts the web server only), and the job
row is the durable state — progress, result and error live there, so any request (or the API) can show them.
A thread that dies with the server leaves a job without progress; the next status check marks it failed after
``LOTSE_EXPORT_STALL_MINUTES`` (10) and the user requests it again. Files expire after
``LOTSE_EXPORT_TTL_HOURS`` (24): their content is deleted lazily on access and by ``manage.py purge_exports``.
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import nullcontext
from datetime import timedelta
from threading import Thread

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_read_many, audit_record
from lotse.exports.models import ExportJob
from lotse.exports.sources import EXPORT_SOURCES, read_parameters
from lotse.exports.writers import CONTENT_TYPES, WRITERS

logger = logging.getLogger(__name__)

AUDIT_CHUNK = 10_000
Status = ExportJob.Status


class ExportGone(Exception):
    """The file has expired and was deleted."""


class ExportNotReady(Exception):
    """The file is still being produced, or producing it failed."""


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "LOTSE_EXPORT_TTL_HOURS", 24))


def inline_rows() -> int:
    """Up to this many rows an export is produced in the request itself."""
    return getattr(settings, "LOTSE_EXPORT_INLINE_ROWS", 2000)


def batch_size() -> int:
    return max(1, getattr(settings, "LOTSE_EXPORT_BATCH_SIZE", 500))


def stall_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "LOTSE_EXPORT_STALL_MINUTES", 10))


def max_running() -> int:
    """Background exports one user may have under way at a time (each is a thread of the web server)."""
    return getattr(settings, "LOTSE_EXPORT_MAX_RUNNING", 3)


def _organisation_of(actor):
    organisations = policy.grants(actor).all_orgs
    return next(iter(organisations)) if len(organisations) == 1 else None


# ---- request ---------------------------------------------------------------------------------------------

def export_prepare(*, actor, kind, parameters, format) -> tuple:  # noqa: A002 — the API's field name
    """Validate a request: the source, the checked filters and the title. Raises ValidationError (400),
    PermissionDenied (403, audited) or Http404 (a target group out of scope)."""
    source = EXPORT_SOURCES.get(kind) if isinstance(kind, str) else None
    if source is None:
        raise ValidationError({"kind": _("This list cannot be exported.")})
    if format not in ExportJob.Format.values:
        raise ValidationError({"format": _("Please choose CSV or XLSX as the format.")})
    if not source.allowed(actor):
        policy.deny(actor, f"export.{kind}")
    cleaned = source.clean(actor=actor, raw=read_parameters(parameters))
    return source, cleaned, source.title(actor=actor, parameters=cleaned)[:300]


def export_request(*, actor, kind, parameters, format) -> ExportJob:  # noqa: A002
    """Create the job (audited with the filters and the row count) and produce the file: at once when it is
    small, else in a thread after the transaction has committed. A refusal is audited outside the job's
    transaction so that it stays on record."""
    source, cleaned, title = export_prepare(actor=actor, kind=kind, parameters=parameters, format=format)
    return _job_create(actor=actor, source=source, parameters=cleaned, title=title, format=format)


@transaction.atomic
def _job_create(*, actor, source, parameters: dict, title: str, format: str) -> ExportJob:  # noqa: A002
    total, ids = source.snapshot(actor=actor, parameters=parameters)
    now = timezone.now()
    if total > inline_rows() and _under_way(actor, now) >= max_running():
        raise ValidationError(_("You already have %(count)d exports in progress. Please wait until one of them "
                                "is finished.") % {"count": max_running()})
    job = ExportJob.objects.create(
        user=actor, organisation_id=_organisation_of(actor), kind=source.kind, title=title,
        parameters=parameters, format=format, status=Status.QUEUED, rows_total=total, expires_at=now + ttl(),
        progressed_at=now,
        filename=f"{source.slug}-{timezone.localtime(now):%Y-%m-%d-%H%M}.{format}",
        content_type=CONTENT_TYPES[format])
    audit_record(actor=actor, action="export.requested", category=Category.READ, obj=job,
                 organisation=job.organisation_id,
                 details={"kind": source.kind, "format": format, "parameters": parameters, "rows": total})
    if total <= inline_rows():
        export_run(job=job, ids=ids)
    else:
        job_id = job.pk
        transaction.on_commit(lambda: start_in_background(job_id))
    return job


def _under_way(actor, now) -> int:
    """The user's queued or running exports that still show signs of life."""
    alive_since = now - stall_after()
    return ExportJob.objects.filter(user=actor, status__in=[Status.QUEUED, Status.RUNNING]).filter(
        Q(progressed_at__gt=alive_since) | Q(progressed_at__isnull=True, created_at__gt=alive_since)).count()


def start_in_background(job_id: int) -> Thread:
    """Run the job in a thread of its own (with the request's audit context, e.g. the IP address)."""
    thread = Thread(target=contextvars.copy_context().run, args=(_run_in_thread, job_id),
                    name=f"lotse-export-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id: int) -> None:
    try:
        close_old_connections()
        job = ExportJob.objects.select_related("user").filter(pk=job_id, status=Status.QUEUED).first()
        if job is not None:
            export_run(job=job)
    except Exception:  # noqa: BLE001 — a thread must not die silently; the job shows the failure
        logger.exception("Export %s failed outside the run", job_id)
    finally:
        connection.close()


# ---- run -------------------------------------------------------------------------------------------------

def _record_progress(job: ExportJob, rows_done: int) -> None:
    """Committed at once when the run is not inside a transaction, so a status request sees it."""
    job.rows_done, job.progressed_at = rows_done, timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(rows_done=rows_done, progressed_at=job.progressed_at)


def _produce(job: ExportJob, ids: list[int] | None) -> tuple[bytes, dict[str, list[str]]]:
    source = EXPORT_SOURCES.get(job.kind)
    actor = job.user
    if source is None or not source.allowed(actor):
        raise PermissionError(job.kind)
    with translation.override("de"):
        if ids is None:
            ids = source.ids(actor=actor, parameters=job.parameters)
        if job.rows_total != len(ids):
            job.rows_total = len(ids)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        writer = WRITERS[job.format](source.heading_row(), title=str(source.label))
        records: dict[str, dict[str, None]] = {}
        done = 0
        for consumed, rows in source.batches(actor=actor, parameters=job.parameters, ids=ids,
                                             batch_size=batch_size()):
            writer.write([row.values for row in rows])
            for row in rows:
                for object_type, object_id in row.records:
                    records.setdefault(object_type, {})[object_id] = None
            done += consumed
            _record_progress(job, done)
        return writer.close(), {object_type: list(ids) for object_type, ids in records.items()}


def export_run(*, job: ExportJob, ids: list[int] | None = None) -> ExportJob:
    """Produce the file in batches (progress in ``rows_done``/``rows_total``), then store it and audit which
    records went into it — both in one transaction. A failure leaves no content and a German message.
    ``ids``: the rows as found when the export was requested (else they are read now)."""
    job.status, job.progressed_at = Status.RUNNING, timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=job.status, progressed_at=job.progressed_at,
                                               rows_done=0)
    # Inside a caller's transaction (the inline case) a failure must not break it: run in a savepoint.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            content, records = _produce(job, ids)
            _finish(job, content, records)
    except Exception:  # noqa: BLE001 — any failure ends as a failed job with a message, never half stored
        logger.exception("Export %s (%s) failed", job.public_id, job.kind)
        _fail(job, _failure_message())
    return job


def _failure_message() -> str:
    with translation.override("de"):
        return _("The export could not be created. Please try again; if it fails again, tell your "
                 "administrator.")


def _stall_message() -> str:
    with translation.override("de"):
        return _("The export was interrupted (for example by a restart of the server). Please request it "
                 "again.")


@transaction.atomic
def _finish(job: ExportJob, content: bytes, records: dict[str, list[str]]) -> None:
    job.content, job.status, job.finished_at = content, Status.DONE, timezone.now()
    job.rows_done = job.rows_total or 0
    job.save(update_fields=["content", "status", "finished_at", "rows_done", "rows_total"])
    details = {"export": str(job.public_id), "kind": job.kind, "format": job.format}
    for object_type, ids in records.items():
        for start in range(0, len(ids), AUDIT_CHUNK):
            audit_read_many(actor=job.user, objects=ids[start:start + AUDIT_CHUNK], object_type=object_type,
                            action="export.records_exported", organisation=job.organisation_id,
                            details=details)


def _fail(job: ExportJob, message: str) -> None:
    job.status, job.error, job.content, job.finished_at = Status.FAILED, message[:500], None, timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=job.status, error=job.error, content=None,
                                               finished_at=job.finished_at)


# ---- status, expiry, download ----------------------------------------------------------------------------

def export_check(*, job: ExportJob, now=None) -> ExportJob:
    """What a status request does on the way: expire a file past its time, fail a run that stopped."""
    now = now or timezone.now()
    if job.status != Status.EXPIRED and job.expires_at <= now:
        ExportJob.objects.filter(pk=job.pk).update(status=Status.EXPIRED, content=None)
        job.status, job.content = Status.EXPIRED, None
    elif job.status in (Status.QUEUED, Status.RUNNING) and _last_sign(job) <= now - stall_after():
        _fail(job, _stall_message())
    return job


def _last_sign(job: ExportJob):
    return job.progressed_at or job.created_at


def export_expire_due(*, actor=None, now=None) -> int:
    """Delete the content of every expired file (of one user, or all); returns how many."""
    now = now or timezone.now()
    due = ExportJob.objects.filter(expires_at__lte=now).exclude(status=Status.EXPIRED)
    if actor is not None:
        due = due.filter(user=actor)
    return due.update(status=Status.EXPIRED, content=None)


def export_purge(*, now=None) -> int:
    """``manage.py purge_exports``: expired files deleted, stalled runs marked failed."""
    now = now or timezone.now()
    with transaction.atomic():
        purged = export_expire_due(now=now)
        silent_since = now - stall_after()
        stalled = ExportJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING]).filter(
            Q(progressed_at__lte=silent_since) | Q(progressed_at__isnull=True, created_at__lte=silent_since))
        stalled.update(status=Status.FAILED, error=_stall_message(), finished_at=now)
        if purged:
            audit_record(actor=None, actor_label="purge_exports", action="export.purged",
                         category=Category.WRITE, object_type="exports.exportjob", details={"files": purged})
    return purged


def export_download(*, actor, job: ExportJob) -> ExportJob:
    """The file, for the user who requested it (the caller fetched ``job`` through the policy), while it is
    ready and not expired. Audited as ``export.downloaded``; an expired file is deleted on the way."""
    source = EXPORT_SOURCES.get(job.kind)
    if job.user_id != actor.pk or source is None or not source.allowed(actor):
        policy.deny(actor, "export.download")
    export_check(job=job)
    if job.status == Status.EXPIRED:
        raise ExportGone(job.public_id)
    if job.status != Status.DONE or job.content is None:
        raise ExportNotReady(job.public_id)
    _download_record(actor=actor, job=job)
    return job


@transaction.atomic
def _download_record(*, actor, job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(download_count=F("download_count") + 1)
    job.download_count += 1
    audit_record(actor=actor, action="export.downloaded", category=Category.READ, obj=job,
                 organisation=job.organisation_id,
                 details={"kind": job.kind, "format": job.format, "rows": job.rows_total})
