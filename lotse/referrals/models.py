"""Referrals (Vermittlungen, DOMAIN.md §6): a client of a case is referred to a service of a partner.

The course of a referral: sent → accepted / contacted → appointment at the partner → outcome (took place,
did not come, rejected with a reason, completed) → whereabouts (Verbleib) checked some weeks later (the
programme setting ``whereabouts_check_weeks``). The client may withdraw it while no outcome is recorded.
What goes with a referral is named by information categories; sending it is a disclosure and passes
``lotse.consent.services.disclosure_check`` first. Every change of status is kept in
:class:`ReferralStatusChange`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted / contacted")
    APPOINTMENT = "appointment", _("appointment made")
    OUTCOME = "outcome", _("outcome recorded")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn by the client")


OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT,
                           ReferralStatus.OUTCOME})


class ReferralOutcome(models.TextChoices):
    TOOK_PLACE = "took_place", _("first appointment took place")
    NO_SHOW = "no_show", _("client did not come")
    REJECTED = "rejected", _("rejected by the partner")
    COMPLETED = "completed", _("completed")


class Whereabouts(models.TextChoices):
    STAYED = "stayed", _("stayed with the partner")
    LEFT = "left", _("left / dropped out")
    UNKNOWN = "unknown", _("unknown")


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    # Erasing a person (Art. 17) removes their referrals with them, also in a relative's case.
    person = models.ForeignKey("people.Person", verbose_name=_("person referred"), on_delete=models.CASCADE,
                               related_name="+")
    partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="referrals")
    service = models.ForeignKey("network.PartnerService", verbose_name=_("service"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="referrals")
    partner_contact = models.ForeignKey("network.PartnerContact", verbose_name=_("contact person"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="referrals")
    reason = models.TextField(_("reason"), max_length=2000)
    categories = models.JSONField(_("information passed on"), default=list)
    sent_on = models.DateField(_("sent on"))
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    appointment_on = models.DateField(_("first appointment at the partner"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for the rejection"), max_length=1000, blank=True)
    whereabouts_due_on = models.DateField(_("check the whereabouts on"), null=True, blank=True)
    whereabouts = models.CharField(_("whereabouts"), max_length=20, choices=Whereabouts.choices, blank=True)
    whereabouts_checked_on = models.DateField(_("whereabouts checked on"), null=True, blank=True)
    whereabouts_note = models.CharField(_("note on the whereabouts"), max_length=1000, blank=True)
    withdrawn_on = models.DateField(_("withdrawn by the client on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["case", "status"], name="referral_case_status_idx"),
                   models.Index(fields=["partner", "sent_on"], name="referral_partner_sent_idx"),
                   models.Index(fields=["sent_on"], name="referral_sent_on_idx")]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        if self.partner_id and self.sent_on:
            return f"{self.partner} ({self.sent_on:%d.%m.%Y})"
        return str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def last_change_on(self):
        """The latest date of the course so far (a future appointment does not count yet)."""
        from django.utils import timezone

        today = timezone.localdate()
        dates = [self.sent_on, self.accepted_on, self.outcome_on, self.whereabouts_checked_on,
                 self.withdrawn_on]
        if self.appointment_on and self.appointment_on <= today:
            dates.append(self.appointment_on)
        return max(day for day in dates if day is not None)


class Step(models.TextChoices):
    """What was recorded; the status it leads to depends on it (an outcome "did not come" closes)."""

    SENT = "sent", _("Referral sent")
    ACCEPTED = "accepted", _("Accepted / contacted")
    APPOINTMENT = "appointment", _("Appointment at the partner")
    OUTCOME = "outcome", _("Outcome")
    WHEREABOUTS = "whereabouts", _("Whereabouts checked")
    WITHDRAWN = "withdrawn", _("Withdrawn by the client")


class ReferralStatusChange(models.Model):
    """One step in the course of a referral: who recorded what for which date.

    ``value`` is the outcome or whereabouts code, or the appointment date, of the step."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    value = models.CharField(_("value"), max_length=20, blank=True)
    from_status = models.CharField(_("previous status"), max_length=20, choices=ReferralStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change of a referral")
        verbose_name_plural = _("status changes of referrals")
