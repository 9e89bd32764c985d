"""Exports of lists and reports (CSV/XLSX): produced with visible progress, downloadable by the requesting
user only, until they expire; the file is then deleted. Every request and download is audited."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField(_("list"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    parameters = models.JSONField(default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life of the producing run: a queued or running job without progress for a while was
    # interrupted (server restart) and is marked failed on the next status check.
    progressed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_idx"),
                   models.Index(fields=["expires_at"], name="exportjob_expiry_idx")]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return self.title
