from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lotse.access import policy
from lotse.pools import selectors, services
from lotse.pools.models import LanguageLevel, PoolKind, PoolMember, PoolTopic

router = Router(tags=["Sprachmittler und Ehrenamt"])


class LanguageIn(Schema):
    code: str = Field(..., max_length=64, description="Code aus dem Sprachenkatalog (z. B. ara, pes, tir)")
    level: LanguageLevel | None = None


class LanguageOut(Schema):
    code: str
    label: str
    level: str


class PoolMemberIn(Schema):
    organisation: UUID | None = Field(None,
                                      description="Nur nötig, wenn Sie in mehreren Organisationen arbeiten")
    kind: PoolKind
    name: str = Field(..., max_length=200)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    languages: list[LanguageIn] = Field(default_factory=list, max_length=20)
    availability: str = Field("", max_length=500)
    topics: list[PoolTopic] = Field(default_factory=list, max_length=20)
    confidentiality_signed_on: date | None = None
    notes: str = Field("", max_length=5000)


class PoolMemberOut(Schema):
    id: UUID
    organisation: UUID
    partner: UUID
    kind: str
    name: str
    phone: str
    email: str
    languages: list[LanguageOut]
    availability: str
    topics: list[str]
    confidentiality_signed_on: date | None
    is_active: bool
    version: int


class PoolMemberPage(Schema):
    items: list[PoolMemberOut]
    next_cursor: str | None


def _out(member: PoolMember) -> PoolMemberOut:
    return PoolMemberOut(
        id=member.public_id, organisation=member.organisation.public_id, partner=member.partner.public_id,
        kind=member.kind, name=member.name, phone=member.phone, email=member.email,
        languages=[LanguageOut(code=row.language.code, label=row.language.label, level=row.level)
                   for row in member.language_rows.all()],
        availability=member.availability, topics=list(member.topics),
        confidentiality_signed_on=member.confidentiality_signed_on, is_active=member.is_active,
        version=member.version)


def _require_pool(request) -> None:
    if not selectors.may_use_pool(request.user):
        policy.deny(request.user, "pool_member.list")


@router.get("/pool-members", response=PoolMemberPage, url_name="pool_member_list",
            summary="Sprachmittler/innen und Ehrenamtliche (Filter: Rolle, Sprache)")
def pool_member_list(request, kind: PoolKind | None = None, language: str | None = Query(None, max_length=64),
                     include_inactive: bool = False, cursor: str | None = Query(None, max_length=500)):
    _require_pool(request)
    code = None
    if language:
        code = selectors.language_code(language)
        if code is None:
            raise ValidationError({"language": _("Please choose languages from the list.")})
    page = selectors.pool_member_list(
        actor=request.user, kind=kind.value if kind and kind != PoolKind.BOTH else "", language=code,
        status=selectors.STATUS_ALL if include_inactive else selectors.STATUS_ACTIVE, cursor=cursor)
    return PoolMemberPage(items=[_out(member) for member in page.items], next_cursor=page.next_cursor)


@router.get("/pool-members/{public_id}", response=PoolMemberOut, url_name="pool_member_detail",
            summary="Ein Eintrag des Pools")
def pool_member_detail(request, public_id: UUID):
    member = selectors.pool_member_get(actor=request.user, public_id=public_id)
    selectors.pool_member_detail(actor=request.user, member=member)
    return _out(member)


@router.post("/pool-members", response={201: PoolMemberOut}, url_name="pool_member_create",
             summary="Sprachmittler/in oder Ehrenamtliche/n in den Pool aufnehmen")
def pool_member_create(request, payload: PoolMemberIn):
    _require_pool(request)
    organisations = selectors.pool_organisations(actor=request.user)
    if payload.organisation is not None:
        organisation = organisations.filter(public_id=payload.organisation).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Please choose one of your organisations.")})
    else:
        options = list(organisations[:2])
        if len(options) != 1:
            raise ValidationError({"organisation": _("Please choose one of your organisations.")})
        organisation = options[0]
    data = services.MemberData(
        kind=payload.kind.value, name=payload.name, phone=payload.phone, email=payload.email,
        languages=tuple(services.LanguageEntry(row.code, row.level.value if row.level else "")
                        for row in payload.languages),
        availability=payload.availability, topics=tuple(topic.value for topic in payload.topics),
        confidentiality_signed_on=payload.confidentiality_signed_on, notes=payload.notes)
    member = services.pool_member_create(actor=request.user, organisation=organisation, data=data)
    return Status(201, _out(selectors.pool_member_get(actor=request.user, public_id=member.public_id)))
