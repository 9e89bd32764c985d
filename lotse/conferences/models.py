"""Case conferences (Fallkonferenzen, DOMAIN.md §6 [003 §6.4.2]): invited from a case by anyone working on it;
the helpers involved and the family take part; only with the family's consent, and every partner only with a
release from confidentiality covering what is discussed; the results are made transparent to the family."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_categories() -> list[str]:
    return ["case"]


class ConferenceStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Conference(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conferences")
    title = models.CharField(_("occasion"), max_length=200)
    scheduled_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("place"), max_length=200, blank=True,
                                help_text=_("An address and room, or “Video” or “Telefon”."))
    categories = models.JSONField(_("information discussed"), default=default_categories,
                                  help_text=_("Categories of the consent catalogue that partners will hear about."))
    persons = models.ManyToManyField("people.Person", verbose_name=_("family members whose matters are discussed"),
                                     related_name="+", db_table="conferences_conference_person")
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True, help_text=_("One item per line."))
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True,
                               help_text=_("Internal record; never part of the family's summary."))
    status = models.CharField(_("status"), max_length=10, choices=ConferenceStatus.choices,
                              default=ConferenceStatus.PLANNED)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for the cancellation"), max_length=500, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["case", "-scheduled_at", "-id"], name="conference_case_time_idx")]
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")

    def __str__(self):
        return self.title

    def agenda_items(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.agenda.splitlines() if line.strip(" -•*\t")]


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Colleague (Lotse user)")
    PARTNER = "partner", _("Partner or contact person at a partner")
    FAMILY = "family", _("Family member")
    OTHER = "other", _("Other person (e.g. guardian)")


class Participant(models.Model):
    """Who is invited; ``attended`` is recorded with the minutes (None until then)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("type"), max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("colleague"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    partner_contact = models.ForeignKey("network.PartnerContact", verbose_name=_("contact person"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("family member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    attended = models.BooleanField(_("took part"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], condition=models.Q(user__isnull=False),
                                    name="participant_unique_user"),
            models.UniqueConstraint(fields=["conference", "partner_contact"],
                                    condition=models.Q(partner_contact__isnull=False),
                                    name="participant_unique_contact"),
            models.UniqueConstraint(fields=["conference", "partner"],
                                    condition=models.Q(partner__isnull=False, partner_contact__isnull=True),
                                    name="participant_unique_partner"),
            models.UniqueConstraint(fields=["conference", "person"], condition=models.Q(person__isnull=False),
                                    name="participant_unique_person"),
        ]
        verbose_name = _("participant of a case conference")
        verbose_name_plural = _("participants of case conferences")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == ParticipantKind.FAMILY and self.person_id:
            return self.person.display_name
        if self.kind == ParticipantKind.STAFF and self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        if self.kind == ParticipantKind.PARTNER and self.partner_contact_id:
            return self.partner_contact.name
        if self.kind == ParticipantKind.PARTNER and self.partner_id:
            return self.partner.name
        return self.name

    @property
    def organisation_name(self) -> str:
        """The partner a contact person works for (empty for everyone else)."""
        if self.kind == ParticipantKind.PARTNER and self.partner_contact_id and self.partner_id:
            return self.partner.name
        return ""

    @property
    def recipient(self):
        """The partner that hears what is discussed (the releases must name it), or None."""
        return self.partner if self.kind == ParticipantKind.PARTNER else None


class Decision(models.Model):
    """A result of the conference: who does what by when; it becomes a plan step (or a task without a goal)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("what"), max_length=500)
    responsible = models.ForeignKey(Participant, verbose_name=_("who"), on_delete=models.PROTECT,
                                    related_name="decisions")
    due_on = models.DateField(_("by when"))
    goal = models.ForeignKey("planning.Goal", verbose_name=_("goal of the integration plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    step = models.ForeignKey("planning.Step", verbose_name=_("plan step"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    task = models.ForeignKey("cases.Task", verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("decision of a case conference")
        verbose_name_plural = _("decisions of case conferences")

    def __str__(self):
        return self.text
