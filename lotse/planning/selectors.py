"""Reads of assessments, the integration plan and goal agreements — always through the access policy."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read
from lotse.cases.casework import TimelineItem, WorklistEntry, read_once
from lotse.cases.models import Case
from lotse.core.pagination import keyset_page
from lotse.organisations.programme_settings import programme_settings
from lotse.planning.models import (OPEN_GOAL_STATUSES, OPEN_STEP_STATUSES, Assessment, AssessmentItem, Goal,
                                   GoalAgreement, LifeDomain, Plan, PlanVersion, Step)
from lotse.planning.snapshot import Comparison, compare

STEP_WARNING_DAYS = 7
AGREEMENT_SIGNATURE_DAYS = 14
HISTORY_PAGE_SIZE = 12
TIMELINE_LIMIT = 40


def _steps_prefetch(actor) -> Prefetch:
    return Prefetch("steps", queryset=policy.scope(actor, Step.objects.select_related("responsible_partner")))


# ---- assessment ------------------------------------------------------------------------------------

def _assessments(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Assessment.objects.all(), action)


def assessment_get(*, actor, public_id, action: Action = Action.VIEW) -> Assessment:
    assessment = policy.get_or_404(
        actor, Assessment.objects.select_related("case__person__organisation", "case__team", "case__offering",
                                                 "author").prefetch_related("items"),
        action=action, public_id=public_id)
    return assessment


def assessment_items(assessment: Assessment) -> list[AssessmentItem]:
    """The ten life domains in their fixed order (a domain without a stored row shows as not assessed)."""
    stored = {item.domain: item for item in assessment.items.all()}
    return [stored.get(domain) or AssessmentItem(assessment=assessment, domain=domain) for domain in LifeDomain.values]


def assessment_detail(*, actor, assessment: Assessment, compare_with: str | None = None) -> dict:
    """The assessment with each domain next to an earlier assessment of the case (by default the previous one)."""
    others = list(_assessments(actor).filter(case=assessment.case).exclude(pk=assessment.pk)
                  .order_by("-assessed_on", "-pk").only("public_id", "assessed_on", "pk")[:50])
    earlier = None
    if compare_with:
        earlier = next((other for other in others if str(other.public_id) == compare_with), None)
    if earlier is None and compare_with != "":
        earlier = next((other for other in others if (other.assessed_on, other.pk) < (assessment.assessed_on,
                                                                                         assessment.pk)), None)
    earlier_items = {}
    if earlier is not None:
        earlier_items = {item.domain: item for item in AssessmentItem.objects.filter(assessment_id=earlier.pk)}
    scale = dict(programme_settings(assessment.case.offering).scale)
    rows = []
    for item in assessment_items(assessment):
        before = earlier_items.get(item.domain)
        rows.append({"item": item, "label": LifeDomain(item.domain).label,
                     "rating_label": scale.get(item.rating, "") if item.rating is not None else "",
                     "earlier": before.rating if before else None,
                     "earlier_label": scale.get(before.rating, "") if before and before.rating is not None else ""})
    audit_read(actor=actor, obj=assessment.case.person, organisation=assessment.case.person.organisation,
               action="assessment.viewed")
    return {"assessment": assessment, "rows": rows, "others": others, "earlier": earlier, "scale": scale}


def assessment_history(*, actor, case: Case, cursor: str | None = None, domain: str | None = None) -> dict:
    """A page of assessments (latest first) with the ratings per domain, for the chart and its table."""
    from lotse.planning.chart import progress_chart

    page = keyset_page(_assessments(actor).filter(case=case).prefetch_related("items"),
                       ordering=("-assessed_on", "-pk"), cursor=cursor, page_size=HISTORY_PAGE_SIZE)
    chronological = list(reversed(page.items))
    settings = programme_settings(case.offering)
    domains = [domain] if domain in LifeDomain.values else list(LifeDomain.values)
    ratings = {assessment.pk: {item.domain: item.rating for item in assessment.items.all()}
               for assessment in chronological}
    series = [{"domain": code, "label": str(LifeDomain(code).label),
               "values": [ratings[assessment.pk].get(code) for assessment in chronological]} for code in domains]
    chart = progress_chart(dates=[assessment.assessed_on for assessment in chronological], series=series,
                           scale=settings.scale)
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="assessment.history_viewed")
    return {"page": page, "assessments": chronological, "series": series, "chart": chart,
            "scale": settings.scale, "domain": domain if domain in LifeDomain.values else ""}


# ---- plan ------------------------------------------------------------------------------------------

def plan_for_case(*, actor, case: Case) -> Plan | None:
    return policy.scope(actor, Plan.objects.filter(case=case)).first()


def plan_version_number(plan: Plan | None) -> int:
    """The version a plan form carries: 0 while the case has no plan."""
    return plan.version if plan is not None else 0


def plan_detail(*, actor, case: Case) -> dict:
    """The plan with every goal and step (constant number of queries however many goals there are)."""
    plan = plan_for_case(actor=actor, case=case)
    goals = []
    if plan is not None:
        goals = list(policy.scope(actor, Goal.objects.filter(plan=plan)).prefetch_related(_steps_prefetch(actor)))
    agreements = list(policy.scope(actor, GoalAgreement.objects.filter(case=case))
                      .select_related("plan_version", "signed_by_counsellor")[:20])
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="plan.viewed")
    return {"plan": plan, "goals": goals, "version": plan_version_number(plan),
            "agreements": _with_outdated(agreements, plan)}


def goal_get(*, actor, public_id, action: Action = Action.VIEW) -> Goal:
    return policy.get_or_404(actor, Goal.objects.select_related(
        "plan__case__person__organisation", "plan__case__team", "plan__case__offering"),
        action=action, public_id=public_id)


def step_get(*, actor, public_id, action: Action = Action.VIEW) -> Step:
    return policy.get_or_404(actor, Step.objects.select_related(
        "goal__plan__case__person__organisation", "goal__plan__case__team", "goal__plan__case__offering",
        "responsible_partner"), action=action, public_id=public_id)


def plan_versions(*, actor, case: Case, cursor: str | None = None):
    plan = plan_for_case(actor=actor, case=case)
    if plan is None:
        return plan, None
    versions = policy.scope(actor, PlanVersion.objects.filter(plan=plan)).select_related("created_by").defer(
        "snapshot")
    return plan, keyset_page(versions, ordering=("-number",), cursor=cursor, page_size=50)


def plan_version_choices(*, actor, plan: Plan | None) -> list[tuple[int, str]]:
    if plan is None:
        return []
    rows = policy.scope(actor, PlanVersion.objects.filter(plan=plan)).order_by("-number").values_list(
        "number", "created_at")[:500]
    return [(number, f"{number} ({timezone.localtime(created).strftime('%d.%m.%Y %H:%M')})")
            for number, created in rows]


def plan_compare(*, actor, plan: Plan, older: int, newer: int) -> Comparison | None:
    """Compare two stored versions of the plan (None when one of them does not exist)."""
    rows = {version.number: version.snapshot
            for version in policy.scope(actor, PlanVersion.objects.filter(plan=plan, number__in=[older, newer]))}
    if older not in rows or newer not in rows:
        return None
    return compare(rows[older], rows[newer])


def changes_since(*, actor, plan: Plan | None, seen: int | None) -> Comparison | None:
    """For a plan form sent with a stale version: what changed between the version the editor saw and now."""
    if plan is None or seen is None:
        return None
    if seen == 0:
        current = PlanVersion.objects.filter(plan=plan, number=plan.version).first()
        return compare({}, current.snapshot) if current else None
    return plan_compare(actor=actor, plan=plan, older=seen, newer=plan.version)


def latest_version(*, plan: Plan | None) -> PlanVersion | None:
    if plan is None:
        return None
    return PlanVersion.objects.filter(plan=plan, number=plan.version).select_related("created_by").first()


def plan_open_items(*, case: Case) -> dict:
    """Open goals and open steps of the case's plan (the lead's closure asks what happens to them)."""
    goals = list(Goal.objects.filter(plan__case=case, status__in=OPEN_GOAL_STATUSES))
    steps = list(Step.objects.filter(goal__plan__case=case, status__in=OPEN_STEP_STATUSES).select_related("goal"))
    return {"goals": goals, "steps": steps}


def goal_evaluations(*, actor, case: Case) -> list[Goal]:
    """Every goal of the plan, for the closure form's evaluation of each goal."""
    return list(policy.scope(actor, Goal.objects.filter(plan__case=case)).order_by("position", "id"))


