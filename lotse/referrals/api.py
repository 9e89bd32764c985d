"""The referrals API: send (refused with a German message without a release), read, record the next step."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.consent.models import InformationCategory
from lotse.consent.selectors import partner_choices
from lotse.network.selectors import partner_contact_choices, service_choices
from lotse.referrals import selectors, services
from lotse.referrals.models import Referral, ReferralOutcome, Step, Whereabouts

router = Router(tags=["Vermittlungen"])


class ReferralIn(Schema):
    person: UUID | None = Field(None, description="vermittelte Person; leer: Hauptklientin / Hauptklient")
    partner: UUID
    service: UUID | None = None
    partner_contact: UUID | None = None
    reason: str = Field(..., max_length=services.REASON_MAX)
    categories: list[InformationCategory] = Field(..., min_length=1,
                                                  max_length=len(InformationCategory.values))
    sent_on: date | None = Field(None, description="leer: heute")


class ReferralStepIn(Schema):
    step: Literal["accepted", "appointment", "outcome", "whereabouts", "withdrawn"]
    on: date
    version: int = Field(..., ge=1, le=2**31 - 1)
    outcome: ReferralOutcome | None = None
    rejection_reason: str = Field("", max_length=services.NOTE_MAX)
    whereabouts: Whereabouts | None = None
    note: str = Field("", max_length=services.NOTE_MAX)


class HistoryOut(Schema):
    step: str
    from_status: str
    to_status: str
    on: date
    value: str
    note: str
    recorded_at: datetime


class ReferralOut(Schema):
    id: UUID
    case: UUID
    person: UUID
    person_name: str
    partner: UUID
    partner_name: str
    service: UUID | None
    partner_contact: UUID | None
    reason: str
    categories: list[str]
    sent_on: date
    status: str
    accepted_on: date | None
    appointment_on: date | None
    outcome: str
    outcome_on: date | None
    rejection_reason: str
    whereabouts_due_on: date | None
    whereabouts: str
    whereabouts_checked_on: date | None
    withdrawn_on: date | None
    next_steps: list[str]
    version: int


class ReferralDetailOut(ReferralOut):
    history: list[HistoryOut]


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


def _values(referral: Referral) -> dict:
    return {
        "id": referral.public_id, "case": referral.case.public_id, "person": referral.person.public_id,
        "person_name": referral.person.display_name, "partner": referral.partner.public_id,
        "partner_name": referral.partner.name,
        "service": referral.service.public_id if referral.service else None,
        "partner_contact": referral.partner_contact.public_id if referral.partner_contact else None,
        "reason": referral.reason, "categories": list(referral.categories), "sent_on": referral.sent_on,
        "status": referral.status, "accepted_on": referral.accepted_on,
        "appointment_on": referral.appointment_on, "outcome": referral.outcome,
        "outcome_on": referral.outcome_on,
        "rejection_reason": referral.rejection_reason,
        "whereabouts_due_on": referral.whereabouts_due_on, "whereabouts": referral.whereabouts,
        "whereabouts_checked_on": referral.whereabouts_checked_on, "withdrawn_on": referral.withdrawn_on,
        "next_steps": [str(step) for step in services.allowed_steps(referral)], "version": referral.version}


def _detail(request, public_id) -> ReferralDetailOut:
    referral = selectors.referral_get(actor=request.user, public_id=public_id)
    history = selectors.referral_detail(actor=request.user, referral=referral)
    return ReferralDetailOut(**_values(referral), history=[
        HistoryOut(step=change.step, from_status=change.from_status, to_status=change.to_status,
                   on=change.on, value=change.value, note=change.note, recorded_at=change.created_at)
        for change in history])


def _data(request, case, payload: ReferralIn) -> services.ReferralData:
    from django.utils import timezone

    person = case.person
    if payload.person is not None:
        person = services.person_choices(case).filter(public_id=payload.person).first()
        if person is None:
            raise ValidationError({"person": _(
                "Please choose the main client or a family member counselled in the case.")})
    partners = partner_choices(actor=request.user, person=case.person)
    partner = partners.filter(public_id=payload.partner).first()
    if partner is None:
        raise ValidationError({"partner": _(
            "Please choose an active partner from your organisation's partner list.")})
    service = contact = None
    if payload.service is not None:
        service = service_choices(actor=request.user, partners=[partner]).filter(public_id=payload.service).first()
        if service is None:
            raise ValidationError({"service": _("Please choose a service of the chosen partner.")})
    if payload.partner_contact is not None:
        contact = partner_contact_choices(actor=request.user, partners=[partner]).filter(
            public_id=payload.partner_contact).first()
        if contact is None:
            raise ValidationError({"partner_contact": _(
                "Please choose a contact person of the chosen partner.")})
    return services.ReferralData(person=person, partner=partner, service=service, partner_contact=contact,
                                 reason=payload.reason, categories=[str(c) for c in payload.categories],
                                 sent_on=payload.sent_on or timezone.localdate())


@router.get("/cases/{public_id}/referrals", response=ReferralPage, url_name="referral_list",
            summary="Vermittlungen eines Falls")
def referral_list(request, public_id: UUID, cursor: str | None = None):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.referrals_for_case(actor=request.user, case=case, cursor=cursor)
    for referral in page.items:
        referral.case = case
    return ReferralPage(items=[ReferralOut(**_values(referral)) for referral in page.items],
                        next_cursor=page.next_cursor)


@router.post("/cases/{public_id}/referrals", response={201: ReferralDetailOut}, url_name="referral_create",
             summary="Vermittlung senden (ohne gültige Schweigepflichtentbindung abgelehnt: 400)")
def referral_create(request, public_id: UUID, payload: ReferralIn):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    referral = services.referral_send(actor=request.user, case=case, data=_data(request, case, payload))
    return Status(201, _detail(request, referral.public_id))


@router.get("/referrals/{public_id}", response=ReferralDetailOut, url_name="referral_detail",
            summary="Eine Vermittlung mit ihrem Verlauf")
def referral_detail(request, public_id: UUID):
    return _detail(request, public_id)


@router.post("/referrals/{public_id}/status", response=ReferralDetailOut, url_name="referral_status",
             summary="Nächsten Schritt erfassen (Versionsprüfung; 409 bei zwischenzeitlicher Änderung)")
def referral_status(request, public_id: UUID, payload: ReferralStepIn):
    referral = selectors.referral_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    values = {"actor": request.user, "referral": referral, "version": payload.version, "on": payload.on}
    if payload.step == Step.OUTCOME:
        if payload.outcome is None:
            raise ValidationError({"outcome": _("Please choose the outcome.")})
        values.update(outcome=str(payload.outcome), rejection_reason=payload.rejection_reason)
    elif payload.step == Step.WHEREABOUTS:
        if payload.whereabouts is None:
            raise ValidationError({"whereabouts": _("Please choose the whereabouts.")})
        values.update(whereabouts=str(payload.whereabouts), note=payload.note)
    elif payload.step in (Step.APPOINTMENT, Step.WITHDRAWN):
        values["note"] = payload.note
    services.STEP_SERVICES[payload.step](**values)
    return _detail(request, public_id)
