"""Every write to assessments, the integration plan and goal agreements.

Each plan change (goal or step added or edited, a status, a review date) is one transaction that
locks the case (:func:`case_for_work`), checks the plan version the editor loaded, changes the plan,
increases ``plan.version`` and stores a :class:`PlanVersion` with a snapshot of the whole plan.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.casework import case_for_work
from lotse.cases.models import Case, Responsible
from lotse.core.versioning import bump, ensure_current
from lotse.documents import texts
from lotse.network.models import Partner
from lotse.organisations.programme_settings import programme_settings
from lotse.planning.models import (OPEN_GOAL_STATUSES, OPEN_STEP_STATUSES, Assessment, AssessmentItem, Goal,
                                   GoalAgreement, GoalCategory, GoalStatus, LifeDomain, Plan, PlanVersion, Priority,
                                   Step, StepStatus)
from lotse.planning.snapshot import agreement_goals, plan_snapshot

REASON_REQUIRED = frozenset({GoalStatus.PARTLY_REACHED, GoalStatus.NOT_REACHED, GoalStatus.DISCARDED})
GOAL_FIELDS = ("domain", "category", "client_words", "target_on", "priority", "review_on", "status",
               "status_reason")
STEP_FIELDS = ("description", "responsible", "responsible_partner", "due_on", "status", "status_reason")
TEXT_LIMITS = {"client_words": 2000, "status_reason": 1000, "description": 1000}


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()


def _audit(actor, case: Case, action: str, details: dict) -> None:
    audit_record(actor=actor, action=action, category=Category.WRITE, obj=case.person,
                 organisation=case.person.organisation, details={"case": str(case.public_id), **details})


# ---- assessment ------------------------------------------------------------------------------------

def _clean_assessment(case: Case, *, assessed_on, note, items) -> tuple[date, str, dict]:
    errors = {}
    if not isinstance(assessed_on, date):
        errors["assessed_on"] = _("Please enter the date of the assessment.")
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = _("The date cannot be in the future.")
    elif assessed_on.year < 1900:
        errors["assessed_on"] = _("Please enter a valid date.")
    note = _text(note)
    if len(note) > 10000:
        errors["note"] = _("Please use at most %(max)d characters.") % {"max": 10000}
    scale = {value for value, _label in programme_settings(case.offering).scale}
    items = items or {}
    cleaned = {}
    for domain in items:
        if domain not in LifeDomain.values:
            errors["items"] = _("Unknown life domain.")
    for domain in LifeDomain.values:
        values = items.get(domain) or {}
        rating = values.get("rating")
        if rating in ("", None):
            rating = None
        else:
            try:
                rating = int(rating)
            except (TypeError, ValueError):
                rating = -1
            if rating not in scale:
                errors[f"{domain}_rating"] = _("Please choose a value of the scale or “not assessed”.")
        entry = {"rating": rating}
        for name in ("strengths", "needs", "notes"):
            entry[name] = _text(values.get(name))
            if len(entry[name]) > 5000:
                errors[f"{domain}_{name}"] = _("Please use at most %(max)d characters.") % {"max": 5000}
        cleaned[domain] = entry
    if not errors and not any(entry["rating"] is not None or entry["strengths"] or entry["needs"] or entry["notes"]
                              for entry in cleaned.values()):
        errors["__all__"] = _("Please assess at least one life domain.")
    if errors:
        raise ValidationError(errors)
    return assessed_on, note, cleaned


@transaction.atomic
def assessment_create(*, actor, case: Case, assessed_on: date, note: str = "", items: dict) -> Assessment:
    """``items``: life domain -> {"rating": value of the programme's scale or None, "strengths", "needs", "notes"}."""
    locked = case_for_work(actor=actor, case=case)
    assessed_on, note, cleaned = _clean_assessment(locked, assessed_on=assessed_on, note=note, items=items)
    assessment = Assessment.objects.create(case=locked, assessed_on=assessed_on, note=note, author=actor)
    AssessmentItem.objects.bulk_create([AssessmentItem(assessment=assessment, domain=domain, **values)
                                        for domain, values in cleaned.items()])
    _audit(actor, locked, "assessment.created", {"assessment": str(assessment.public_id)})
    return assessment


@transaction.atomic
def assessment_update(*, actor, assessment: Assessment, version: int, assessed_on: date, note: str = "",
                      items: dict) -> Assessment:
    locked_case = case_for_work(actor=actor, case=assessment.case)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk, case=locked_case)
    ensure_current(locked, version)
    assessed_on, note, cleaned = _clean_assessment(locked_case, assessed_on=assessed_on, note=note, items=items)
    locked.assessed_on, locked.note = assessed_on, note
    bump(locked, fields=["assessed_on", "note"])
    stored = {item.domain: item for item in locked.items.all()}
    for domain, values in cleaned.items():
        item = stored.get(domain)
        if item is None:
            AssessmentItem.objects.create(assessment=locked, domain=domain, **values)
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save(update_fields=list(values))
    _audit(actor, locked_case, "assessment.updated", {"assessment": str(locked.public_id), "version": locked.version})
    return locked


