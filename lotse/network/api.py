"""The partner directory over the API: list, one partner (with services, contact persons, languages and the
cooperation per programme), create and change (with version check: 409 when someone else changed it)."""

from dataclasses import asdict
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access import policy
from lotse.access.policy import Action
from lotse.network import selectors, services
from lotse.network.models import Partner, PartnerType
from lotse.network.selectors import DirectoryFilter, Status as DirectoryStatus

router = Router(tags=["Partner"])


class PartnerIn(Schema):
    organisation: UUID | None = Field(None, description="Nur nötig, wer die Partnerliste mehrerer "
                                                        "Organisationen pflegt")
    name: str = Field(..., max_length=200)
    partner_type: PartnerType
    is_internal: bool = False
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=10)
    city: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    website: str = Field("", max_length=300)
    opening_hours: str = Field("", max_length=500)
    languages: list[str] = Field(default_factory=list, max_length=40,
                                 description="Codes der Sprachenliste (z. B. „ara“, „deu“)")
    contact: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="Beim Ändern Pflicht")


class ServiceOut(Schema):
    id: UUID
    name: str
    description: str
    is_active: bool


class ContactPersonOut(Schema):
    id: UUID
    name: str
    function: str
    phone: str
    email: str
    is_active: bool


class ProgrammeOut(Schema):
    offering: UUID
    name: str
    programme: str
    level: str = Field(description="mandatory, optional oder leer (keine Kooperation vereinbart)")


class PartnerSummaryOut(Schema):
    id: UUID
    organisation: UUID
    name: str
    partner_type: str
    partner_type_label: str
    is_internal: bool
    city: str
    phone: str
    email: str
    is_active: bool
    version: int


class PartnerOut(PartnerSummaryOut):
    street: str
    postal_code: str
    website: str
    opening_hours: str
    contact: str
    notes: str
    languages: list[str]
    services: list[ServiceOut]
    contacts: list[ContactPersonOut]
    programmes: list[ProgrammeOut]


class PartnerPage(Schema):
    items: list[PartnerSummaryOut]
    next_cursor: str | None


def _summary(partner: Partner) -> dict:
    return {"id": partner.public_id, "organisation": partner.organisation.public_id, "name": partner.name,
            "partner_type": partner.partner_type,
            "partner_type_label": str(partner.get_partner_type_display()),
            "is_internal": partner.is_internal, "city": partner.city, "phone": partner.phone,
            "email": partner.email, "is_active": partner.is_active, "version": partner.version}


def _out(request, partner: Partner) -> PartnerOut:
    detail = selectors.partner_detail(actor=request.user, partner=partner)
    return PartnerOut(
        **_summary(partner), street=partner.street, postal_code=partner.postal_code, website=partner.website,
        opening_hours=partner.opening_hours, contact=partner.contact, notes=partner.notes,
        languages=[code.code for code in detail["partner_languages"]],
        services=[ServiceOut(id=s.public_id, name=s.name, description=s.description, is_active=s.is_active)
                  for s in detail["services"]],
        contacts=[ContactPersonOut(id=c.public_id, name=c.name, function=c.function, phone=c.phone,
                                   email=c.email, is_active=c.is_active) for c in detail["contacts"]],
        programmes=[ProgrammeOut(offering=row.offering.public_id, name=row.offering.name,
                                 programme=row.offering.programme, level=row.level)
                    for row in detail["programmes"]])


def _data(payload: PartnerIn) -> services.PartnerData:
    return services.PartnerData(**payload.dict(exclude={"organisation", "version"}))


def _require_directory(request) -> None:
    if not selectors.may_use_directory(request.user):
        policy.deny(request.user, "partner.directory")


@router.get("/partners", response=PartnerPage, summary="Partnerliste (seitenweise, mit Suche und Filtern)")
def partner_list(request, q: str = "", partner_type: PartnerType | None = None,
                 status: str = DirectoryStatus.ACTIVE, cursor: str | None = None, limit: int = 50):
    _require_directory(request)
    if len(q) > selectors.SEARCH_MAX:
        raise ValidationError({"q": _("Please search with at most %(max)d characters.")
                               % {"max": selectors.SEARCH_MAX}})
    if status not in (DirectoryStatus.ACTIVE, DirectoryStatus.INACTIVE, DirectoryStatus.ALL):
        raise ValidationError({"status": _("Please choose “aktiv”, “inaktiv” or “alle”.")})
    if not 1 <= limit <= selectors.API_PAGE_MAX:
        raise ValidationError({"limit": _("Please ask for 1 to %(max)d partners at a time.")
                               % {"max": selectors.API_PAGE_MAX}})
    page = selectors.partner_list(actor=request.user, cursor=cursor, page_size=limit,
                                  selection=DirectoryFilter(
        query=q, partner_type=partner_type or "", status=status))
    return PartnerPage(items=[PartnerSummaryOut(**_summary(partner)) for partner in page.items],
                       next_cursor=page.next_cursor)


@router.get("/partners/{public_id}", response=PartnerOut,
            summary="Ein Partner mit Leistungen und Ansprechpersonen")
def partner_detail(request, public_id: UUID):
    _require_directory(request)
    return _out(request, selectors.partner_get(actor=request.user, public_id=public_id))


@router.post("/partners", response={201: PartnerOut}, summary="Partner anlegen")
def partner_create(request, payload: PartnerIn):
    organisations = list(selectors.maintained_organisations(actor=request.user))
    if not organisations:
        policy.deny(request.user, "partner.create")
    if payload.organisation is not None:
        organisation = next((o for o in organisations if o.public_id == payload.organisation), None)
        if organisation is None:
            raise ValidationError({"organisation": _(
                "Please choose an organisation whose partner list you keep.")})
    elif len(organisations) == 1:
        organisation = organisations[0]
    else:
        raise ValidationError({"organisation": _("You keep the partner lists of several organisations: "
                                                 "please name the organisation.")})
    partner = services.partner_create(actor=request.user, organisation=organisation, **asdict(_data(payload)))
    return Status(201, _out(request, selectors.partner_get(actor=request.user, public_id=partner.public_id)))


@router.put("/partners/{public_id}", response=PartnerOut,
            summary="Partner ändern (mit Versionsprüfung; 409 bei zwischenzeitlicher Änderung)")
def partner_update(request, public_id: UUID, payload: PartnerIn):
    _require_directory(request)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if payload.version is None:
        raise ValidationError(_("Please send the version you edited (field “version”)."))
    if payload.organisation is not None and payload.organisation != partner.organisation.public_id:
        raise ValidationError({"organisation": _("A partner cannot move to another organisation's list.")})
    services.partner_update(actor=request.user, partner=partner, version=payload.version, data=_data(payload))
    return _out(request, selectors.partner_get(actor=request.user, public_id=public_id))
