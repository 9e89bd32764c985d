"""Counselling contacts (Beratungskontakte), including outreach attempts that did not reach the person."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    OFFICE_HOUR = "office_hour", _("Office hour")
    APPOINTMENT = "appointment", _("Appointment")
    HOME_VISIT = "home_visit", _("Home visit / outreach")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VIDEO = "video", _("Video")
    MESSENGER = "messenger", _("Messenger")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to an authority or doctor")
    GROUP = "group", _("Group")


class ContactOutcome(models.TextChoices):
    TOOK_PLACE = "took_place", _("took place")
    NOT_REACHED = "not_reached", _("attempt, person not reached")
    DECLINED = "declined", _("offer declined")


class Contact(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contacts")
    occurred_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    kind = models.CharField(_("type"), max_length=20, choices=ContactKind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices,
                               default=ContactOutcome.TOOK_PLACE)
    repeat_offer_on = models.DateField(_("repeat the offer on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    occasion = models.CharField(_("occasion"), max_length=500, blank=True)
    topics = models.ManyToManyField("intake.Topic", verbose_name=_("topics"), blank=True, related_name="+",
                                    db_table="contacts_contact_topic")
    persons_present = models.ManyToManyField("people.Person", verbose_name=_("family members present"),
                                             blank=True, related_name="+", db_table="contacts_contact_person")
    interpreter_present = models.BooleanField(_("interpreter present"), default=False)
    interpreter_name = models.CharField(_("interpreter"), max_length=200, blank=True)
    others_present = models.CharField(_("others present (e.g. partner staff)"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=20000)
    notes_confidential = models.BooleanField(
        _("confidential notes"), default=False,
        help_text=_("Only the author and the team lead can read confidential notes."))
    next_appointment_at = models.DateTimeField(_("next appointment"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The case's contacts by time, with what reports count (kind, author, outcome) so that they are read
        # from the index alone; contacts of a period across cases by time.
        indexes = [models.Index(fields=["case", "-occurred_at", "-id", "kind", "author", "outcome"],
                                name="contact_case_time_idx"),
                   models.Index(fields=["occurred_at"], name="contact_occurred_idx")]
        verbose_name = _("counselling contact")
        verbose_name_plural = _("counselling contacts")
