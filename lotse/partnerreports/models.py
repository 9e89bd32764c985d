"""Reports from partners (Partnermeldungen, DOMAIN.md §6 [004 II]): a course provider or school tells the
migration service that a participant stayed away or dropped out.

The partner reports through a secret link (``ReportLink``) — a public form or the API, without an account
and without seeing anything in Lotse. A report is stored (``PartnerReport``) only when it could be accepted:
exactly one person of the organisation matches, with an open case and a release from confidentiality that
covers the partner. It then becomes a task for the case owner. Reports that are not accepted leave no
personal data behind, only a security event naming the link.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportLink(models.Model):
    """A partner's secret link for reports. The token is shown once; only its hash is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), on_delete=models.CASCADE,
                                related_name="report_links")
    label = models.CharField(_("label"), max_length=200)
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=128)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report link")
        verbose_name_plural = _("report links")

    def __str__(self):
        return self.label

    def is_usable(self, today=None) -> bool:
        return self.state_on(today or timezone.localdate()) == "active"

    def state_on(self, today) -> str:
        """active, revoked, expired or partner_inactive."""
        if self.revoked_on is not None:
            return "revoked"
        if self.expires_on < today:
            return "expired"
        if not self.partner.is_active:
            return "partner_inactive"
        return "active"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())


class ReportKind(models.TextChoices):
    ABSENT = "absent", _("Stayed away without excuse")
    DROPPED_OUT = "dropped_out", _("Dropped out of the course or school")
    OTHER = "other", _("Other report")


class PartnerReport(models.Model):
    """An accepted report about a participant; it became the task ``task`` in the case."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link = models.ForeignKey(ReportLink, verbose_name=_("report link"), on_delete=models.PROTECT,
                             related_name="reports")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="partner_reports")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="partner_reports")
    kind = models.CharField(_("reported"), max_length=20, choices=ReportKind.choices)
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=1000, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    task = models.ForeignKey("cases.Task", verbose_name=_("task"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["case", "received_at"], name="partnerreport_case_idx"),
                   models.Index(fields=["link", "person", "kind", "occurred_on"],
                                name="partnerreport_dup_idx")]
        verbose_name = _("partner report")
        verbose_name_plural = _("partner reports")
