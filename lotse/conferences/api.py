from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.conferences import selectors, services
from lotse.conferences.models import Conference, Decision, Participant, ParticipantKind
from lotse.consent.models import InformationCategory

router = Router(tags=["Fallkonferenzen"])


class ConferenceIn(Schema):
    title: str = Field(..., max_length=200, description="Anlass")
    scheduled_at: datetime
    location: str = Field("", max_length=200)
    categories: list[InformationCategory] = Field(default_factory=lambda: [InformationCategory.CASE],
                                                  min_length=1, max_length=9,
                                                  description="Informationskategorien, die besprochen werden")
    persons: list[UUID] = Field(default_factory=list, max_length=30,
                                description="Familienmitglieder, um deren Belange es geht (Hauptklient/in immer)")
    agenda: str = Field("", max_length=5000, description="Tagesordnung, ein Punkt pro Zeile")


class ParticipantIn(Schema):
    kind: ParticipantKind
    user: UUID | None = Field(None, description="Kollegin/Kollege (staff)")
    partner: UUID | None = Field(None, description="Partner (partner)")
    partner_contact: UUID | None = Field(None, description="Ansprechperson beim Partner (partner)")
    person: UUID | None = Field(None, description="Familienmitglied (family)")
    name: str = Field("", max_length=200, description="Name (other)")
    role: str = Field("", max_length=200)


class DecisionIn(Schema):
    text: str = Field(..., max_length=500)
    responsible: UUID = Field(..., description="Teilnehmende Person, die zuständig ist")
    due_on: date
    goal: UUID | None = Field(None, description="Ziel des Integrationsplans; ohne Ziel wird eine Aufgabe angelegt")


class ParticipantOut(Schema):
    id: UUID
    kind: str
    name: str
    role: str
    organisation: str
    user: UUID | None
    partner: UUID | None
    partner_contact: UUID | None
    person: UUID | None
    attended: bool | None


class DecisionOut(Schema):
    id: UUID
    text: str
    responsible: UUID
    responsible_name: str
    due_on: date
    goal: UUID | None
    step: UUID | None
    task: UUID | None


class ConferenceBrief(Schema):
    id: UUID
    case: UUID
    title: str
    scheduled_at: datetime
    location: str
    status: str
    held_on: date | None
    version: int


class ConferenceOut(ConferenceBrief):
    categories: list[str]
    persons: list[UUID]
    agenda: str
    minutes: str
    participants: list[ParticipantOut]
    decisions: list[DecisionOut]


class ConferencePage(Schema):
    items: list[ConferenceBrief]
    next_cursor: str | None


def _public(obj) -> UUID | None:
    return obj.public_id if obj is not None else None


def _participant_out(participant: Participant) -> ParticipantOut:
    return ParticipantOut(id=participant.public_id, kind=participant.kind, name=participant.display_name,
                          role=participant.role, organisation=participant.organisation_name,
                          user=_public(participant.user), partner=_public(participant.partner),
                          partner_contact=_public(participant.partner_contact), person=_public(participant.person),
                          attended=participant.attended)


def _decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(id=decision.public_id, text=decision.text, responsible=decision.responsible.public_id,
                       responsible_name=decision.responsible.display_name, due_on=decision.due_on,
                       goal=_public(decision.goal), step=_public(decision.step), task=_public(decision.task))


def _brief(conference: Conference, case) -> dict:
    return {"id": conference.public_id, "case": case.public_id, "title": conference.title,
            "scheduled_at": conference.scheduled_at, "location": conference.location, "status": conference.status,
            "held_on": conference.held_on, "version": conference.version}


def _out(request, public_id) -> ConferenceOut:
    conference = selectors.conference_get(actor=request.user, public_id=public_id)
    detail = selectors.conference_detail(actor=request.user, conference=conference)
    return ConferenceOut(**_brief(conference, conference.case), categories=conference.categories,
                         persons=[person.public_id for person in detail["persons"]], agenda=conference.agenda,
                         minutes=conference.minutes,
                         participants=[_participant_out(participant) for participant in detail["participants"]],
                         decisions=[_decision_out(decision) for decision in detail["decisions"]])