# ---- plan ------------------------------------------------------------------------------------------

def _plan_for_change(*, actor, case: Case, version: int | None, allow_closed: bool = False,
                     check_version: bool = True) -> tuple[Case, Plan]:
    """The case locked for work and its plan locked (created on first use: version 0 until the first change)."""
    locked_case = case_for_work(actor=actor, case=case, allow_closed=allow_closed)
    plan = Plan.objects.select_for_update().filter(case=locked_case).first()
    if plan is None:
        plan = Plan.objects.create(case=locked_case, version=0, updated_by=actor)
    if check_version:
        ensure_current(plan, version)
    plan.case = locked_case
    return locked_case, plan


def _goals_with_steps(plan: Plan):
    return list(Goal.objects.filter(plan=plan).prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("responsible_partner"))))


def _record_version(*, actor, case: Case, plan: Plan, summary: str) -> PlanVersion:
    plan.updated_by = actor
    bump(plan, fields=["review_on", "updated_by", "updated_at"])
    version = PlanVersion.objects.create(plan=plan, number=plan.version,
                                         snapshot=plan_snapshot(plan, _goals_with_steps(plan)),
                                         change_summary=summary[:500], created_by=actor)
    _audit(actor, case, "plan.changed", {"plan": str(plan.public_id), "version": plan.version, "summary": summary[:200]})
    return version


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_date(errors: dict, name: str, value, *, required: bool, changed: bool, message_past: str,
                message_missing: str):
    if value is None:
        if required:
            errors[name] = message_missing
        return
    if not isinstance(value, date):
        errors[name] = _("Please enter a valid date.")
    elif changed and value < timezone.localdate():
        errors[name] = message_past
    elif value.year > 2200:
        errors[name] = _("Please enter a valid date.")