# ---- goal agreement --------------------------------------------------------------------------------

def _with_outdated(agreements: list[GoalAgreement], plan: Plan | None) -> list[GoalAgreement]:
    current = plan.version if plan is not None else 0
    for agreement in agreements:
        agreement.is_outdated = agreement.plan_version.number < current
    return agreements


def agreement_get(*, actor, public_id, action: Action = Action.VIEW) -> GoalAgreement:
    return policy.get_or_404(actor, GoalAgreement.objects.select_related(
        "case__person__organisation", "case__person__preferred_language", "case__team", "case__offering",
        "plan_version__plan", "signed_by_counsellor", "created_by"), action=action, public_id=public_id)


def agreement_is_outdated(agreement: GoalAgreement) -> bool:
    return agreement.plan_version.number < agreement.plan_version.plan.version


# ---- case file, timeline, worklist -----------------------------------------------------------------

def _latest_assessments(actor, case: Case) -> list[Assessment]:
    return read_once(actor=actor, case=case, area="assessments", load=lambda: list(
        _assessments(actor).filter(case=case).order_by("-assessed_on", "-pk")[:TIMELINE_LIMIT]))


def _latest_agreements(actor, case: Case) -> list[GoalAgreement]:
    return read_once(actor=actor, case=case, area="agreements", load=lambda: list(
        policy.scope(actor, GoalAgreement.objects.filter(case=case)).select_related("plan_version")
        .order_by("-created_at", "-id")[:TIMELINE_LIMIT]))


