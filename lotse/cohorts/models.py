"""Target groups (Zielgruppenanalyse, DOMAIN.md §8 [003 §5.1]): saved filters over persons or families."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    class Unit(models.TextChoices):
        PERSONS = "persons", _("Persons")
        FAMILIES = "families", _("Families (households)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("organisations.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    unit = models.CharField(_("count"), max_length=10, choices=Unit.choices, default=Unit.PERSONS)
    criteria = models.JSONField(_("criteria"), default=dict)
    is_shared = models.BooleanField(_("shared with the team"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.name
