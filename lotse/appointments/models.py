"""Office hours, appointments and home visits of counsellors; a token-protected iCal feed per user."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OfficeHour(models.Model):
    """A weekly open office hour (Sprechstunde) of a counsellor at a location and room."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("counsellor"), on_delete=models.CASCADE,
                             related_name="office_hours")
    team = models.ForeignKey("organisations.Team", on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    location = models.CharField(_("location"), max_length=200)
    room = models.CharField(_("room"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "starts_at", "id"]
        verbose_name = _("office hour")
        verbose_name_plural = _("office hours")


class AppointmentKind(models.TextChoices):
    APPOINTMENT = "appointment", _("Appointment")
    HOME_VISIT = "home_visit", _("Home visit")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")


class Appointment(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("took place")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("did not come")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("counsellor"), on_delete=models.PROTECT,
                              related_name="appointments")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="appointments")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="appointments")
    kind = models.CharField(_("type"), max_length=20, choices=AppointmentKind.choices,
                            default=AppointmentKind.APPOINTMENT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.ForeignKey("codelists.Code", verbose_name=_("language for the interpreter"),
                                             null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    interpreter = models.ForeignKey("pools.PoolMember", verbose_name=_("interpreter"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="appointments")
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="follow_up_appointments",
                                help_text="The contact in which this appointment was agreed.")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["owner", "starts_at"], name="appointment_owner_time_idx"),
                   models.Index(fields=["case", "starts_at"], name="appointment_case_time_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="appointment_ends_after_start")]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")


class CalendarFeed(models.Model):
    """The secret of a user's iCal feed, stored hashed; the feed shows initials only when the user opts in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=128)
    include_initials = models.BooleanField(_("show the client's initials"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
