from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access.policy import Action
from lotse.cases.models import Responsible
from lotse.cases.selectors import case_get
from lotse.consent.selectors import partner_choices
from lotse.contacts import selectors, services
from lotse.contacts.models import Contact, ContactKind, ContactOutcome

router = Router(tags=["Beratungskontakte"])


class AgreementIn(Schema):
    title: str = Field(..., max_length=500)
    responsible: Responsible
    responsible_partner: UUID | None = None
    due_on: date


class ContactIn(Schema):
    occurred_at: datetime
    duration_minutes: int = Field(..., ge=0, le=720)
    kind: ContactKind
    outcome: ContactOutcome = ContactOutcome.TOOK_PLACE
    topics: list[str] = Field(default_factory=list, max_length=20, description="Codes aus dem Themenkatalog")
    repeat_offer_on: date | None = None
    location: str = Field("", max_length=200)
    occasion: str = Field("", max_length=500)
    persons_present: list[UUID] = Field(default_factory=list, max_length=50)
    interpreter_present: bool = False
    interpreter_name: str = Field("", max_length=200)
    others_present: str = Field("", max_length=500)
    notes: str = Field("", max_length=20000)
    notes_confidential: bool = False
    next_appointment_at: datetime | None = None
    agreements: list[AgreementIn] = Field(default_factory=list, max_length=20)
    version: int | None = Field(None, ge=1)


class ContactOut(Schema):
    id: UUID
    case: UUID
    occurred_at: datetime
    duration_minutes: int
    kind: str
    outcome: str
    topics: list[str]
    location: str
    occasion: str
    interpreter_present: bool
    notes: str | None = Field(description="null: confidential note the caller may not read")
    notes_confidential: bool
    version: int


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


def _out(contact: Contact) -> ContactOut:
    return ContactOut(id=contact.public_id, case=contact.case.public_id, occurred_at=contact.occurred_at,
                      duration_minutes=contact.duration_minutes, kind=contact.kind, outcome=contact.outcome,
                      topics=[topic.code for topic in contact.topics.all()], location=contact.location,
                      occasion=contact.occasion, interpreter_present=contact.interpreter_present,
                      notes=contact.notes if contact.notes_visible else None,
                      notes_confidential=contact.notes_confidential, version=contact.version)


def _data(case, payload: ContactIn) -> services.ContactData:
    topics = list(services.topic_choices(case).filter(code__in=payload.topics))
    if len(topics) != len(set(payload.topics)):
        raise ValidationError({"topics": _("Please choose topics from the catalogue of the case's programme.")})
    persons = list(services.present_choices(case).filter(public_id__in=payload.persons_present))
    if len(persons) != len(set(payload.persons_present)):
        raise ValidationError({"persons_present": _("Please choose persons of the case or the household.")})
    values = payload.dict(exclude={"agreements", "version", "topics", "persons_present"})
    return services.ContactData(topics=topics, persons_present=persons, **values)


def _agreements(request, case, payload: ContactIn) -> list[services.Agreement]:
    partners = partner_choices(actor=request.user, person=case.person)
    rows = []
    for row in payload.agreements:
        partner = None
        if row.responsible_partner is not None:
            partner = partners.filter(public_id=row.responsible_partner).first()
            if partner is None:
                raise ValidationError({"agreements": _("Please choose a partner of your organisation.")})
        rows.append(services.Agreement(title=row.title, responsible=row.responsible, due_on=row.due_on,
                                       responsible_partner=partner))
    return rows


@router.get("/cases/{public_id}/contacts", response=ContactPage, summary="Beratungskontakte eines Falls")
def contact_list(request, public_id: UUID, cursor: str | None = None):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.contacts_for_case(actor=request.user, case=case, cursor=cursor)
    for contact in page.items:
        contact.case = case
    return ContactPage(items=[_out(contact) for contact in page.items], next_cursor=page.next_cursor)


@router.post("/cases/{public_id}/contacts", response={201: ContactOut}, summary="Beratungskontakt erfassen")
def contact_create(request, public_id: UUID, payload: ContactIn):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    contact = services.contact_create(actor=request.user, case=case, data=_data(case, payload),
                                      agreements=_agreements(request, case, payload))
    return Status(201, _out(selectors.contact_get(actor=request.user, public_id=contact.public_id)))


@router.get("/contacts/{public_id}", response=ContactOut, summary="Ein Beratungskontakt")
def contact_detail(request, public_id: UUID):
    contact = selectors.contact_get(actor=request.user, public_id=public_id)
    selectors.contact_detail(actor=request.user, contact=contact)
    return _out(contact)


@router.put("/contacts/{public_id}", response=ContactOut, summary="Beratungskontakt ändern (mit Versionsprüfung)")
def contact_update(request, public_id: UUID, payload: ContactIn):
    contact = selectors.contact_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if payload.version is None:
        raise ValidationError(_("Please send the version you edited (field “version”)."))
    if payload.agreements or payload.next_appointment_at:
        raise ValidationError(_("Agreements and the next appointment are recorded with a new contact."))
    services.contact_update(actor=request.user, contact=contact, version=payload.version,
                            data=_data(contact.case, payload))
    return _out(selectors.contact_get(actor=request.user, public_id=public_id))
