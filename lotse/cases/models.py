"""Cases (Fälle). This area grows with the case-management cycle; intake already opens cases or puts
them on the team's waiting list when the team is at capacity."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("on the waiting list")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Priority(models.IntegerChoices):
        NORMAL = 0, _("normal")
        PRIORITY = 1, _("priority (e.g. obliged to attend an integration course, § 44a AufenthG)")
        URGENT = 2, _("urgent (crisis)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="cases")
    offering = models.ForeignKey("organisations.ProgrammeOffering", verbose_name=_("programme"),
                                 on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    requested_on = models.DateField(_("requested on"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["team", "status", "-priority", "requested_on", "id"],
                                name="case_team_queue_idx")]
        constraints = [models.UniqueConstraint(
            fields=["person", "offering"], condition=models.Q(status__in=["waiting", "open"]),
            name="case_one_active_per_programme")]
