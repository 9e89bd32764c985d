from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lotse.access import policy
from lotse.access.policy import Action
from lotse.organisations.models import Team
from lotse.people import selectors, services
from lotse.people.models import ContactChannel, DatePrecision

router = Router(tags=["Personen"])

class PersonIn(Schema):
    team: UUID | None = None
    family_name: str = Field(..., max_length=200)
    given_names: str = Field("", max_length=200)
    name_original_script: str = Field("", max_length=200)
    birth_date: date | None = None
    birth_date_precision: DatePrecision = DatePrecision.EXACT
    birth_place: str = Field("", max_length=200)
    birth_country: str = Field("", max_length=10)
    sex: str = Field("", max_length=10)
    marital_status: str = Field("", max_length=10)
    nationalities: list[str] = Field(default_factory=list, max_length=10)
    entry_date: date | None = None
    entry_date_precision: DatePrecision = DatePrecision.EXACT
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    preferred_channel: ContactChannel | None = None
    preferred_language: str = Field("", max_length=10)
    address: str = Field("", max_length=500)
    confirm_new: bool = False
    version: int | None = None


class NameOut(Schema):
    family_name: str
    given_names: str
    source: str


class PersonOut(Schema):
    id: UUID
    file_number: str
    family_name: str
    given_names: str
    name_original_script: str
    birth_date: date | None
    birth_date_precision: str
    sex: str | None
    nationalities: list[str]
    other_names: list[NameOut]
    version: int


class HitOut(Schema):
    person: PersonOut
    score: float
    reasons: list[str]


class SearchOut(Schema):
    items: list[HitOut]
    total: int
    next_cursor: str | None


class CandidateOut(Schema):
    person: PersonOut
    score: float
    reasons: list[str]


class DuplicatesOut(Schema):
    message: str
    candidates: list[CandidateOut]


class HouseholdMemberOut(Schema):
    person: UUID
    name: str
    since: date
    until: date | None


class HouseholdOut(Schema):
    id: UUID
    name: str
    members: list[HouseholdMemberOut]


def _out(person) -> PersonOut:
    return PersonOut(
        id=person.public_id, file_number=person.file_number, family_name=person.family_name,
        given_names=person.given_names, name_original_script=person.name_original_script,
        birth_date=person.birth_date, birth_date_precision=person.birth_date_precision,
        sex=person.sex.code if person.sex else None,
        nationalities=[code.code for code in person.nationalities.all()],
        other_names=[NameOut(family_name=n.family_name, given_names=n.given_names, source=n.source)
                     for n in getattr(person, "prefetched_names", None) or person.other_names.all()],
        version=person.version,
    )


def _data(payload: PersonIn) -> services.PersonData:
    values = payload.dict(exclude={"team", "confirm_new", "version"})
    values["preferred_channel"] = values["preferred_channel"] or ""
    return services.PersonData(**{k: ("" if v is None and k not in ("birth_date", "entry_date") else v)
                                  for k, v in values.items()})


@router.get("/persons", response=SearchOut, summary="Personen suchen (alle Schreibweisen, Geburtsjahr, Aktenzeichen)")
def person_search(request, q: str = "", cursor: str | None = None):
    result = selectors.person_search(actor=request.user, query=q[:200], cursor=cursor)
    return SearchOut(items=[HitOut(person=_out(h.person), score=h.score, reasons=h.reasons) for h in result.hits],
                     total=result.total, next_cursor=result.next_cursor)


@router.get("/persons/{public_id}", response=PersonOut, summary="Eine Person")
def person_detail(request, public_id: UUID):
    return _out(selectors.person_get(actor=request.user, public_id=public_id))


@router.post("/persons", response={201: PersonOut, 409: DuplicatesOut}, summary="Person anlegen (mit Dublettenprüfung)")
def person_create(request, payload: PersonIn):
    teams = policy.client_team_ids(request.user)
    if not teams:
        policy.deny(request.user, "person.create")
    team = Team.objects.filter(pk__in=teams, public_id=payload.team).first() if payload.team else (
        Team.objects.filter(pk__in=teams).first() if len(teams) == 1 else None)
    if team is None:
        raise ValidationError(_("Please name one of your teams in “team”."))
    data = _data(payload)
    if not payload.confirm_new:
        candidates = selectors.duplicate_candidates(
            actor=request.user, family_name=data.family_name, given_names=data.given_names,
            name_original_script=data.name_original_script, birth_date=data.birth_date,
            nationality_codes=data.nationalities)
        if candidates:
            return Status(409, DuplicatesOut(
                message=_("This person may already be registered. Send again with confirm_new=true if not."),
                candidates=[CandidateOut(person=_out(c.person), score=c.score, reasons=c.reasons)
                            for c in candidates]))
    with transaction.atomic():  # the answer is built before the commit: an outage cannot store and then fail
        created = _out(services.person_create(actor=request.user, team=team, data=data))
    return Status(201, created)


