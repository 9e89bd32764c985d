"""Assessments, the integration plan, goals and steps under /api/ — same selectors, services and policy as the web."""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access.policy import Action
from lotse.cases.models import Responsible
from lotse.cases.selectors import case_get
from lotse.planning import selectors, services
from lotse.planning.models import GoalCategory, GoalStatus, LifeDomain, Priority, StepStatus

router = Router(tags=["Assessment und Integrationsplan"])


class ItemOut(Schema):
    domain: str
    rating: int | None
    strengths: str
    needs: str
    notes: str


class AssessmentOut(Schema):
    id: UUID
    case: UUID
    assessed_on: date
    note: str
    version: int
    items: list[ItemOut]


class AssessmentSummary(Schema):
    id: UUID
    assessed_on: date
    version: int


class AssessmentPage(Schema):
    items: list[AssessmentSummary]
    next_cursor: str | None


class ItemIn(Schema):
    rating: int | None = None
    strengths: str = Field("", max_length=5000)
    needs: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class AssessmentIn(Schema):
    assessed_on: date
    note: str = Field("", max_length=10000)
    items: dict[LifeDomain, ItemIn]


class StepOut(Schema):
    id: UUID
    description: str
    responsible: str
    responsible_partner: UUID | None
    responsible_partner_name: str
    due_on: date
    status: str
    status_reason: str


class GoalOut(Schema):
    id: UUID
    domain: str
    category: str
    client_words: str
    target_on: date
    priority: int
    review_on: date | None
    status: str
    status_reason: str
    steps: list[StepOut]


class PlanOut(Schema):
    id: UUID | None
    case: UUID
    version: int
    review_on: date | None
    goals: list[GoalOut]


class GoalIn(Schema):
    version: int = Field(..., ge=0)
    domain: LifeDomain
    category: GoalCategory
    client_words: str = Field(..., min_length=1, max_length=2000)
    target_on: date
    priority: Priority = Priority.NORMAL
    review_on: date | None = None


class GoalUpdateIn(Schema):
    version: int = Field(..., ge=0)
    domain: LifeDomain | None = None
    category: GoalCategory | None = None
    client_words: str | None = Field(None, max_length=2000)
    target_on: date | None = None
    priority: Priority | None = None
    review_on: date | None = None
    status: GoalStatus | None = None
    status_reason: str | None = Field(None, max_length=1000)


class StepIn(Schema):
    version: int = Field(..., ge=0)
    description: str = Field(..., min_length=1, max_length=1000)
    responsible: Responsible
    responsible_partner: UUID | None = None
    due_on: date


class StepUpdateIn(Schema):
    version: int = Field(..., ge=0)
    description: str | None = Field(None, max_length=1000)
    responsible: Responsible | None = None
    responsible_partner: UUID | None = None
    due_on: date | None = None
    status: StepStatus | None = None
    status_reason: str | None = Field(None, max_length=1000)


def _assessment_out(assessment) -> AssessmentOut:
    return AssessmentOut(id=assessment.public_id, case=assessment.case.public_id, assessed_on=assessment.assessed_on,
                         note=assessment.note, version=assessment.version,
                         items=[ItemOut(domain=item.domain, rating=item.rating, strengths=item.strengths,
                                        needs=item.needs, notes=item.notes)
                                for item in selectors.assessment_items(assessment)])


def _step_out(step) -> StepOut:
    partner = step.responsible_partner
    return StepOut(id=step.public_id, description=step.description, responsible=step.responsible,
                   responsible_partner=partner.public_id if partner else None,
                   responsible_partner_name=partner.name if partner else "", due_on=step.due_on, status=step.status,
                   status_reason=step.status_reason)


def _goal_out(goal) -> GoalOut:
    return GoalOut(id=goal.public_id, domain=goal.domain, category=goal.category, client_words=goal.client_words,
                   target_on=goal.target_on, priority=goal.priority, review_on=goal.review_on, status=goal.status,
                   status_reason=goal.status_reason, steps=[_step_out(step) for step in goal.steps.all()])


def _plan_out(actor, case) -> PlanOut:
    detail = selectors.plan_detail(actor=actor, case=case)
    plan = detail["plan"]
    return PlanOut(id=plan.public_id if plan else None, case=case.public_id, version=detail["version"],
                   review_on=plan.review_on if plan else None, goals=[_goal_out(goal) for goal in detail["goals"]])