def _clean_goal(values: dict, before: Goal | None) -> dict:
    errors = {}
    cleaned = dict(values)
    if values["domain"] not in LifeDomain.values:
        errors["domain"] = _("Please choose the life domain.")
    if values["category"] not in GoalCategory.values:
        errors["category"] = _("Please choose the goal category.")
    for name in ("client_words", "status_reason"):
        cleaned[name] = _text(values[name])
        if len(cleaned[name]) > TEXT_LIMITS[name]:
            errors[name] = _("Please use at most %(max)d characters.") % {"max": TEXT_LIMITS[name]}
    if not cleaned["client_words"] and "client_words" not in errors:
        errors["client_words"] = _("Please describe the goal in the client's words.")
    _clean_date(errors, "target_on", values["target_on"], required=True,
                changed=before is None or before.target_on != values["target_on"],
                message_past=_("The target date cannot be in the past."),
                message_missing=_("Please enter the target date."))
    _clean_date(errors, "review_on", values["review_on"], required=False,
                changed=before is None or before.review_on != values["review_on"],
                message_past=_("The review date cannot be in the past."), message_missing="")
    try:
        cleaned["priority"] = int(values["priority"])
    except (TypeError, ValueError):
        cleaned["priority"] = -1
    if cleaned["priority"] not in Priority.values:
        errors["priority"] = _("Please choose the priority.")
    if values["status"] not in GoalStatus.values:
        errors["status"] = _("Please choose the status.")
    elif values["status"] in REASON_REQUIRED and not cleaned["status_reason"] and "status_reason" not in errors:
        errors["status_reason"] = _("Please give the reason why the goal was partly reached, not reached or "
                                    "discarded.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_step(case: Case, values: dict, before: Step | None) -> dict:
    errors = {}
    cleaned = dict(values)
    for name in ("description", "status_reason"):
        cleaned[name] = _text(values[name])
        if len(cleaned[name]) > TEXT_LIMITS[name]:
            errors[name] = _("Please use at most %(max)d characters.") % {"max": TEXT_LIMITS[name]}
    if not cleaned["description"] and "description" not in errors:
        errors["description"] = _("Please describe the step.")
    responsible, partner = values["responsible"], values["responsible_partner"]
    if responsible not in Responsible.values:
        errors["responsible"] = _("A step needs a responsible party: the client, the counsellor or a partner.")
    elif responsible == Responsible.PARTNER:
        if partner is None:
            errors["responsible_partner"] = _("Please choose the partner who is responsible for this step.")
        elif not isinstance(partner, Partner) or partner.organisation_id != case.team.organisation_id \
                or (not partner.is_active and (before is None or before.responsible_partner_id != partner.pk)):
            errors["responsible_partner"] = _("Please choose a partner from your organisation's partner list.")
    else:
        cleaned["responsible_partner"] = None
    _clean_date(errors, "due_on", values["due_on"], required=True,
                changed=before is None or before.due_on != values["due_on"],
                message_past=_("The due date cannot be in the past."), message_missing=_("Please enter the due date."))
    if values["status"] not in StepStatus.values:
        errors["status"] = _("Please choose the status.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def goal_create(*, actor, case: Case, version: int, domain: str, category: str, client_words: str, target_on: date,
                priority: int = Priority.NORMAL, review_on: date | None = None, status: str = GoalStatus.OPEN,
                status_reason: str = "") -> Goal:
    """Add a goal; ``version`` is the plan version the editor saw (0 when the case has no plan yet)."""
    locked_case, plan = _plan_for_change(actor=actor, case=case, version=version)
    cleaned = _clean_goal({"domain": domain, "category": category, "client_words": client_words,
                           "target_on": target_on, "priority": priority, "review_on": review_on, "status": status,
                           "status_reason": status_reason}, None)
    position = (Goal.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True).first()
                or 0) + 1
    goal = Goal.objects.create(plan=plan, position=min(position, 32767), **cleaned)
    _record_version(actor=actor, case=locked_case, plan=plan,
                    summary=_("Goal added: %(goal)s") % {"goal": _short(goal.client_words)})
    return goal


def _locked_goal(goal: Goal, plan: Plan) -> Goal:
    locked = Goal.objects.select_for_update().filter(pk=goal.pk, plan=plan).first()
    if locked is None:
        raise ValidationError(_("This goal no longer belongs to the plan. Please reload the page."), code="stale")
    return locked


@transaction.atomic
def goal_update(*, actor, goal: Goal, version: int, **changes) -> Goal:
    """Change any of the goal's fields (``domain``, ``category``, ``client_words``, ``target_on``, ``priority``,
    ``review_on``, ``status``, ``status_reason``); fields not given keep their value."""
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    locked_case, plan = _plan_for_change(actor=actor, case=goal.plan.case, version=version)
    locked = _locked_goal(goal, plan)
    values = {name: changes.get(name, getattr(locked, name)) for name in GOAL_FIELDS}
    cleaned = _clean_goal(values, locked)
    changed = [name for name in GOAL_FIELDS if getattr(locked, name) != cleaned[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, cleaned[name])
    locked.save(update_fields=changed)
    if changed == ["status"] or changed == ["status", "status_reason"]:
        summary = _("Goal status: %(goal)s – %(status)s") % {"goal": _short(locked.client_words, 60),
                                                             "status": locked.get_status_display()}
    else:
        summary = _("Goal changed: %(goal)s") % {"goal": _short(locked.client_words)}
    _record_version(actor=actor, case=locked_case, plan=plan, summary=summary)
    return locked


@transaction.atomic
def step_create(*, actor, goal: Goal, version: int, description: str, responsible: str, due_on: date,
                responsible_partner: Partner | None = None, status: str = StepStatus.OPEN,
                status_reason: str = "") -> Step:
    locked_case, plan = _plan_for_change(actor=actor, case=goal.plan.case, version=version)
    locked_goal = _locked_goal(goal, plan)
    cleaned = _clean_step(locked_case, {"description": description, "responsible": responsible,
                                        "responsible_partner": responsible_partner, "due_on": due_on,
                                        "status": status, "status_reason": status_reason}, None)
    position = (Step.objects.filter(goal=locked_goal).order_by("-position").values_list("position", flat=True)
                .first() or 0) + 1
    step = Step.objects.create(goal=locked_goal, position=min(position, 32767), **cleaned)
    _record_version(actor=actor, case=locked_case, plan=plan,
                    summary=_("Step added: %(step)s") % {"step": _short(step.description)})
    return step


@transaction.atomic
def step_update(*, actor, step: Step, version: int, **changes) -> Step:
    """Change any of ``description``, ``responsible``, ``responsible_partner``, ``due_on``, ``status``,
    ``status_reason``; fields not given keep their value."""
    unknown = set(changes) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"unknown step fields: {sorted(unknown)}")
    locked_case, plan = _plan_for_change(actor=actor, case=step.goal.plan.case, version=version)
    locked = Step.objects.select_for_update(of=("self",)).select_related("responsible_partner").filter(
        pk=step.pk, goal__plan=plan).first()
    if locked is None:
        raise ValidationError(_("This step no longer belongs to the plan. Please reload the page."), code="stale")
    values = {name: changes.get(name, getattr(locked, name)) for name in STEP_FIELDS}
    cleaned = _clean_step(locked_case, values, locked)
    changed = [name for name in STEP_FIELDS if getattr(locked, name) != cleaned[name]]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, cleaned[name])
    locked.save(update_fields=changed)
    if changed == ["status"] or changed == ["status", "status_reason"]:
        summary = _("Step status: %(step)s – %(status)s") % {"step": _short(locked.description, 60),
                                                             "status": locked.get_status_display()}
    else:
        summary = _("Step changed: %(step)s") % {"step": _short(locked.description)}
    _record_version(actor=actor, case=locked_case, plan=plan, summary=summary)
    return locked


