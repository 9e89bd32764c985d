"""The partners around a case. The directory grows with the network area; releases already name partners."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerType(models.TextChoices):
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Foreigners authority")
    JOB_CENTRE = "job_centre", _("Job centre")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency / Integration Point")
    COURSE_PROVIDER = "course_provider", _("Integration course provider")
    SCHOOL = "school", _("School")
    KITA = "kita", _("Day-care centre (Kita)")
    YOUTH_OFFICE = "youth_office", _("Youth office")
    HEALTH_OFFICE = "health_office", _("Health office")
    DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")
    ADDICTION_COUNSELLING = "addiction_counselling", _("Addiction counselling")
    SOCIAL_PSYCHIATRIC = "social_psychiatric", _("Social psychiatric service")
    RETURN_COUNSELLING = "return_counselling", _("Return counselling")
    MIGRATION_SERVICE = "migration_service", _("Other migration service (MBE, JMD)")
    LANDLORD = "landlord", _("Landlord / housing company")
    COURT = "court", _("Court / bailiff")
    DOCTOR = "doctor", _("Doctor / clinic")
    VOLUNTEERS = "volunteers", _("Volunteer initiative")
    MIGRANT_ORGANISATION = "migrant_organisation", _("Migrant organisation")
    PERSON = "person", _("Named person")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation or named person outside the team that may receive client data with a release."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    partner_type = models.CharField(_("type"), max_length=30, choices=PartnerType.choices)
    contact = models.CharField(_("contact person, phone, e-mail"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name_per_org")]

    def __str__(self):
        return self.name
