from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases import selectors, services
from lotse.cases.models import Case, ClosureReason, Indicator, IndicatorValue, Phase, Responsible, Task
from lotse.consent.selectors import partner_choices
from lotse.organisations.models import ProgrammeOffering
from lotse.people.selectors import person_get

router = Router(tags=["Fälle"])


class CaseOut(Schema):
    id: UUID
    person: UUID
    person_name: str
    programme: str
    offering: UUID
    status: str
    phase: str
    phase_since: date | None
    priority: int
    owner: UUID | None
    deputy: UUID | None
    opened_on: date | None
    closed_on: date | None
    time_limit_on: date | None
    members: list[UUID]
    version: int


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseIn(Schema):
    offering: UUID
    priority: Case.Priority = Case.Priority.NORMAL


class PhaseIn(Schema):
    phase: Phase
    on: date
    note: str = Field("", max_length=500)
    version: int = Field(..., ge=1)


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    responsible: Responsible
    responsible_partner: UUID | None = None
    due_on: date


class TaskOut(Schema):
    id: UUID
    title: str
    responsible: str
    responsible_partner: UUID | None
    due_on: date
    status: str
    source: str
    version: int


class CloseIn(Schema):
    reason: ClosureReason
    note: str = Field("", max_length=5000)
    indicators: dict[Indicator, IndicatorValue]
    open_items: str = Field("", max_length=10)
    follow_up_on: date | None = None
    handover_to: UUID | None = None
    version: int = Field(..., ge=1)


def _case_out(case: Case) -> CaseOut:
    return CaseOut(id=case.public_id, person=case.person.public_id, person_name=str(case.person),
                   programme=case.offering.programme, offering=case.offering.public_id, status=case.status,
                   phase=case.phase, phase_since=case.phase_since, priority=case.priority,
                   owner=case.owner.public_id if case.owner else None,
                   deputy=case.deputy.public_id if case.deputy else None, opened_on=case.opened_on,
                   closed_on=case.closed_on, time_limit_on=case.time_limit_on,
                   members=[member.person.public_id for member in case.members.all() if member.until is None],
                   version=case.version)


def _task_out(task: Task) -> TaskOut:
    return TaskOut(id=task.public_id, title=task.title, responsible=task.responsible,
                   responsible_partner=task.responsible_partner.public_id if task.responsible_partner else None,
                   due_on=task.due_on, status=task.status, source=task.source, version=task.version)


def _fresh(actor, case: Case) -> Case:
    return selectors.case_get(actor=actor, public_id=case.public_id)


@router.get("/cases", response=CasePage, summary="Meine Fälle oder die Fälle meiner Teams")
def case_list(request, all_teams: bool = False, status: Case.Status = Case.Status.OPEN, cursor: str | None = None):
    if not policy.casework_team_ids(request.user):
        policy.deny(request.user, "case.list")
    page = selectors.case_list(actor=request.user, mine=not all_teams, status=status, cursor=cursor)
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(page.items, "members__person", "owner", "deputy")
    return CasePage(items=[_case_out(case) for case in page.items], next_cursor=page.next_cursor)


@router.post("/persons/{public_id}/cases", response={201: CaseOut},
             summary="Fall eröffnen (oder Warteliste, wenn das Team voll ist)")
def case_create(request, public_id: UUID, payload: CaseIn):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    offering = ProgrammeOffering.objects.filter(public_id=payload.offering, organisation=person.organisation,
                                                is_active=True).first()
    if offering is None:
        raise ValidationError({"offering": _("Please choose a programme of the person's team.")})
    case = services.case_request(actor=request.user, person=person, offering=offering, priority=payload.priority)
    return Status(201, _case_out(_fresh(request.user, case)))


@router.get("/cases/{public_id}", response=CaseOut, summary="Ein Fall")
def case_detail(request, public_id: UUID):
    case = selectors.case_get(actor=request.user, public_id=public_id)
    from lotse.audit.services import audit_read

    audit_read(actor=request.user, obj=case.person, organisation=case.person.organisation, action="case.viewed")
    return _case_out(case)


@router.post("/cases/{public_id}/phase", response=CaseOut, summary="Phase wechseln (mit Versionsprüfung)")
def case_phase(request, public_id: UUID, payload: PhaseIn):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    services.case_phase_change(actor=request.user, case=case, **payload.dict())
    return _case_out(_fresh(request.user, case))


@router.get("/cases/{public_id}/tasks", response=list[TaskOut], summary="Aufgaben eines Falls")
def case_tasks(request, public_id: UUID):
    case = selectors.case_get(actor=request.user, public_id=public_id)
    tasks = policy.scope(request.user, Task.objects.filter(case=case)).select_related("responsible_partner")
    return [_task_out(task) for task in tasks.order_by("due_on", "id")]


@router.post("/cases/{public_id}/tasks", response={201: TaskOut}, summary="Aufgabe anlegen")
def task_create(request, public_id: UUID, payload: TaskIn):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    partner = None
    if payload.responsible_partner is not None:
        partner = partner_choices(actor=request.user, person=case.person).filter(
            public_id=payload.responsible_partner).first()
        if partner is None:
            raise ValidationError({"responsible_partner": _("Please choose a partner of your organisation.")})
    task = services.task_create(actor=request.user, case=case, title=payload.title, responsible=payload.responsible,
                                responsible_partner=partner, due_on=payload.due_on)
    return Status(201, _task_out(task))


@router.post("/cases/{public_id}/close", response=CaseOut, summary="Fall abschließen (mit Auswertung)")
def case_close(request, public_id: UUID, payload: CloseIn):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    recipient = None
    if payload.handover_to is not None:
        recipient = partner_choices(actor=request.user, person=case.person).filter(public_id=payload.handover_to).first()
        if recipient is None:
            raise ValidationError({"handover_to": _("Please choose a partner of your organisation.")})
    services.case_close(actor=request.user, case=case, version=payload.version, reason=payload.reason,
                        note=payload.note, indicators={str(k): str(v) for k, v in payload.indicators.items()},
                        open_items=payload.open_items, follow_up_on=payload.follow_up_on, handover_to=recipient)
    return _case_out(_fresh(request.user, case))
