"""Target groups in the API: the groups a user sees, their criteria and size, and their members (only the
persons the user may see, audited like the page)."""

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lotse.access import policy
from lotse.cohorts import selectors
from lotse.cohorts.forms import EARLIEST

router = Router(tags=["Zielgruppen"])


class CohortOut(Schema):
    id: UUID
    name: str
    description: str
    unit: str
    organisation: UUID
    team: UUID | None
    is_shared: bool
    mine: bool
    version: int


class CohortPage(Schema):
    items: list[CohortOut]
    next_cursor: str | None


class CountOut(Schema):
    value: int | None = Field(..., description="leer, wenn 1–4 für ein geschütztes Publikum verborgen ist")
    exact: bool
    suppressed: bool
    unit: str
    on: date


class CohortDetailOut(CohortOut):
    criteria: dict
    count: CountOut | None = Field(..., description="leer für Nutzende ohne Sicht auf die Zahlen")
    members_visible: bool


class MemberOut(Schema):
    id: UUID
    file_number: str
    family_name: str
    given_names: str
    birth_date: date | None
    residence_status: str | None
    accommodation: str | None
    livelihood: str | None
    household: UUID | None


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None
    on: date


def _out(request, cohort) -> dict:
    return {"id": cohort.public_id, "name": cohort.name, "description": cohort.description, "unit": cohort.unit,
            "organisation": cohort.organisation.public_id, "team": cohort.team.public_id if cohort.team else None,
            "is_shared": cohort.is_shared, "mine": selectors.is_author(request.user, cohort),
            "version": cohort.version}


def _day(on: date | None) -> date:
    today = timezone.localdate()
    if on is None:
        return today
    if not EARLIEST <= on <= today:
        raise ValidationError({"on": _("Please enter a day between %(first)s and today.") % {
            "first": EARLIEST.strftime("%d.%m.%Y")}})
    return on


@router.get("/cohorts", response=CohortPage, summary="Zielgruppen, die ich sehe")
def cohort_list(request, cursor: str | None = None):
    if not selectors.may_use_cohorts(request.user):
        policy.deny(request.user, "cohorts")
    page = selectors.cohort_list(actor=request.user, cursor=cursor)
    return CohortPage(items=[CohortOut(**_out(request, cohort)) for cohort in page], next_cursor=page.next_cursor)


@router.get("/cohorts/{public_id}", response=CohortDetailOut, summary="Eine Zielgruppe: Kriterien und Größe")
def cohort_detail(request, public_id: UUID, on: date | None = None):
    day = _day(on)
    cohort = selectors.cohort_get(actor=request.user, public_id=public_id)
    count = selectors.cohort_count(actor=request.user, cohort=cohort, on=day)
    return CohortDetailOut(
        **_out(request, cohort), criteria=cohort.criteria if isinstance(cohort.criteria, dict) else {},
        count=CountOut(value=count.value, exact=count.exact, suppressed=count.suppressed, unit=count.unit, on=day)
        if count else None, members_visible=selectors.may_see_members(request.user, cohort))


@router.get("/cohorts/{public_id}/members", response=MemberPage,
            summary="Personen der Zielgruppe, die ich betreue (seitenweise)")
def cohort_members(request, public_id: UUID, cursor: str | None = None, on: date | None = None):
    day = _day(on)
    cohort = selectors.cohort_get(actor=request.user, public_id=public_id)
    page = selectors.cohort_members(actor=request.user, cohort=cohort, cursor=cursor, on=day)
    return MemberPage(items=[MemberOut(
        id=person.public_id, file_number=person.file_number, family_name=person.family_name,
        given_names=person.given_names, birth_date=person.birth_date, residence_status=person.cohort_status,
        accommodation=person.cohort_accommodation or None, livelihood=person.cohort_livelihood or None,
        household=person.cohort_household_id) for person in page], next_cursor=page.next_cursor, on=day)
