"""The partner directory (DOMAIN.md §6): organisations and named persons outside the team, the services they
offer, their contact persons, and per programme whether the cooperation is mandatory or optional.

Shared by all teams of an organisation. Releases from confidentiality name a partner as recipient; every
disclosure to a partner goes through ``lotse.consent.services.disclosure_check``."""

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
    contact = models.CharField(_("general contact (phone, e-mail)"), max_length=300, blank=True)
    is_internal = models.BooleanField(_("part of our own organisation"), default=False,
                                      help_text=_("e.g. another department or service of the same provider"))
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=500, blank=True)
    languages = models.ManyToManyField("codelists.Code", verbose_name=_("languages spoken"), blank=True,
                                       related_name="+")
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name_per_org")]

    def __str__(self):
        return self.name


class PartnerService(models.Model):
    """A service a partner offers (e.g. "Integrationskurs mit Kinderbetreuung", "Schuldnerberatung")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("service"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["partner", "name"], name="partnerservice_unique_name")]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name


class PartnerContact(models.Model):
    """A contact person at a partner: who to call, and who may take part in a case conference."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return f"{self.name} ({self.partner.name})" if self.partner_id else self.name


class CooperationLevel(models.TextChoices):
    MANDATORY = "mandatory", _("mandatory for the programme")
    OPTIONAL = "optional", _("optional")


class PartnerProgramme(models.Model):
    """Whether cooperation with the partner is mandatory or optional for one of the organisation's programmes."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="programmes")
    offering = models.ForeignKey("organisations.ProgrammeOffering", verbose_name=_("programme"),
                                 on_delete=models.CASCADE, related_name="partner_links")
    level = models.CharField(_("cooperation"), max_length=10, choices=CooperationLevel.choices)

    class Meta:
        ordering = ["offering__name", "id"]
        constraints = [models.UniqueConstraint(fields=["partner", "offering"], name="partnerprogramme_unique")]
        verbose_name = _("cooperation in a programme")
        verbose_name_plural = _("cooperation in programmes")