def _partner(actor, case, public_id):
    if public_id is None:
        return None
    partner = selectors.partner_options(actor=actor, case=case).filter(public_id=public_id).first()
    if partner is None:
        raise ValidationError({"responsible_partner": _("Please choose a partner from your organisation's partner "
                                                        "list.")})
    return partner


@router.get("/cases/{public_id}/assessments", response=AssessmentPage, summary="Assessments eines Falls")
def assessment_list(request, public_id: UUID, cursor: str | None = None):
    case = case_get(actor=request.user, public_id=public_id)
    history = selectors.assessment_history(actor=request.user, case=case, cursor=cursor)
    return AssessmentPage(items=[AssessmentSummary(id=item.public_id, assessed_on=item.assessed_on,
                                                   version=item.version) for item in history["page"].items],
                          next_cursor=history["page"].next_cursor)


@router.post("/cases/{public_id}/assessments", response={201: AssessmentOut}, summary="Assessment anlegen")
def assessment_create(request, public_id: UUID, payload: AssessmentIn):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    assessment = services.assessment_create(
        actor=request.user, case=case, assessed_on=payload.assessed_on, note=payload.note,
        items={str(domain): item.dict() for domain, item in payload.items.items()})
    return Status(201, _assessment_out(selectors.assessment_get(actor=request.user, public_id=assessment.public_id)))


@router.get("/assessments/{public_id}", response=AssessmentOut, summary="Ein Assessment")
def assessment_detail(request, public_id: UUID):
    assessment = selectors.assessment_get(actor=request.user, public_id=public_id)
    from lotse.audit.services import audit_read

    audit_read(actor=request.user, obj=assessment.case.person, organisation=assessment.case.person.organisation,
               action="assessment.viewed")
    return _assessment_out(assessment)


@router.get("/cases/{public_id}/plan", response=PlanOut, summary="Integrationsplan mit Zielen, Schritten und Version")
def plan_detail(request, public_id: UUID):
    case = case_get(actor=request.user, public_id=public_id)
    return _plan_out(request.user, case)


@router.post("/cases/{public_id}/plan/goals", response={201: GoalOut},
             summary="Ziel anlegen (version: Planversion, die Sie kennen; 0 ohne Plan)")
def goal_create(request, public_id: UUID, payload: GoalIn):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    goal = services.goal_create(actor=request.user, case=case, **payload.dict())
    return Status(201, _goal_out(selectors.goal_get(actor=request.user, public_id=goal.public_id)))


@router.put("/goals/{public_id}", response=GoalOut, summary="Ziel ändern (nur angegebene Felder; 409 bei veralteter "
                                                           "Version)")
def goal_update(request, public_id: UUID, payload: GoalUpdateIn):
    goal = selectors.goal_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items() if name != "version"}
    for name in ("domain", "category", "client_words", "target_on", "priority", "status"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if changes.get("status_reason") is None and "status_reason" in changes:
        changes["status_reason"] = ""
    services.goal_update(actor=request.user, goal=goal, version=payload.version, **changes)
    return _goal_out(selectors.goal_get(actor=request.user, public_id=public_id))


@router.post("/goals/{public_id}/steps", response={201: StepOut}, summary="Schritt anlegen")
def step_create(request, public_id: UUID, payload: StepIn):
    goal = selectors.goal_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    values = payload.dict()
    values["responsible_partner"] = _partner(request.user, goal.plan.case, payload.responsible_partner)
    step = services.step_create(actor=request.user, goal=goal, **values)
    return Status(201, _step_out(selectors.step_get(actor=request.user, public_id=step.public_id)))


@router.put("/steps/{public_id}", response=StepOut, summary="Schritt ändern (nur angegebene Felder; 409 bei veralteter "
                                                           "Version)")
def step_update(request, public_id: UUID, payload: StepUpdateIn):
    step = selectors.step_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    changes = {name: value for name, value in payload.dict(exclude_unset=True).items() if name != "version"}
    for name in ("description", "responsible", "due_on", "status"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "status_reason" in changes and changes["status_reason"] is None:
        changes["status_reason"] = ""
    if "responsible_partner" in changes:
        case = step.goal.plan.case
        current = step.responsible_partner
        wanted = changes["responsible_partner"]
        changes["responsible_partner"] = current if current and wanted == current.public_id else _partner(
            request.user, case, wanted)
    services.step_update(actor=request.user, step=step, version=payload.version, **changes)
    return _step_out(selectors.step_get(actor=request.user, public_id=public_id))
