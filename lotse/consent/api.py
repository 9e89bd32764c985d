from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access.policy import Action
from lotse.consent import selectors, services
from lotse.consent.models import Form, InformationCategory, Purpose, Release
from lotse.people.selectors import person_get

router = Router(tags=["Einwilligungen und Schweigepflichtentbindungen"])


class ConsentIn(Schema):
    purpose: Purpose
    given_on: date
    form: Form
    by_guardian: bool = False
    guardian_name: str = Field("", max_length=200)


class ConsentOut(Schema):
    id: UUID
    purpose: str
    given_on: date
    form: str
    text_version: str
    by_guardian: bool
    withdrawn_on: date | None


class ReleaseIn(Schema):
    recipient: UUID
    categories: list[InformationCategory] = Field(..., min_length=1, max_length=len(InformationCategory.values))
    purpose: str = Field(..., min_length=1, max_length=500)
    direction: Release.Direction = Release.Direction.ONE_WAY
    given_on: date
    valid_until: date
    form: Form
    by_guardian: bool = False
    guardian_name: str = Field("", max_length=200)


class ReleaseOut(Schema):
    id: UUID
    recipient: UUID
    recipient_name: str
    categories: list[str]
    purpose: str
    direction: str
    given_on: date
    valid_until: date
    revoked_on: date | None


def _consent_out(consent) -> ConsentOut:
    return ConsentOut(id=consent.public_id, purpose=consent.purpose, given_on=consent.given_on, form=consent.form,
                      text_version=consent.text_version, by_guardian=consent.by_guardian,
                      withdrawn_on=consent.withdrawn_on)


def _release_out(release) -> ReleaseOut:
    return ReleaseOut(id=release.public_id, recipient=release.recipient.public_id, recipient_name=release.recipient.name,
                      categories=release.categories, purpose=release.purpose, direction=release.direction,
                      given_on=release.given_on, valid_until=release.valid_until, revoked_on=release.revoked_on)


@router.get("/persons/{public_id}/consents", response=list[ConsentOut], summary="Einwilligungen einer Person")
def person_consents(request, public_id: UUID):
    person = person_get(actor=request.user, public_id=public_id)
    return [_consent_out(c) for c in selectors.consents_for(actor=request.user, person=person)]


@router.post("/persons/{public_id}/consents", response={201: ConsentOut}, summary="Einwilligung erfassen")
def consent_create(request, public_id: UUID, payload: ConsentIn):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    consent = services.consent_record(actor=request.user, person=person, **payload.dict())
    return Status(201, _consent_out(consent))


@router.get("/persons/{public_id}/releases", response=list[ReleaseOut], summary="Schweigepflichtentbindungen")
def person_releases(request, public_id: UUID):
    person = person_get(actor=request.user, public_id=public_id)
    return [_release_out(r) for r in selectors.releases_for(actor=request.user, person=person)]


@router.post("/persons/{public_id}/releases", response={201: ReleaseOut}, summary="Schweigepflichtentbindung erfassen")
def release_create(request, public_id: UUID, payload: ReleaseIn):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    data = payload.dict()
    recipient = selectors.partner_choices(actor=request.user, person=person).filter(public_id=data.pop("recipient")).first()
    if recipient is None:
        raise ValidationError({"recipient": _("Please choose a recipient from your organisation's partner list.")})
    release = services.release_record(actor=request.user, person=person, recipient=recipient, **data)
    return Status(201, _release_out(release))
