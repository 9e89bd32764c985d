from uuid import UUID

from ninja import Router, Schema

from lotse.access import policy
from lotse.organisations import selectors

router = Router(tags=["Organisationen"])

class MembershipOut(Schema):
    organisation: UUID
    team: UUID | None
    role: str


class MeOut(Schema):
    id: UUID
    username: str
    first_name: str
    last_name: str
    language: str
    is_system_admin: bool
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: UUID
    name: str
    kind: str
    parent: UUID | None
    is_active: bool


class TeamOut(Schema):
    id: UUID
    organisation: UUID
    name: str
    is_active: bool
    programmes: list[UUID]


class StaffOut(Schema):
    id: UUID
    username: str
    first_name: str
    last_name: str
    is_active: bool
    memberships: list[MembershipOut]


class StaffPage(Schema):
    items: list[StaffOut]
    next_cursor: str | None


def _membership_out(membership) -> MembershipOut:
    return MembershipOut(organisation=membership.organisation.public_id,
                         team=membership.team.public_id if membership.team else None, role=membership.role)


def _organisation_out(organisation) -> OrganisationOut:
    return OrganisationOut(id=organisation.public_id, name=organisation.name, kind=organisation.kind,
                           parent=organisation.parent.public_id if organisation.parent else None,
                           is_active=organisation.is_active)


@router.get("/me", response=MeOut, summary="Eigenes Konto und Rollen")
def me(request):
    user = request.user
    return MeOut(
        id=user.public_id, username=user.username, first_name=user.first_name, last_name=user.last_name,
        language=user.language, is_system_admin=user.is_system_admin,
        memberships=[_membership_out(m) for m in selectors.staff_memberships(actor=user, user=user)
                     if m.is_active],
    )


@router.get("/organisations", response=list[OrganisationOut], summary="Sichtbare Organisationen")
def organisations(request):
    return [_organisation_out(o) for o in selectors.organisation_list(actor=request.user)]


@router.get("/organisations/{public_id}", response=OrganisationOut, summary="Eine Organisation")
def organisation(request, public_id: UUID):
    return _organisation_out(selectors.organisation_get(actor=request.user, public_id=public_id))


@router.get("/teams", response=list[TeamOut], summary="Sichtbare Teams")
def teams(request):
    return [
        TeamOut(id=t.public_id, organisation=t.organisation.public_id, name=t.name, is_active=t.is_active,
                programmes=[o.public_id for o in t.offerings.all()])
        for t in selectors.team_list(actor=request.user)
    ]


@router.get("/staff", response=StaffPage, summary="Mitarbeitende (seitenweise)")
def staff(request, q: str = "", cursor: str | None = None, limit: int = 50):
    if not policy.may_see_personal_data(request.user):
        policy.deny(request.user, "staff.list")
    page = selectors.staff_page(actor=request.user, query=q[:100], cursor=cursor,
                                page_size=max(1, min(limit, 200)), via="api")
    return StaffPage(
        items=[StaffOut(id=u.public_id, username=u.username, first_name=u.first_name, last_name=u.last_name,
                        is_active=u.is_active, memberships=[_membership_out(m) for m in u.visible_memberships])
               for u in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/staff/{public_id}", response=StaffOut, summary="Eine Person aus dem Personal")
def staff_member(request, public_id: UUID):
    user = selectors.staff_get(actor=request.user, public_id=public_id)
    return StaffOut(id=user.public_id, username=user.username, first_name=user.first_name, last_name=user.last_name,
                    is_active=user.is_active,
                    memberships=[_membership_out(m) for m in selectors.staff_memberships(actor=request.user, user=user)])
