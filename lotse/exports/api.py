"""The exports API: request an export of a list, follow its progress, download the file (own exports only)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.exports import selectors, services
from lotse.exports.models import ExportJob

router = Router(tags=["Exporte"])


class ExportIn(Schema):
    kind: Any = Field(None, description="Liste: persons, cases, first_contacts, appointments, staff, "
                                        "audit_events, cohort_members")
    format: Any = Field(None, description="csv oder xlsx")
    parameters: Any = Field(None, description=(
        "Filter der Liste wie auf der Seite, als Objekt ({\"q\": \"Haddad\"}) oder Query-String "
        "(\"alle=1&status=closed\"); cohort_members: {\"cohort\": \"<id der Zielgruppe>\"}"))


class ExportOut(Schema):
    id: UUID
    kind: str
    title: str
    format: str
    parameters: dict
    status: str
    status_label: str
    rows_done: int
    rows_total: int | None
    error: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime
    download_url: str | None


def _out(job: ExportJob) -> ExportOut:
    ready = job.status == ExportJob.Status.DONE
    return ExportOut(
        id=job.public_id, kind=job.kind, title=job.title, format=job.format, parameters=job.parameters,
        status=job.status, status_label=str(job.get_status_display()), rows_done=job.rows_done,
        rows_total=job.rows_total, error=job.error, created_at=job.created_at, finished_at=job.finished_at,
        expires_at=job.expires_at,
        download_url=reverse("api:export_download", kwargs={"public_id": job.public_id}) if ready else None)


@router.post("/exports", response={201: ExportOut}, url_name="export_create",
             summary="Export einer Liste anfordern (klein: sofort fertig; groß: Fortschritt über GET)")
def export_create(request, payload: ExportIn):
    job = services.export_request(actor=request.user, kind=payload.kind, parameters=payload.parameters,
                                  format=payload.format)
    return Status(201, _out(job))


@router.get("/exports/{public_id}", response=ExportOut, url_name="export_detail",
            summary="Stand eines eigenen Exports (Fortschritt, Ablauf)")
def export_detail(request, public_id: UUID):
    return _out(services.export_check(job=selectors.export_get(actor=request.user, public_id=public_id)))


@router.get("/exports/{public_id}/download", url_name="export_download",
            summary="Datei eines eigenen Exports (410 nach Ablauf, 409 solange nicht fertig)")
def export_download(request, public_id: UUID):
    job = selectors.export_get(actor=request.user, public_id=public_id, content=True)
    try:
        services.export_download(actor=request.user, job=job)
    except services.ExportGone:
        return JsonResponse({"message": _("The file was deleted when it expired. Please request the export "
                                          "again.")}, status=410)
    except services.ExportNotReady:
        return JsonResponse({"message": job.error or _("The file is still being created. Please wait a "
                                                       "moment.")}, status=409)
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "no-store"
    return response
