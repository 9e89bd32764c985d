import datetime as dt
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from lotse.access import policy
from lotse.access.policy import Action
from lotse.intake import selectors, services
from lotse.organisations.models import Team
from lotse.people.selectors import person_get

router = Router(tags=["Erstkontakte und Anspruch"])

ShortCode = Annotated[str, StringConstraints(max_length=50)]


class FirstContactIn(Schema):
    team: UUID | None = None
    date: dt.date | None = None
    channel: str = Field(..., max_length=20)
    referred_by: str = Field("", max_length=200)
    concern: str = Field("", max_length=4000)
    topics: list[ShortCode] = Field(default_factory=list, max_length=30)
    language: str = Field("", max_length=10)
    interpreter: bool = False
    outcome: str = Field(..., max_length=20)
    referred_to: str = Field("", max_length=200)
    person: UUID | None = None


class FirstContactOut(Schema):
    id: UUID
    team: UUID
    date: dt.date
    channel: str
    referred_by: str
    concern: str
    topics: list[str]
    language: str
    interpreter: bool
    outcome: str
    referred_to: str
    person: UUID | None
    created_at: dt.datetime


class FirstContactPage(Schema):
    items: list[FirstContactOut]
    next_cursor: str | None


class RuleOut(Schema):
    code: str
    label: str
    status: str
    status_text: str
    explanation: str
    missing: list[str]
    priority_only: bool


class OverrideOut(Schema):
    result: str
    reason: str
    at: dt.datetime | None


class ProgrammeEligibilityOut(Schema):
    programme: str
    label: str
    result: str
    priority: str | None
    rules: list[RuleOut]
    answers: dict[str, bool]
    override: OverrideOut | None


class EligibilityOut(Schema):
    person: UUID
    evaluated_on: dt.date
    programmes: list[ProgrammeEligibilityOut]


def _out(contact) -> FirstContactOut:
    return FirstContactOut(
        id=contact.public_id, team=contact.team.public_id, date=contact.date, channel=contact.channel,
        referred_by=contact.referred_by, concern=contact.concern,
        topics=[topic.code for topic in contact.topics.all()], language=contact.language,
        interpreter=contact.interpreter, outcome=contact.outcome, referred_to=contact.referred_to,
        person=contact.person.public_id if contact.person else None, created_at=contact.created_at,
    )


def _require_client_work(user) -> set[int]:
    teams = policy.client_team_ids(user)
    if not teams:
        policy.deny(user, "intake")
    return teams


@router.get("/first-contacts", response=FirstContactPage, summary="Erstkontakte (neueste zuerst, mit Cursor)")
def first_contact_list(request, cursor: str | None = None):
    _require_client_work(request.user)
    page = selectors.first_contact_page(actor=request.user, cursor=(cursor or "")[:500] or None)
    return FirstContactPage(items=[_out(contact) for contact in page], next_cursor=page.next_cursor)


@router.post("/first-contacts", response={201: FirstContactOut}, summary="Erstkontakt erfassen (auch anonym)")
def first_contact_create(request, payload: FirstContactIn):
    teams = _require_client_work(request.user)
    team = Team.objects.filter(pk__in=teams, is_active=True, public_id=payload.team).first() if payload.team else (
        Team.objects.filter(pk__in=teams, is_active=True).first() if len(teams) == 1 else None)
    if team is None:
        raise ValidationError({"team": _("Please name one of your teams in “team”.")})
    person = person_get(actor=request.user, public_id=payload.person, action=Action.CHANGE) if payload.person else None
    data = services.FirstContactData(
        channel=payload.channel, outcome=payload.outcome, date=payload.date, referred_by=payload.referred_by,
        concern=payload.concern, topics=list(payload.topics), language=payload.language,
        interpreter=payload.interpreter, referred_to=payload.referred_to)
    contact = services.first_contact_record(actor=request.user, team=team, data=data, person=person)
    return Status(201, _out(contact))


@router.get("/persons/{public_id}/eligibility", response=EligibilityOut,
            summary="Anspruch je Programm des Teams, mit Begründung je Regel")
def person_eligibility(request, public_id: UUID, on: dt.date | None = None):
    person = person_get(actor=request.user, public_id=public_id)
    overview = selectors.eligibility_overview(actor=request.user, person=person, on=on)
    programmes = []
    for item in overview:
        override = item.override
        programmes.append(ProgrammeEligibilityOut(
            programme=item.programme, label=item.label, result=item.evaluation.result,
            priority=item.evaluation.priority,
            rules=[RuleOut(code=rule["code"], label=rule["label"], status=rule["status"],
                           status_text=rule["status_text"], explanation=rule["reason_text"],
                           missing=rule["missing"], priority_only=rule["effect"] == "priority")
                   for rule in item.explanations],
            answers=item.answers,
            override=OverrideOut(result=override.override_result, reason=override.override_reason,
                                 at=override.overridden_at) if override else None))
    return EligibilityOut(person=person.public_id, evaluated_on=on or timezone.localdate(), programmes=programmes)
