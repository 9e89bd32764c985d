"""Cooperation agreements (Kooperationsvereinbarungen) with their written history, and network events
(network meetings, trainings, information events, Interkulturelle Woche, …) counted for the network
indicators (DOMAIN.md §6, §8).

An agreement keeps its signed document in the database (``document``); lists never load it
(selectors defer the column) and it leaves only through the download view."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("in force")
    UNDER_REVIEW = "under_review", _("under review")
    ENDED = "ended", _("ended")


# Agreements that bind the parties (counted as "in force" and reminded for review).
IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.UNDER_REVIEW)


class CooperationAgreement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="cooperation_agreements")
    title = models.CharField(_("title"), max_length=200)
    subject = models.TextField(_("subject and purpose"), max_length=5000)
    partners = models.ManyToManyField("network.Partner", verbose_name=_("partners (other parties)"),
                                      related_name="cooperation_agreements",
                                      db_table="cooperation_agreement_partner")
    division_of_tasks = models.TextField(_("division of tasks"), max_length=10000, blank=True)
    joint_tasks = models.TextField(_("joint tasks"), max_length=10000, blank=True)
    starts_on = models.DateField(_("start date"))
    review_on = models.DateField(_("next review"))
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    document = models.BinaryField(null=True, editable=False)
    document_name = models.CharField(_("document"), max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_uploaded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "review_on"],
                                name="agreement_org_status_idx"),
                   models.Index(fields=["responsible", "review_on"], name="agreement_responsible_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(review_on__gt=models.F("starts_on")),
                                   name="agreement_review_after_start"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True) | models.Q(
                ended_on__gte=models.F("starts_on")), name="agreement_ends_after_start"),
        ]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")

    def __str__(self):
        return self.title

    @property
    def has_document(self) -> bool:
        return bool(self.document_sha256)


class RevisionKind(models.TextChoices):
    CREATED = "created", _("recorded")
    CHANGED = "changed", _("changed")
    REVIEWED = "reviewed", _("review done")
    DOCUMENT = "document", _("document")


class AgreementRevision(models.Model):
    """One recorded change of an agreement: which fields changed from what to what (the document by file name
    and SHA-256 only), who recorded it and, for changes of substance, when they were agreed in writing."""

    agreement = models.ForeignKey(CooperationAgreement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=RevisionKind.choices)
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=500, blank=True)
    agreed_in_writing_on = models.DateField(_("agreed in writing on"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"],
                                               name="agreementrevision_unique")]
        indexes = [models.Index(fields=["reviewed_on"], name="agreementrevision_review_idx")]
        verbose_name = _("change of a cooperation agreement")
        verbose_name_plural = _("changes of cooperation agreements")


class EventKind(models.TextChoices):
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    TRAINING = "training", _("Training")
    INFORMATION_EVENT = "information_event", _("Information event")
    INTERCULTURAL_WEEK = "intercultural_week", _("Intercultural week")
    VOLUNTEERS_DAY = "volunteers_day", _("Volunteers' day (5 December)")
    JOINT_ACTION = "joint_action", _("Joint action")
    OTHER = "other", _("Other")


class NetworkEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="network_events")
    kind = models.CharField(_("type"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    partners = models.ManyToManyField("network.Partner", verbose_name=_("organisations involved"), blank=True,
                                      related_name="network_events", db_table="cooperation_event_partner")
    participants = models.PositiveIntegerField(_("number of participants"), default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organisation", "date"], name="networkevent_org_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__isnull=True) | models.Q(
                end_date__gte=models.F("date")), name="networkevent_ends_after_start"),
            models.CheckConstraint(condition=models.Q(participants__lte=100000),
                                   name="networkevent_participants_max"),
        ]
        verbose_name = _("network event")
        verbose_name_plural = _("network events")

    def __str__(self):
        return self.title