@router.put("/persons/{public_id}", response={200: PersonOut}, summary="Stammdaten ändern (mit Versionsprüfung)")
def person_update(request, public_id: UUID, payload: PersonIn):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if payload.version is None:
        raise ValidationError(_("Please send the version you edited (field “version”)."))
    return _out(services.person_update(actor=request.user, person=person, data=_data(payload),
                                       version=payload.version))


@router.get("/persons/{public_id}/duplicates", response=list[CandidateOut], summary="Mögliche Dubletten")
def person_duplicates(request, public_id: UUID):
    person = selectors.person_get(actor=request.user, public_id=public_id)
    candidates = selectors.duplicate_candidates(
        actor=request.user, family_name=person.family_name, given_names=person.given_names,
        name_original_script=person.name_original_script, birth_date=person.birth_date,
        nationality_codes=[code.code for code in person.nationalities.all()], exclude=person)
    return [CandidateOut(person=_out(c.person), score=c.score, reasons=c.reasons) for c in candidates]


@router.get("/households/{public_id}", response=HouseholdOut, summary="Ein Haushalt")
def household_detail(request, public_id: UUID):
    household = selectors.household_get(actor=request.user, public_id=public_id)
    members = selectors.household_members(actor=request.user, household=household)
    return HouseholdOut(id=household.public_id, name=household.name, members=[
        HouseholdMemberOut(person=m.person.public_id, name=m.person.display_name, since=m.since,
                           until=m.until)
        for m in members])


# ---- life situation (Lebenslage) ----------------------------------------------------------------------

class LifeSituationIn(Schema):
    recorded_on: date | None = Field(None, description="Stand; leer: heute")
    accommodation: str = Field("", max_length=30)
    livelihood: str = Field("", max_length=30)
    labour_market: str = Field("", max_length=30)
    education: str = Field("", max_length=30)
    integration_course: str = Field("", max_length=30)
    participation: str = Field("", max_length=30)


class LifeSituationOut(Schema):
    id: UUID
    recorded_on: date
    superseded_on: date | None
    current: bool
    accommodation: str
    livelihood: str
    labour_market: str
    education: str
    integration_course: str
    participation: str
    labels: dict[str, str]


def _life_out(record, current_id=None) -> LifeSituationOut:
    areas = services.LIFE_SITUATION_AREAS
    return LifeSituationOut(
        id=record.public_id, recorded_on=record.recorded_on, superseded_on=record.superseded_on,
        current=record.pk == current_id, **{name: getattr(record, name) for name in areas},
        labels={name: str(getattr(record, f"get_{name}_display")()) for name in areas if getattr(record, name)})


@router.get("/persons/{public_id}/life-situations", response=list[LifeSituationOut],
            summary="Lebenslage: alle Stände, neuester zuerst")
def life_situation_list(request, public_id: UUID):
    person = selectors.person_get(actor=request.user, public_id=public_id)
    records = list(selectors.life_situation_history(actor=request.user, person=person))
    current = selectors.life_situation_valid_on(records)
    return [_life_out(record, current.pk if current else None) for record in records]


@router.post("/persons/{public_id}/life-situations", response={200: LifeSituationOut, 201: LifeSituationOut},
             summary="Lebenslage erfassen (ein Stand je Tag; ein zweiter am selben Tag ersetzt den ersten)")
def life_situation_record(request, public_id: UUID, payload: LifeSituationIn):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    data = services.LifeSituationData(**payload.dict())
    if data.recorded_on is None:
        data.recorded_on = timezone.localdate()
    replaced = selectors.life_situation_history(actor=request.user, person=person).filter(
        recorded_on=data.recorded_on).exists()
    record = services.life_situation_record(actor=request.user, person=person, data=data)
    current = selectors.life_situation_current(actor=request.user, person=person)
    return Status(200 if replaced else 201, _life_out(record, current.pk if current else None))
