"""Consents (Einwilligungen) per purpose and releases from confidentiality (Schweigepflichtentbindungen)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    DOCUMENTATION = "documentation", _("Documentation of the counselling")
    STATISTICS = "statistics", _("Anonymous statistics")
    SHARING = "sharing", _("Sharing with named partners")
    CONTACT_PHONE = "contact_phone", _("Contact by phone or text message")
    CONTACT_MESSENGER = "contact_messenger", _("Contact by messenger")
    DOCUMENT_COPIES = "document_copies", _("Storing copies of documents")


class Form(models.TextChoices):
    PAPER = "paper", _("signed on paper")
    ELECTRONIC = "electronic", _("electronically")
    ORAL = "oral", _("orally, documented by the counsellor")


class GivenByClient(models.Model):
    """What every consent and release records about how the client gave it."""

    text_version = models.CharField(_("version of the text shown"), max_length=30)
    given_on = models.DateField(_("given on"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    by_guardian = models.BooleanField(_("given by a guardian"), default=False)
    guardian_name = models.CharField(_("name of the guardian"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Consent(GivenByClient):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose_idx")]


class InformationCategory(models.TextChoices):
    MASTER_DATA = "master_data", _("Master data and contact details")
    RESIDENCE = "residence", _("Residence status")
    FAMILY = "family", _("Family and household")
    EDUCATION = "education", _("School, training and qualifications")
    WORK = "work", _("Work and benefits")
    HEALTH = "health", _("Health (special category)")
    FINANCES = "finances", _("Finances and debts")
    CASE = "case", _("Course of the counselling, goals and steps")
    DOCUMENTS = "documents", _("Documents")


class Release(GivenByClient):
    """Release from confidentiality for one recipient: what may go there, what for, until when."""

    class Direction(models.TextChoices):
        ONE_WAY = "one_way", _("one-way: we may pass information to the recipient")
        MUTUAL = "mutual", _("mutual: information may be exchanged both ways")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="releases")
    recipient = models.ForeignKey("network.Partner", verbose_name=_("recipient"), on_delete=models.PROTECT,
                                  related_name="releases")
    categories = models.JSONField(_("information categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=500)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.ONE_WAY)
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "recipient"], name="release_person_recipient_idx"),
                   models.Index(fields=["valid_until"], name="release_valid_until_idx")]


class Disclosure(models.Model):
    """Every decision on passing data to a partner, allowed or refused, for accountability."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey("network.Partner", on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField(default=list)
    purpose = models.CharField(max_length=200)
    allowed = models.BooleanField()
    release = models.ForeignKey(Release, null=True, on_delete=models.SET_NULL, related_name="disclosures")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
