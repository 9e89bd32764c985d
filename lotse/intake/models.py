"""First contacts (Erstkontakt / Clearing), the topic catalogue and the eligibility rules and checks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import ProgrammeOffering

Programme = ProgrammeOffering.Programme


class Channel(models.TextChoices):
    OFFICE_HOUR = "office_hour", _("Office hour (walk-in)")
    APPOINTMENT = "appointment", _("Appointment")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")
    OUTREACH = "outreach", _("Home visit or outreach")
    REFERRAL = "referral", _("Referral by an institution")
    ONLINE = "online", _("Online counselling")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered / short counselling")
    REFERRED = "referred", _("Referred elsewhere (Verweisberatung)")
    CASE_OPENED = "case_opened", _("Case opened")
    WAITING_LIST = "waiting_list", _("Waiting list")


class Topic(models.Model):
    """An entry of a programme's topic catalogue; data, so each programme can keep its own list."""

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    organisation = models.ForeignKey("organisations.Organisation", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.CASCADE, related_name="topics",
                                     help_text=_("Empty for the catalogue every organisation shares."))
    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "sort_order", "label"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.label


class FirstContact(models.Model):
    """A first contact through any channel; the person may stay anonymous and still counts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="first_contacts")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="first_contacts")
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    referred_by = models.CharField(_("referred by"), max_length=200, blank=True)
    concern = models.TextField(_("concern"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="+")
    language = models.CharField(_("language used"), max_length=10, blank=True)
    interpreter = models.BooleanField(_("interpreter present"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["team", "-date", "-id"], name="first_contact_team_date_idx"),
                   models.Index(fields=["organisation", "date"], name="first_contact_org_date_idx")]
        verbose_name = _("first contact")
        verbose_name_plural = _("first contacts")


class Result(models.TextChoices):
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")
    UNCLEAR = "unclear", _("unclear")


class EligibilityRule(models.Model):
    """One condition of a programme, valid from a date: laws change, so rules are data.

    ``parameters["check"]`` names the evaluator in :mod:`lotse.intake.eligibility`; ``group`` combines
    rules with "or" (rules outside a group are combined with "and"); ``effect: "priority"`` marks a
    rule that only informs (e.g. § 44a AufenthG) and does not decide. For each (programme, code) the
    newest version whose ``valid_from`` has been reached applies.
    """

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "sort_order", "code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["programme", "code", "valid_from"],
                                               name="eligibility_rule_version_unique")]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return f"{self.programme}: {self.label}"


class EligibilityCheck(models.Model):
    """The recorded evaluation of one programme for one person, with the counsellor's answers and override."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="eligibility_checks")
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    evaluated_on = models.DateField(_("evaluated on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    explanations = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    override = models.BooleanField(_("overridden"), default=False)
    override_result = models.CharField(_("decision"), max_length=10, choices=Result.choices, blank=True)
    override_reason = models.TextField(_("reason"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "programme", "-id"], name="eligibility_check_person_idx"),
                   models.Index(fields=["override", "overridden_at"], name="eligibility_override_idx")]
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")

    @property
    def effective_result(self) -> str:
        return self.override_result if self.override else self.result
