from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access import policy
from lotse.access.policy import Action
from lotse.appointments import selectors, services
from lotse.appointments.models import Appointment, AppointmentKind, OfficeHour, Weekday

router = Router(tags=["Termine"])

MAX_RANGE_DAYS = 366


class AppointmentOut(Schema):
    id: UUID
    case: UUID | None
    person_name: str | None
    team: UUID
    owner: UUID
    kind: str
    starts_at: datetime
    ends_at: datetime
    location: str
    room: str
    interpreter_needed: bool
    interpreter_language: str | None
    note: str
    status: str
    version: int


class AppointmentIn(Schema):
    case: UUID | None = None
    team: UUID | None = None
    owner: UUID | None = None
    kind: AppointmentKind = AppointmentKind.APPOINTMENT
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = Field("", max_length=200)
    room: str = Field("", max_length=100)
    interpreter_needed: bool = False
    interpreter_language: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=500)


class AppointmentUpdateIn(Schema):
    owner: UUID | None = None
    kind: AppointmentKind = AppointmentKind.APPOINTMENT
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = Field("", max_length=200)
    room: str = Field("", max_length=100)
    interpreter_needed: bool = False
    interpreter_language: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=500)
    version: int = Field(..., ge=1, le=2**31 - 1)


class OfficeHourOut(Schema):
    id: UUID
    team: UUID
    counsellor: UUID
    counsellor_name: str
    weekday: int
    weekday_name: str
    starts_at: time
    ends_at: time
    location: str
    room: str
    valid_from: date
    valid_until: date | None


def _out(appointment: Appointment) -> AppointmentOut:
    case = appointment.case
    return AppointmentOut(
        id=appointment.public_id, case=case.public_id if case else None,
        person_name=str(case.person) if case else None, team=appointment.team.public_id,
        owner=appointment.owner.public_id, kind=appointment.kind, starts_at=appointment.starts_at,
        ends_at=appointment.ends_at, location=appointment.location, room=appointment.room,
        interpreter_needed=appointment.interpreter_needed,
        interpreter_language=appointment.interpreter_language.code if appointment.interpreter_language else None,
        note=appointment.note, status=appointment.status, version=appointment.version)


def _owner(actor, public_id: UUID | None, teams):
    if public_id is None:
        return actor
    owner = selectors.staff_choices(actor=actor, teams=teams).filter(public_id=public_id).first()
    if owner is None:
        raise ValidationError({"owner": _("Please choose a counsellor or the team lead of the team.")})
    return owner


@router.get("/appointments", response=list[AppointmentOut], summary="Meine Termine in einem Zeitraum")
def appointment_list(request, start: date | None = None, end: date | None = None):
    start = start or timezone.localdate()
    end = end or start + timedelta(days=30)
    if end < start:
        raise ValidationError({"end": _("The end of the period lies before its start.")})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError({"end": _("Please ask for at most one year at a time.")})
    if not policy.casework_team_ids(request.user):
        policy.deny(request.user, "appointment.list")
    return [_out(a) for a in selectors.appointment_range(actor=request.user, starts=start, ends=end)]


@router.post("/appointments", response={201: AppointmentOut},
             summary="Termin anlegen (mit Fall oder intern ohne Fall)")
def appointment_create(request, payload: AppointmentIn):
    from lotse.cases.selectors import case_get

    case = None
    teams = selectors.appointment_teams(actor=request.user)
    if payload.case is not None:
        case = case_get(actor=request.user, public_id=payload.case, action=Action.CHANGE)
        team = case.team
    elif payload.team is not None:
        team = teams.filter(public_id=payload.team).first()
        if team is None:
            raise ValidationError({"team": _("Please choose one of your teams.")})
    else:
        options = list(teams[:2])
        if len(options) != 1:
            if not options:
                policy.deny(request.user, "appointment.create")
            raise ValidationError({"team": _("Please choose one of your teams.")})
        team = options[0]
    appointment = services.appointment_create(
        actor=request.user, team=team, case=case, owner=_owner(request.user, payload.owner, [team]),
        kind=payload.kind, starts_at=payload.starts_at, ends_at=payload.ends_at, location=payload.location,
        room=payload.room, interpreter_needed=payload.interpreter_needed,
        interpreter_language=payload.interpreter_language, note=payload.note)
    return Status(201, _out(selectors.appointment_get(actor=request.user, public_id=appointment.public_id)))


@router.get("/appointments/{public_id}", response=AppointmentOut, summary="Ein Termin")
def appointment_detail(request, public_id: UUID):
    appointment = selectors.appointment_get(actor=request.user, public_id=public_id)
    selectors.appointment_detail(actor=request.user, appointment=appointment)
    return _out(appointment)


@router.put("/appointments/{public_id}", response=AppointmentOut,
            summary="Termin ändern (mit Versionsprüfung; 409 bei zwischenzeitlicher Änderung)")
def appointment_update(request, public_id: UUID, payload: AppointmentUpdateIn):
    appointment = selectors.appointment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    services.appointment_update(
        actor=request.user, appointment=appointment, version=payload.version,
        owner=_owner(request.user, payload.owner, [appointment.team]) if payload.owner else appointment.owner,
        kind=payload.kind, starts_at=payload.starts_at, ends_at=payload.ends_at, location=payload.location,
        room=payload.room, interpreter_needed=payload.interpreter_needed,
        interpreter_language=payload.interpreter_language, note=payload.note)
    return _out(selectors.appointment_get(actor=request.user, public_id=public_id))


def _office_hour_out(hour: OfficeHour) -> OfficeHourOut:
    return OfficeHourOut(id=hour.public_id, team=hour.team.public_id, counsellor=hour.user.public_id,
                         counsellor_name=str(hour.user), weekday=hour.weekday,
                         weekday_name=str(Weekday(hour.weekday).label), starts_at=hour.starts_at,
                         ends_at=hour.ends_at, location=hour.location, room=hour.room, valid_from=hour.valid_from,
                         valid_until=hour.valid_until)


@router.get("/office-hours", response=list[OfficeHourOut], summary="Sprechstunden (Wochenplan) der Organisation")
def office_hour_list(request, team: UUID | None = None):
    from lotse.organisations.models import Team

    chosen = None
    if team is not None:
        chosen = Team.objects.filter(public_id=team, organisation_id__in=policy.grants(request.user).all_orgs).first()
        if chosen is None:
            return []
    return [_office_hour_out(hour) for hour in selectors.office_hour_list(actor=request.user, team=chosen)[:500]]
