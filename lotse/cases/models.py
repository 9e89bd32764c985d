"""Cases (Fälle): the programme a person is counselled in, its phases, the persons involved, tasks,
closure and reopening. Contacts, assessments, plans and appointments hang off a case in their own apps."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    CLEARING = "clearing", _("Clearing")
    COUNSELLING = "counselling", _("Counselling")
    ASSESSMENT = "assessment", _("Case management: assessment")
    PLANNING = "planning", _("Case management: planning")
    MONITORING = "monitoring", _("Case management: implementation and monitoring")
    EVALUATION = "evaluation", _("Case management: evaluation")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


CASE_MANAGEMENT_PHASES = frozenset({Phase.ASSESSMENT, Phase.PLANNING, Phase.MONITORING, Phase.EVALUATION})


class ClosureReason(models.TextChoices):
    """DOMAIN.md §3 [001 §3.2.3; 002 §4.11]."""

    GOALS_REACHED = "goals_reached", _("Goals reached")
    ENDED_BY_CLIENT = "ended_by_client", _("Ended by the client")
    COUNSELLOR_PROTECTION = "counsellor_protection", _("Ended for the counsellor's own protection (threat)")
    MOVED_AWAY = "moved_away", _("Moved away out of the area")
    NO_COOPERATION = "no_cooperation", _("No cooperation")
    HANDED_OVER = "handed_over", _("Handed over to another service")
    TIME_LIMIT = "time_limit", _("Programme time limit reached")


class Indicator(models.TextChoices):
    """Indicators of goal achievement evaluated at closure (DOMAIN.md §8, [000 Anhang])."""

    RESIDENCE_SECURED = "residence_secured", _("Residence status secured")
    PLAN_IMPLEMENTED = "plan_implemented", _("Integration plan implemented")
    GOALS_REACHED = "goals_reached", _("Agreed goals reached")
    FEWER_PROBLEM_AREAS = "fewer_problem_areas", _("Fewer problem areas")
    LIVELIHOOD_BY_WORK = "livelihood_by_work", _("Livelihood secured by work")
    COURSE_COMPLETED = "course_completed", _("Integration course completed")


class IndicatorValue(models.TextChoices):
    YES = "yes", _("yes")
    PARTLY = "partly", _("partly")
    NO = "no", _("no")
    NOT_APPLICABLE = "n/a", _("not applicable")


class Case(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("on the waiting list")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Priority(models.IntegerChoices):
        NORMAL = 0, _("normal")
        PRIORITY = 1, _("priority (e.g. obliged to attend an integration course, § 44a AufenthG)")
        URGENT = 2, _("urgent (crisis)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", verbose_name=_("main client"), on_delete=models.PROTECT,
                               related_name="cases")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="cases")
    offering = models.ForeignKey("organisations.ProgrammeOffering", verbose_name=_("programme"),
                                 on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.CLEARING)
    phase_since = models.DateField(_("in this phase since"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("case owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_cases")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("deputy"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deputised_cases")
    requested_on = models.DateField(_("requested on"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    time_limit_on = models.DateField(_("programme time limit"), null=True, blank=True)
    own_flat_since = models.DateField(_("in own flat since"), null=True, blank=True,
                                      help_text=_("SIM: responsibility moves to the general social service "
                                                  "some years after the client moved into their own flat."))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["team", "status", "-priority", "requested_on", "id"],
                                name="case_team_queue_idx"),
                   models.Index(fields=["owner", "status"], name="case_owner_status_idx"),
                   # Reports count the cases of a set of teams: read from the index alone, not the table
                   # (key columns rather than INCLUDE, which SQLite does not know).
                   models.Index(fields=["team", "id", "person", "owner", "offering", "opened_on",
                                        "closed_on"], name="case_team_report_idx")]
        constraints = [models.UniqueConstraint(
            fields=["person", "offering"], condition=models.Q(status__in=["waiting", "open"]),
            name="case_one_active_per_programme")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return f"{self.offering} – {self.person}"

    @property
    def is_case_management(self) -> bool:
        return self.phase in CASE_MANAGEMENT_PHASES


class CaseMember(models.Model):
    """A family member counselled together with the main client (MBE counts them separately)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="case_memberships")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], condition=models.Q(until__isnull=True),
                                               name="casemember_one_active")]
        verbose_name = _("co-counselled family member")
        verbose_name_plural = _("co-counselled family members")


class PhaseChange(models.Model):
    """Phase history of a case; the current phase is also kept on the case for cheap lists."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(_("previous phase"), max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    changed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]
        # The phase of a case on a day (latest change up to it) and the changes to a phase in a period.
        indexes = [models.Index(fields=["case", "-changed_on", "-id", "to_phase"],
                                name="phasechange_case_latest_idx"),
                   models.Index(fields=["to_phase", "changed_on"], name="phasechange_phase_date_idx")]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")


class Closure(models.Model):
    """One closure of a case with its evaluation; a reopened case keeps its earlier closures."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    closed_on = models.DateField(_("closed on"))
    reason = models.CharField(_("reason"), max_length=30, choices=ClosureReason.choices)
    note = models.TextField(_("evaluation and note"), blank=True, max_length=5000)
    indicators = models.JSONField(_("indicators"), default=dict, blank=True,
                                  help_text=_("Indicator code → yes / partly / no / not applicable."))
    open_items = models.CharField(_("open steps and tasks"), max_length=20, blank=True,
                                  help_text=_("What happened to steps and tasks still open at closure."))
    follow_up_on = models.DateField(_("sustainability check on"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("sustainability checked on"), null=True, blank=True)
    follow_up_note = models.TextField(_("result of the sustainability check"), blank=True, max_length=5000)
    handed_over_to = models.ForeignKey("network.Partner", verbose_name=_("handed over to"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closed_on", "-id"]
        indexes = [models.Index(fields=["closed_on"], name="closure_closed_on_idx"),
                   models.Index(fields=["follow_up_on"], name="closure_follow_up_idx",
                                condition=models.Q(follow_up_done_on__isnull=True))]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")


class Responsible(models.TextChoices):
    CLIENT = "client", _("Client")
    COUNSELLOR = "counsellor", _("Counsellor")
    PARTNER = "partner", _("Partner")


class Task(models.Model):
    """Something to be done by a date: agreements from a contact ("wer macht was bis wann"), reports from
    partners, decisions of a case conference. Plan steps are kept with the plan (lotse.planning)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        DISCARDED = "discarded", _("discarded")

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        CONTACT = "contact", _("agreement in a counselling contact")
        PARTNER_REPORT = "partner_report", _("report from a partner")
        CONFERENCE = "conference", _("decision of a case conference")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("what"), max_length=500)
    responsible = models.CharField(_("who"), max_length=20, choices=Responsible.choices)
    responsible_partner = models.ForeignKey("network.Partner", verbose_name=_("partner"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("counsellor"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="tasks")
    due_on = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="tasks")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["case", "status", "due_on"], name="task_case_open_idx")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