def _data(case, payload: ConferenceIn) -> services.ConferenceData:
    persons = list(services.discussed_choices(case).filter(public_id__in=payload.persons))
    if len(persons) != len(set(payload.persons)):
        raise ValidationError({"persons": _("Please choose the main client or co-counselled family members of the "
                                            "case.")})
    return services.ConferenceData(title=payload.title, scheduled_at=payload.scheduled_at, location=payload.location,
                                   categories=[str(category) for category in payload.categories], persons=persons,
                                   agenda=payload.agenda)


def _participant_data(request, conference: Conference, payload: ParticipantIn) -> services.ParticipantData:
    from lotse.network.models import PartnerContact

    case = conference.case
    data = services.ParticipantData(kind=payload.kind, name=payload.name, role=payload.role)
    if payload.user is not None:
        data.user = selectors.staff_choices(actor=request.user, case=case).filter(public_id=payload.user).first()
        if data.user is None:
            raise ValidationError({"user": _("Please choose a counsellor or the team lead of the case's team.")})
    partners = selectors.partner_choices(actor=request.user, case=case)
    if payload.partner is not None:
        data.partner = partners.filter(public_id=payload.partner).first()
        if data.partner is None:
            raise ValidationError({"partner": _("Please choose a partner from your organisation's partner list.")})
    if payload.partner_contact is not None:
        data.partner_contact = policy.scope(request.user, PartnerContact.objects.select_related("partner")).filter(
            public_id=payload.partner_contact, partner__in=partners, is_active=True).first()
        if data.partner_contact is None:
            raise ValidationError({"partner": _("Please choose an active contact person from your organisation's "
                                                "partner list.")})
    if payload.person is not None:
        data.person = services.discussed_choices(case).filter(public_id=payload.person).first()
        if data.person is None:
            raise ValidationError({"person": _("Please choose the main client or a co-counselled family member of "
                                               "the case.")})
    return data


@router.get("/cases/{public_id}/conferences", response=ConferencePage, url_name="conference_list",
            summary="Fallkonferenzen eines Falls")
def conference_list(request, public_id: UUID, cursor: str | None = None):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.conferences_for_case(actor=request.user, case=case, cursor=cursor)
    return ConferencePage(items=[ConferenceBrief(**_brief(conference, case)) for conference in page.items],
                          next_cursor=page.next_cursor)


@router.post("/cases/{public_id}/conferences", response={201: ConferenceOut}, url_name="conference_create",
             summary="Fallkonferenz planen (nur mit Einwilligung der Familie)")
def conference_create(request, public_id: UUID, payload: ConferenceIn):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    conference = services.conference_create(actor=request.user, case=case, data=_data(case, payload))
    return Status(201, _out(request, conference.public_id))


@router.get("/conferences/{public_id}", response=ConferenceOut, url_name="conference_detail",
            summary="Eine Fallkonferenz mit Teilnehmenden und Beschlüssen")
def conference_detail(request, public_id: UUID):
    return _out(request, public_id)


@router.post("/conferences/{public_id}/participants", response={201: ParticipantOut},
             url_name="conference_participant_add",
             summary="Teilnehmende einladen (Partner nur mit gültiger Schweigepflichtentbindung; sonst 400)")
def conference_participant_add(request, public_id: UUID, payload: ParticipantIn):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    participant = services.participant_add(actor=request.user, conference=conference,
                                           data=_participant_data(request, conference, payload))
    participant = selectors.participant_find(actor=request.user, conference=conference,
                                             public_id=participant.public_id)
    return Status(201, _participant_out(participant))


@router.post("/conferences/{public_id}/decisions", response={201: DecisionOut},
             url_name="conference_decision_create",
             summary="Beschluss erfassen (wird Schritt im Integrationsplan oder Aufgabe im Fall)")
def conference_decision_create(request, public_id: UUID, payload: DecisionIn):
    conference = selectors.conference_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    responsible = selectors.participant_find(actor=request.user, conference=conference,
                                             public_id=payload.responsible)
    if responsible is None:
        raise ValidationError({"responsible": _("Please choose a participant of this case conference.")})
    goal = None
    if payload.goal is not None:
        goal = selectors.goal_choices(actor=request.user, case=conference.case).filter(public_id=payload.goal).first()
        if goal is None:
            raise ValidationError({"goal": _("Please choose an open goal of the case's integration plan.")})
    decision = services.decision_create(actor=request.user, conference=conference, data=services.DecisionData(
        text=payload.text, responsible=responsible, due_on=payload.due_on, goal=goal))
    decision.responsible = responsible
    return Status(201, _decision_out(decision))