@transaction.atomic
def plan_review_set(*, actor, case: Case, version: int, review_on: date | None) -> Plan:
    """Set (or clear) the date of the next review of the whole plan."""
    locked_case, plan = _plan_for_change(actor=actor, case=case, version=version)
    errors = {}
    _clean_date(errors, "review_on", review_on, required=False, changed=plan.review_on != review_on,
                message_past=_("The review date cannot be in the past."), message_missing="")
    if errors:
        raise ValidationError(errors)
    if plan.review_on == review_on and plan.version > 0:
        return plan
    plan.review_on = review_on
    summary = (_("Next review of the plan: %(date)s") % {"date": review_on.strftime("%d.%m.%Y")} if review_on
               else _("Review date of the plan removed"))
    _record_version(actor=actor, case=locked_case, plan=plan, summary=summary)
    return plan


# ---- closure of the case ---------------------------------------------------------------------------

def plan_close_open_items(*, actor, case: Case, outcome: str, reason: str) -> PlanVersion | None:
    """For the closure of the case, inside the caller's transaction: open steps become done or discarded,
    open goals reached or discarded, each with ``reason``; one new plan version (None if nothing was open)."""
    if outcome not in ("discarded", "done"):
        raise ValidationError({"open_items": _("Please choose what happens to the open steps and tasks.")})
    locked_case = case_for_work(actor=actor, case=case, allow_closed=True)
    plan = Plan.objects.select_for_update().filter(case=locked_case).first()
    if plan is None:
        return None
    reason = _short(_text(reason), 1000)
    steps = Step.objects.filter(goal__plan=plan, status__in=OPEN_STEP_STATUSES)
    goals = Goal.objects.filter(plan=plan, status__in=OPEN_GOAL_STATUSES)
    step_status = StepStatus.DONE if outcome == "done" else StepStatus.DISCARDED
    goal_status = GoalStatus.REACHED if outcome == "done" else GoalStatus.DISCARDED
    changed = steps.update(status=step_status, status_reason=reason)
    changed += goals.update(status=goal_status, status_reason=reason)
    if not changed:
        return None
    summary = (_("Case closed: open goals and steps marked as done") if outcome == "done"
               else _("Case closed: open goals and steps discarded"))
    return _record_version(actor=actor, case=locked_case, plan=plan, summary=summary)


