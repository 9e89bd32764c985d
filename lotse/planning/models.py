"""Assessment, integration plan (with versions: Fortschreibung) and goal agreement."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Responsible


class LifeDomain(models.TextChoices):
    RESIDENCE = "residence", _("Residence")
    LANGUAGE = "language", _("Language")
    EDUCATION = "education", _("Education and qualifications")
    WORK = "work", _("Work")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family and children")
    FINANCES = "finances", _("Finances and debts")
    PARTICIPATION = "participation", _("Social participation")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial situation")


class GoalCategory(models.TextChoices):
    """Goal areas of the integration plan [000 "Integrationsplanung / Case Management"]."""

    RESIDENCE = "residence", _("Secure and consolidate residence status")
    GERMAN = "german", _("German beyond the integration course")
    LABOUR_MARKET = "labour_market", _("Access to labour-market measures")
    INTEGRATION_MEASURES = "integration_measures", _("Integration measures")
    HEALTH_CARE = "health_care", _("Independent use of health and elderly care")
    QUALIFICATION = "qualification", _("School or vocational qualification")
    KINDERGARTEN = "kindergarten", _("Kindergarten for the children")
    SCHOOL = "school", _("Children's school integration")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial stability")
    LIVELIHOOD = "livelihood", _("Independent livelihood")
    SOCIAL_BENEFITS = "social_benefits", _("Independent use of social benefits")
    LIFE_MANAGEMENT = "life_management", _("Independent life management")
    PARTICIPATION = "participation", _("Participation in society")
    ONWARD_MIGRATION = "onward_migration", _("Informed onward-migration decision")
    RETURN = "return", _("Informed return decision")


class Assessment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date"))
    note = models.TextField(_("summary"), blank=True, max_length=10000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")


class AssessmentItem(models.Model):
    """One life domain of an assessment; the rating uses the programme's scale (None: not assessed)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    strengths = models.TextField(_("strengths and resources"), blank=True, max_length=5000)
    needs = models.TextField(_("needs"), blank=True, max_length=5000)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="assessmentitem_unique_domain")]
        verbose_name = _("assessment of a life domain")
        verbose_name_plural = _("assessments of life domains")


class Plan(models.Model):
    """The integration plan of a case; ``version`` counts its versions (Fortschreibungen)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    review_on = models.DateField(_("next review"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("integration plan")
        verbose_name_plural = _("integration plans")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    REACHED = "reached", _("reached")
    PARTLY_REACHED = "partly_reached", _("partly reached")
    NOT_REACHED = "not_reached", _("not reached")
    DISCARDED = "discarded", _("discarded")


OPEN_GOAL_STATUSES = frozenset({GoalStatus.OPEN, GoalStatus.IN_PROGRESS})


class Priority(models.IntegerChoices):
    LOW = 0, _("low")
    NORMAL = 1, _("normal")
    HIGH = 2, _("high")


class Goal(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    category = models.CharField(_("goal category"), max_length=30, choices=GoalCategory.choices)
    client_words = models.TextField(_("the goal in the client's words"), max_length=2000)
    target_on = models.DateField(_("target date"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    status_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["plan", "status"], name="goal_plan_status_idx")]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")


class StepStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DISCARDED = "discarded", _("discarded")


OPEN_STEP_STATUSES = frozenset({StepStatus.OPEN, StepStatus.IN_PROGRESS})


class Step(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=1000)
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.OPEN)
    status_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["goal", "status", "due_on"], name="step_goal_status_idx")]
        verbose_name = _("step")
        verbose_name_plural = _("steps")


class PlanVersion(models.Model):
    """A frozen copy of the whole plan after each change; versions are compared from these snapshots."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField()
    change_summary = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")


class GoalAgreement(models.Model):
    """The written agreement made from one plan version; a changed plan needs a new agreement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="goal_agreements")
    plan_version = models.ForeignKey(PlanVersion, verbose_name=_("plan version"), on_delete=models.RESTRICT,
                                     related_name="agreements")
    language = models.CharField(_("language of the client"), max_length=10, default="de")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by_client = models.CharField(_("signed by (client or legal guardian)"), max_length=200, blank=True)
    signed_by_counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by (counsellor)"),
                                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    copy_handed_over = models.BooleanField(_("copy handed to the client"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("goal agreement")
        verbose_name_plural = _("goal agreements")
