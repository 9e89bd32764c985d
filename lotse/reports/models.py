"""Funder report templates (Programmberichte) are data: a template lists sections, each a count of one unit
(cases, persons, contacts, goals, …) broken down by one registered dimension (age group, sex, nationality, …).
A new funder template is a new row, not new code (see :mod:`lotse.reports.programme`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import ProgrammeOffering


class ReportTemplate(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    programme = models.CharField(_("programme"), max_length=20, choices=ProgrammeOffering.Programme.choices)
    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("sections"), default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self):
        return self.name
