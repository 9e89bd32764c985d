"""The family's helper system (Helfersystem) [003 §5.2]: every organisation and person involved with a case.

Most of the map is built from what the other areas already know (referrals, case conferences, volunteers and
interpreters); :class:`HelperEntry` holds what the counsellor adds by hand."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HelperKind(models.TextChoices):
    AUTHORITY = "authority", _("Authority")
    COUNSELLING = "counselling", _("Counselling service")
    EDUCATION = "education", _("School, day care and courses")
    HEALTH = "health", _("Health")
    VOLUNTEERS = "volunteers", _("Volunteers and initiatives")
    OTHER = "other", _("Other")


# The group of a partner in the map, by its type in the partner directory.
PARTNER_TYPE_KINDS = {
    "foreigners_authority": HelperKind.AUTHORITY,
    "job_centre": HelperKind.AUTHORITY,
    "employment_agency": HelperKind.AUTHORITY,
    "youth_office": HelperKind.AUTHORITY,
    "court": HelperKind.AUTHORITY,
    "debt_counselling": HelperKind.COUNSELLING,
    "addiction_counselling": HelperKind.COUNSELLING,
    "return_counselling": HelperKind.COUNSELLING,
    "migration_service": HelperKind.COUNSELLING,
    "course_provider": HelperKind.EDUCATION,
    "school": HelperKind.EDUCATION,
    "kita": HelperKind.EDUCATION,
    "health_office": HelperKind.HEALTH,
    "doctor": HelperKind.HEALTH,
    "social_psychiatric": HelperKind.HEALTH,
    "volunteers": HelperKind.VOLUNTEERS,
    "migrant_organisation": HelperKind.VOLUNTEERS,
}


class HelperEntry(models.Model):
    """A helper entered by hand: a partner from the directory (optionally with a contact person) or a free
    name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="helper_entries")
    partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    kind = models.CharField(_("group"), max_length=20, choices=HelperKind.choices, blank=True)
    role = models.CharField(_("role"), max_length=200)
    since = models.DateField(_("since"))
    until = models.DateField(_("ended on"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["case", "until"], name="helperentry_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="helperentry_ends_after_start"),
            models.CheckConstraint(condition=models.Q(partner__isnull=False) | ~models.Q(name=""),
                                   name="helperentry_partner_or_name"),
        ]
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")

    def __str__(self):
        return self.name or (self.partner.name if self.partner_id else "")
