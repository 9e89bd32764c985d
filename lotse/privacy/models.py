"""Client rights (GDPR Art. 15–18) and retention: corrections, legal holds, erased stubs, retention rules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CorrectionRecord(models.Model):
    """One corrected master-data field (Art. 16): what it said before, what it says now, and why."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("field"), max_length=50)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    requested_by_client = models.BooleanField(_("requested by the client"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")


class LegalHold(models.Model):
    """A legal obligation to keep the person's data (court case, statutory retention): erasure is refused."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(_("reason"), max_length=500)
    until = models.DateField(_("until"), null=True, blank=True,
                             help_text=_("Empty: until the hold is lifted by hand."))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")


class ErasedPersonStub(models.Model):
    """What statistics may still count after a person was erased; nothing here identifies the person.

    No public id, no file number, no link to the audit trail: only coarse attributes that
    aggregate figures need (year of birth, sex, nationalities, residence status types by year).
    """

    class Cause(models.TextChoices):
        REQUEST = "request", _("request of the person")
        RETENTION = "retention", _("retention period expired")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="+")
    registered_year = models.PositiveSmallIntegerField(null=True)
    birth_year = models.PositiveSmallIntegerField(null=True)
    sex_code = models.CharField(max_length=10, blank=True)
    nationality_codes = models.JSONField(default=list)
    residence_statuses = models.JSONField(default=list, help_text="[{type, from_year, until_year}]")
    consent_count = models.PositiveIntegerField(default=0)
    release_count = models.PositiveIntegerField(default=0)
    cause = models.CharField(max_length=20, choices=Cause.choices)
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "erased_at"], name="erased_stub_org_idx")]


class RetentionSubject(models.TextChoices):
    FIRST_CONTACT_ANONYMOUS = "first_contact_anonymous", _("Anonymous first contacts")
    PERSON_INACTIVE = "person_inactive", _("Persons without any change")
    AUDIT_EVENTS = "audit_events", _("Audit trail entries")


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class RetentionRule(models.Model):
    """How long data of one kind are kept, for one programme or for all ("*")."""

    ALL_PROGRAMMES = "*"

    programme = models.CharField(_("programme"), max_length=20, default=ALL_PROGRAMMES,
                                 help_text=_("Programme code (mbe, jmd, im, sim, custom) or * for all."))
    subject = models.CharField(_("subject"), max_length=40, choices=RetentionSubject.choices)
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=10, choices=RetentionUnit.choices)
    is_active = models.BooleanField(_("active"), default=True)
    basis = models.TextField(_("reason and legal basis"), blank=True)

    class Meta:
        ordering = ["subject", "programme"]
        constraints = [models.UniqueConstraint(fields=["programme", "subject"], name="retention_rule_unique")]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self):
        return f"{self.get_subject_display()} ({self.programme}): {self.period} {self.get_unit_display()}"


class RetainedCount(models.Model):
    """Monthly counts of records removed by retention, so statistics stay correct after deletion."""

    organisation = models.ForeignKey("organisations.Organisation", null=True, on_delete=models.PROTECT,
                                     related_name="+")
    subject = models.CharField(max_length=40, choices=RetentionSubject.choices)
    month = models.DateField(help_text="First day of the month the records belonged to.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "subject", "month"]
        constraints = [models.UniqueConstraint(fields=["organisation", "subject", "month"],
                                               name="retained_count_unique")]