def goal_evaluate_many(*, actor, case: Case, evaluations: dict) -> PlanVersion | None:
    """The final status of each goal, from the closure form: ``{goal public_id: (status, reason)}``.

    Errors name the closure form's fields (``goal_<id>``, ``goal_<id>_reason``). Runs inside the caller's
    transaction; one plan version for all changes (None if nothing changed)."""
    with transaction.atomic():
        locked_case = case_for_work(actor=actor, case=case, allow_closed=True)
        plan = Plan.objects.select_for_update().filter(case=locked_case).first()
        if plan is None:
            if evaluations:
                raise ValidationError(_("The case has no integration plan."))
            return None
        goals = {str(goal.public_id): goal for goal in Goal.objects.select_for_update().filter(plan=plan)}
        errors, changed = {}, []
        for key, value in (evaluations or {}).items():
            goal = goals.get(str(key))
            if goal is None:
                errors["__all__"] = _("A goal of the evaluation does not belong to this plan. Please reload the page.")
                continue
            try:
                status, reason = value
            except (TypeError, ValueError):
                errors[f"goal_{key}"] = _("Please choose the status.")
                continue
            reason = _text(reason)
            if status not in GoalStatus.values:
                errors[f"goal_{key}"] = _("Please choose the status.")
            elif status in REASON_REQUIRED and not reason:
                errors[f"goal_{key}_reason"] = _("Please give the reason why the goal was partly reached, not "
                                                 "reached or discarded.")
            elif len(reason) > 1000:
                errors[f"goal_{key}_reason"] = _("Please use at most %(max)d characters.") % {"max": 1000}
            elif goal.status != status or goal.status_reason != reason:
                goal.status, goal.status_reason = status, reason
                changed.append(goal)
        if errors:
            raise ValidationError(errors)
        if not changed:
            return None
        Goal.objects.bulk_update(changed, ["status", "status_reason"])
        return _record_version(actor=actor, case=locked_case, plan=plan,
                               summary=_("Goals evaluated at the closure of the case"))


# ---- goal agreement --------------------------------------------------------------------------------

@transaction.atomic
def agreement_create(*, actor, case: Case, language: str) -> GoalAgreement:
    """A goal agreement made from the current plan version."""
    locked_case = case_for_work(actor=actor, case=case)
    if language not in texts.LANGUAGES:
        raise ValidationError({"language": _("Please choose one of the offered languages.")})
    plan = Plan.objects.filter(case=locked_case).first()
    version = (PlanVersion.objects.filter(plan=plan, number=plan.version).first()
               if plan is not None and plan.version > 0 else None)
    if version is None or not agreement_goals(version.snapshot):
        raise ValidationError(_("The integration plan has no open goals yet: add the goals and steps first."),
                              code="no_goals")
    agreement = GoalAgreement.objects.create(case=locked_case, plan_version=version, language=language,
                                             created_by=actor)
    _audit(actor, locked_case, "goal_agreement.created",
           {"agreement": str(agreement.public_id), "plan_version": version.number, "language": language})
    return agreement


@transaction.atomic
def agreement_sign(*, actor, agreement: GoalAgreement, signed_on: date, signed_by_client: str,
                   signed_by_counsellor=None, copy_handed_over: bool = False) -> GoalAgreement:
    """Record who signed the agreement and when, and whether the client got a copy."""
    from lotse.organisations.models import Membership, Role

    locked_case = case_for_work(actor=actor, case=agreement.case)
    locked = GoalAgreement.objects.select_for_update().get(pk=agreement.pk, case=locked_case)
    errors = {}
    today = timezone.localdate()
    if not isinstance(signed_on, date):
        errors["signed_on"] = _("Please enter the date of the signature.")
    elif signed_on > today:
        errors["signed_on"] = _("The date cannot be in the future.")
    elif signed_on < timezone.localtime(locked.created_at).date():
        errors["signed_on"] = _("The agreement cannot have been signed before it was made.")
    signed_by_client = " ".join(_text(signed_by_client).split())
    if not signed_by_client:
        errors["signed_by_client"] = _("Please enter the name of the client or legal guardian who signed.")
    elif len(signed_by_client) > 200:
        errors["signed_by_client"] = _("Please use at most %(max)d characters.") % {"max": 200}
    if signed_by_counsellor is not None and not Membership.objects.filter(
            user=signed_by_counsellor, team=locked_case.team, is_active=True,
            role__in=[Role.COUNSELLOR, Role.TEAM_LEAD]).exists():
        errors["signed_by_counsellor"] = _("Please choose a counsellor of the case's team.")
    if errors:
        raise ValidationError(errors)
    locked.signed_on = signed_on
    locked.signed_by_client = signed_by_client
    locked.signed_by_counsellor = signed_by_counsellor
    locked.copy_handed_over = bool(copy_handed_over)
    locked.save(update_fields=["signed_on", "signed_by_client", "signed_by_counsellor", "copy_handed_over"])
    _audit(actor, locked_case, "goal_agreement.signed",
           {"agreement": str(locked.public_id), "signed_on": signed_on.isoformat(),
            "copy_handed_over": locked.copy_handed_over})
    return locked