def case_planning_summary(*, actor, case: Case) -> dict:
    """The planning part of the case file: plan, open goals with their steps, latest assessment, agreements."""
    plan = plan_for_case(actor=actor, case=case)
    open_goals = []
    if plan is not None:
        open_goals = list(policy.scope(actor, Goal.objects.filter(plan=plan, status__in=OPEN_GOAL_STATUSES))
                          .prefetch_related(_steps_prefetch(actor)))
    assessments = _latest_assessments(actor, case)
    agreements = _with_outdated(_latest_agreements(actor, case)[:20], plan)
    return {"plan": plan, "open_goals": open_goals, "latest_assessment": assessments[0] if assessments else None,
            "agreements": agreements, "plan_version": plan_version_number(plan),
            "latest_agreement": agreements[0] if agreements else None}


def timeline_items(*, actor, case: Case) -> list[TimelineItem]:
    items = []
    for assessment in _latest_assessments(actor, case):
        items.append(TimelineItem(when=assessment.assessed_on, kind="assessment", label=_("Assessment"),
                                  url=reverse("planning:assessment_detail", args=[assessment.public_id])))
    versions = policy.scope(actor, PlanVersion.objects.filter(plan__case=case)).only(
        "number", "created_at", "change_summary").order_by("-number")[:TIMELINE_LIMIT]
    plan_url = reverse("planning:plan_detail", args=[case.public_id])
    for version in versions:
        items.append(TimelineItem(when=timezone.localtime(version.created_at), kind="plan_version",
                                  label=_("Integration plan, version %(number)d") % {"number": version.number},
                                  url=plan_url, detail=version.change_summary))
    for agreement in _latest_agreements(actor, case):
        url = reverse("planning:agreement_sign", args=[agreement.public_id])
        number = agreement.plan_version.number
        items.append(TimelineItem(when=timezone.localtime(agreement.created_at), kind="agreement",
                                  label=_("Goal agreement made (plan version %(number)d)") % {"number": number},
                                  url=url))
        if agreement.signed_on:
            items.append(TimelineItem(when=agreement.signed_on, kind="agreement_signed",
                                      label=_("Goal agreement signed (plan version %(number)d)") % {"number": number},
                                      url=url))
    return items


def worklist_entries(*, actor, cases: list[Case], today: date) -> list[WorklistEntry]:
    """Steps due within a week, due goal and plan reviews, agreements unsigned after two weeks (4 queries)."""
    if not cases:
        return []
    by_id = {case.pk: case for case in cases}
    entries = []
    steps = policy.scope(actor, Step.objects.filter(
        goal__plan__case_id__in=by_id, status__in=OPEN_STEP_STATUSES, goal__status__in=OPEN_GOAL_STATUSES,
        due_on__lte=today + timedelta(days=STEP_WARNING_DAYS))).select_related("goal__plan").order_by("due_on", "id")
    for step in steps:
        case = by_id[step.goal.plan.case_id]
        entries.append(WorklistEntry(
            kind="step_due", label=_("Step of the integration plan: %(step)s") % {"step": step.description[:120]},
            due_on=step.due_on, case=case, person=case.person, shown_from=step.due_on - timedelta(days=STEP_WARNING_DAYS),
            url=reverse("planning:plan_detail", args=[case.public_id]) + f"#step-{step.public_id}"))
    goals = policy.scope(actor, Goal.objects.filter(
        plan__case_id__in=by_id, status__in=OPEN_GOAL_STATUSES, review_on__lte=today)).select_related(
        "plan").order_by("review_on", "id")
    for goal in goals:
        case = by_id[goal.plan.case_id]
        entries.append(WorklistEntry(
            kind="goal_review", label=_("Review the goal: %(goal)s") % {"goal": goal.client_words[:120]},
            due_on=goal.review_on, case=case, person=case.person,
            url=reverse("planning:goal_edit", args=[goal.public_id])))
    plans = policy.scope(actor, Plan.objects.filter(case_id__in=by_id, review_on__lte=today)).order_by("review_on", "id")
    for plan in plans:
        case = by_id[plan.case_id]
        entries.append(WorklistEntry(
            kind="plan_review", label=_("Review the integration plan"), due_on=plan.review_on, case=case,
            person=case.person, url=reverse("planning:plan_detail", args=[case.public_id]) + "#review"))
    cutoff = timezone.make_aware(
        datetime.combine(today - timedelta(days=AGREEMENT_SIGNATURE_DAYS), datetime.min.time()))
    agreements = policy.scope(actor, GoalAgreement.objects.filter(
        case_id__in=by_id, signed_on__isnull=True, created_at__lt=cutoff)).exclude(
        Exists(GoalAgreement.objects.filter(case=OuterRef("case"), created_at__gt=OuterRef("created_at")))).order_by(
        "created_at", "id")
    for agreement in agreements:
        case = by_id[agreement.case_id]
        created = timezone.localtime(agreement.created_at).date()
        entries.append(WorklistEntry(
            kind="agreement_unsigned", label=_("Goal agreement not signed yet"),
            due_on=created + timedelta(days=AGREEMENT_SIGNATURE_DAYS), case=case, person=case.person,
            url=reverse("planning:agreement_sign", args=[agreement.public_id])))
    return entries


def agreement_obligations(agreement: GoalAgreement) -> dict:
    from lotse.planning.snapshot import agreement_content

    return agreement_content(agreement.plan_version.snapshot)


def partner_options(*, actor, case: Case, current_id: int | None = None):
    """Active partners of the case's organisation (plus the step's current partner, even if inactive now)."""
    from django.db.models import Q

    from lotse.consent.selectors import partner_list

    condition = Q(is_active=True)
    if current_id:
        condition |= Q(pk=current_id)
    return partner_list(actor=actor, organisation=case.team.organisation).filter(condition)
