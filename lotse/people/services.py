"""Every write to persons, names, residence status, households and family relations."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.codelists.models import Code
from lotse.organisations.models import Team
from lotse.people.matching import name_keys, normalize_name
from lotse.people.models import (
    Accommodation, DatePrecision, DuplicateDismissal, Education, Household, HouseholdMember, IntegrationCourse,
    LabourMarket, LifeSituation, Livelihood, Participation, Person, PersonLanguage, PersonName, PersonNameKey,
    Relationship, ResidenceStatus, ResidenceStatusType,
)
from lotse.people.names import clean_name
from lotse.privacy.guards import ensure_not_restricted

FILE_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
PREFIX_KEY = "p:"


def file_number_new() -> str:
    """Opaque, unguessable file number such as ``L-7KQ2-M9XD`` (no sequence to enumerate)."""
    body = "".join(secrets.choice(FILE_NUMBER_ALPHABET) for _ in range(8))
    return f"L-{body[:4]}-{body[4:]}"


@dataclass
class PersonData:
    """The master data of a person as the form or the API delivers it (codes as code-list values)."""

    family_name: str
    given_names: str = ""
    name_original_script: str = ""
    birth_date: date | None = None
    birth_date_precision: str = DatePrecision.UNKNOWN
    birth_place: str = ""
    birth_country: str = ""
    sex: str = ""
    marital_status: str = ""
    nationalities: list[str] = field(default_factory=list)
    entry_date: date | None = None
    entry_date_precision: str = DatePrecision.UNKNOWN
    phone: str = ""
    email: str = ""
    preferred_channel: str = ""
    preferred_language: str = ""
    address: str = ""
    school_qualification: str = ""
    vocational_qualification: str = ""
    profession: str = ""
    interests: str = ""
    health_notes: str = ""
    religion: str = ""
    is_deceased: bool = False


CODE_FIELDS = {"birth_country": "state", "sex": "sex", "marital_status": "marital_status",
               "preferred_language": "language"}


def _code(slug: str, value: str, field_name: str) -> Code | None:
    if not value:
        return None
    code = Code.objects.filter(code_list__slug=slug, code=value).first()
    if code is None:
        raise ValidationError({field_name: _("“%(value)s” is not a value of the official code list.") % {"value": value}})
    return code


def _validated(data: PersonData) -> dict:
    """Clean and check everything before anything is written; returns model field values."""
    today = timezone.localdate()
    values = {
        "family_name": clean_name(data.family_name, field="family_name", required=True),
        "given_names": clean_name(data.given_names, field="given_names"),
        "name_original_script": clean_name(data.name_original_script, field="name_original_script",
                                           script="original"),
    }
    if data.birth_date is not None:
        if data.birth_date > today:
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
        if data.birth_date < EARLIEST_BIRTH_DATE:
            raise ValidationError({"birth_date": _("The date of birth cannot be before 1900.")})
    if data.entry_date is not None:
        if data.entry_date > today:
            raise ValidationError({"entry_date": _("The date of entry cannot be in the future.")})
        if data.birth_date is not None and data.entry_date < data.birth_date:
            raise ValidationError({"entry_date": _("The date of entry cannot be before the date of birth.")})
    for name, precision, value in (("birth_date_precision", data.birth_date_precision, data.birth_date),
                                   ("entry_date_precision", data.entry_date_precision, data.entry_date)):
        if precision not in DatePrecision.values:
            raise ValidationError({name: _("Unknown precision.")})
        values[name] = precision if value is not None else DatePrecision.UNKNOWN
    for name, slug in CODE_FIELDS.items():
        values[name] = _code(slug, getattr(data, name), name)
    values["nationalities"] = [_code("nationality", value, "nationalities") for value in dict.fromkeys(data.nationalities)]
    for name in ("birth_date", "entry_date", "birth_place", "phone", "email", "preferred_channel", "address",
                 "school_qualification", "vocational_qualification", "profession", "interests", "health_notes",
                 "religion", "is_deceased"):
        values[name] = getattr(data, name)
    return values


def _name_forms(person: Person) -> list[str]:
    forms = [person.display_name, person.name_original_script]
    forms += [other.full_name for other in person.other_names.all()]
    return [form for form in forms if form]


def form_keys(form: str) -> set[str]:
    """The search keys of one name form: its matching keys and a prefix key per word."""
    keys = name_keys(form) | {PREFIX_KEY + token[:20] for token in normalize_name(form).split() if token}
    return {key[:40] for key in keys}


def search_name_of(forms: Iterable[str]) -> str:
    """What the typing-error search compares: the normalised name forms, each once."""
    return " ".join(dict.fromkeys(normalize_name(form) for form in forms))[:1000]


def person_reindex(*, person: Person) -> None:
    """Recompute the search keys of every name form of the person (called by every name change)."""
    forms = _name_forms(person)
    keys = set().union(*(form_keys(form) for form in forms))
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create(PersonNameKey(person=person, team_id=person.team_id, key=key)
                                      for key in sorted(keys))
    search_name = search_name_of(forms)
    Person.objects.filter(pk=person.pk).update(search_name=search_name)
    person.search_name = search_name


def _check_team(actor, team: Team) -> None:
    if team.pk not in policy.client_team_ids(actor) or not team.is_active:
        policy.deny(actor, "person.create")


@transaction.atomic
def person_create(*, actor, team: Team, data: PersonData) -> Person:
    _check_team(actor, team)
    values = _validated(data)
    nationalities = values.pop("nationalities")
    person = Person(organisation_id=team.organisation_id, team=team, file_number=file_number_new(),
                    created_by=actor, **values)
    person.full_clean(exclude=["nationalities"])
    person.save()
    person.nationalities.set(nationalities)
    person_reindex(person=person)
    audit_record(actor=actor, action="person.created", category=Category.WRITE, obj=person,
                 organisation=person.organisation)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: PersonData, version: int) -> Person:
    """Update master data; ``version`` is what the editor saw, so concurrent edits are not lost."""
    locked = policy.scope(actor, Person.objects.select_for_update(), Action.CHANGE).filter(pk=person.pk).first()
    if locked is None:
        policy.deny(actor, "person.update")
    ensure_not_restricted(locked)
    if locked.version != version:
        raise ValidationError(_("Someone else changed this person in the meantime. Please reload the page and "
                                "enter your changes again."), code="stale")
    values = _validated(data)
    nationalities = values.pop("nationalities")
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    before_nationalities = set(locked.nationalities.values_list("pk", flat=True))
    if before_nationalities != {code.pk for code in nationalities}:
        changed.append("nationalities")
        locked.nationalities.set(nationalities)
    if changed:
        locked.version = F("version") + 1
        locked.full_clean(exclude=["nationalities", "version"])
        locked.save()
        locked.refresh_from_db()
        if {"family_name", "given_names", "name_original_script"} & set(changed):
            person_reindex(person=locked)
        audit_record(actor=actor, action="person.updated", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation, details={"fields": sorted(changed)})
    return locked


@transaction.atomic
def person_name_add(*, actor, person: Person, family_name: str, given_names: str, source: str) -> PersonName:
    from lotse.people.models import NameSource

    ensure_not_restricted(person)
    if source not in NameSource.values:
        raise ValidationError({"source": _("Please choose where this spelling comes from.")})
    family = clean_name(family_name, field="family_name")
    given = clean_name(given_names, field="given_names")
    if not family and not given:
        raise ValidationError({"family_name": _("Please enter at least one part of the name.")})
    name = PersonName.objects.create(person=person, family_name=family, given_names=given, source=source)
    person_reindex(person=person)
    audit_record(actor=actor, action="person.name_added", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"source": source})
    return name


@transaction.atomic
def person_name_remove(*, actor, name: PersonName) -> None:
    person = name.person
    name.delete()
    person_reindex(person=person)
    audit_record(actor=actor, action="person.name_removed", category=Category.WRITE, obj=person,
                 organisation=person.organisation)


@transaction.atomic
def person_language_set(*, actor, person: Person, language: str, level: str, interpreter_needed: bool) -> None:
    ensure_not_restricted(person)
    code = _code("language", language, "language")
    if level not in PersonLanguage.Level.values:
        raise ValidationError({"level": _("Please choose a level.")})
    PersonLanguage.objects.update_or_create(person=person, language=code,
                                            defaults={"level": level, "interpreter_needed": interpreter_needed})
    audit_record(actor=actor, action="person.language_set", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"language": language, "level": level})


@transaction.atomic
def residence_status_add(*, actor, person: Person, status_type: ResidenceStatusType, paragraph: str,
                         valid_from: date, valid_until: date | None, document: str) -> ResidenceStatus:
    ensure_not_restricted(person)
    if not status_type.is_active:
        raise ValidationError({"status_type": _("This status can no longer be chosen.")})
    if status_type.needs_paragraph and not paragraph.strip():
        raise ValidationError({"paragraph": _("Please enter the legal basis, e.g. § 25 Abs. 2 AufenthG.")})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("“Valid until” must not be before “valid from”.")})
    if person.birth_date and valid_from < person.birth_date:
        raise ValidationError({"valid_from": _("The status cannot start before the date of birth.")})
    status = ResidenceStatus.objects.create(person=person, status_type=status_type, paragraph=paragraph.strip(),
                                            valid_from=valid_from, valid_until=valid_until, document=document.strip())
    audit_record(actor=actor, action="person.residence_status_added", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"status": status_type.code})
    return status


@transaction.atomic
def household_create(*, actor, team: Team, name: str, address: str = "") -> Household:
    _check_team(actor, team)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Please give the household a name, e.g. “Familie Haddad”.")})
    household = Household.objects.create(organisation_id=team.organisation_id, team=team, name=name[:200],
                                         address=address)
    audit_record(actor=actor, action="household.created", category=Category.WRITE, obj=household,
                 organisation=household.organisation)
    return household


@transaction.atomic
def household_member_add(*, actor, household: Household, person: Person, since: date) -> HouseholdMember:
    """Move the person into the household; an earlier current household ends the day before."""
    ensure_not_restricted(person)
    if person.team_id != household.team_id:
        raise ValidationError({"person": _("The person is looked after by another team.")})
    if since > timezone.localdate():
        raise ValidationError({"since": _("The date cannot be in the future.")})
    current = HouseholdMember.objects.select_for_update().filter(person=person, until__isnull=True).first()
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationError({"person": _("The person already lives in this household.")})
        if since <= current.since:
            raise ValidationError({"since": _("The person moved into the current household on %(date)s; the new "
                                              "date must be later.") % {"date": current.since.strftime("%d.%m.%Y")}})
        current.until = since
        current.save(update_fields=["until"])
    member = HouseholdMember.objects.create(household=household, person=person, since=since)
    audit_record(actor=actor, action="household.member_added", category=Category.WRITE, obj=household,
                 organisation=household.organisation, details={"person": str(person.public_id)})
    return member


@transaction.atomic
def household_create_with_member(*, actor, person: Person, name: str, address: str, since: date) -> Household:
    household = household_create(actor=actor, team=person.team, name=name, address=address)
    household_member_add(actor=actor, household=household, person=person, since=since)
    return household


@transaction.atomic
def household_member_leave(*, actor, member: HouseholdMember, until: date) -> None:
    if until < member.since:
        raise ValidationError({"until": _("The date cannot be before the move-in date.")})
    member.until = until
    member.save(update_fields=["until"])
    audit_record(actor=actor, action="household.member_left", category=Category.WRITE, obj=member.household,
                 organisation=member.household.organisation, details={"person": str(member.person.public_id)})


@transaction.atomic
def relationship_add(*, actor, person: Person, relative: Person, kind: str) -> Relationship:
    ensure_not_restricted(person)
    ensure_not_restricted(relative)
    if kind not in Relationship.Kind.values:
        raise ValidationError({"kind": _("Please choose the relation.")})
    if person.pk == relative.pk:
        raise ValidationError({"relative": _("A person cannot be related to themselves.")})
    if kind in (Relationship.Kind.PARTNER, Relationship.Kind.SIBLING, Relationship.Kind.RELATIVE) \
            and relative.pk < person.pk:
        person, relative = relative, person
    if Relationship.objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationError({"relative": _("This relation is already recorded.")})
    if kind == Relationship.Kind.PARENT and Relationship.objects.filter(
            person=relative, relative=person, kind=Relationship.Kind.PARENT).exists():
        raise ValidationError({"kind": _("The other person is already recorded as parent of this person.")})
    relation = Relationship.objects.create(person=person, relative=relative, kind=kind)
    audit_record(actor=actor, action="person.relationship_added", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"relative": str(relative.public_id), "kind": kind})
    return relation


@transaction.atomic
def duplicate_dismiss(*, actor, person: Person, other: Person) -> None:
    low, high = sorted((person, other), key=lambda p: p.pk)
    DuplicateDismissal.objects.get_or_create(person_low=low, person_high=high, defaults={"decided_by": actor})
    audit_record(actor=actor, action="person.duplicate_dismissed", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"other": str(other.public_id)})


@transaction.atomic
def person_merge(*, actor, survivor: Person, duplicate: Person) -> Person:
    """Move everything from ``duplicate`` to ``survivor``; the duplicate stays as a pointer (merged_into)."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged with themselves."))
    ensure_not_restricted(survivor)
    ensure_not_restricted(duplicate)
    if survivor.team_id != duplicate.team_id:
        raise ValidationError(_("Only persons of the same team can be merged."))
    moved = {}
    if duplicate.display_name != survivor.display_name:
        PersonName.objects.create(person=survivor, family_name=duplicate.family_name,
                                  given_names=duplicate.given_names, source="other")
    moved["names"] = PersonName.objects.filter(person=duplicate).update(person=survivor)
    moved["residence_statuses"] = ResidenceStatus.objects.filter(person=duplicate).update(person=survivor)
    existing_languages = PersonLanguage.objects.filter(person=survivor).values("language_id")
    PersonLanguage.objects.filter(person=duplicate, language_id__in=existing_languages).delete()
    moved["languages"] = PersonLanguage.objects.filter(person=duplicate).update(person=survivor)
    survivor.nationalities.add(*duplicate.nationalities.all())
    if not survivor.name_original_script and duplicate.name_original_script:
        survivor.name_original_script = duplicate.name_original_script
    for name in ("birth_date", "birth_place", "phone", "email", "address", "entry_date"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
            if name in ("birth_date", "entry_date"):
                setattr(survivor, f"{name}_precision", getattr(duplicate, f"{name}_precision"))
    relations = 0
    for relation in Relationship.objects.filter(person=duplicate):
        if relation.relative_id != survivor.pk and not Relationship.objects.filter(
                person=survivor, relative_id=relation.relative_id, kind=relation.kind).exists():
            relation.person = survivor
            relation.save(update_fields=["person"])
            relations += 1
    for relation in Relationship.objects.filter(relative=duplicate):
        if relation.person_id != survivor.pk and not Relationship.objects.filter(
                person_id=relation.person_id, relative=survivor, kind=relation.kind).exists():
            relation.relative = survivor
            relation.save(update_fields=["relative"])
            relations += 1
    Relationship.objects.filter(person=duplicate).delete()
    Relationship.objects.filter(relative=duplicate).delete()
    moved["relations"] = relations
    if not HouseholdMember.objects.filter(person=survivor, until__isnull=True).exists():
        HouseholdMember.objects.filter(person=duplicate, until__isnull=True).update(person=survivor)
    HouseholdMember.objects.filter(person=duplicate, until__isnull=True).update(until=timezone.localdate())
    moved["households"] = HouseholdMember.objects.filter(person=duplicate).update(person=survivor)
    survivor.version = F("version") + 1
    survivor.save()
    survivor.refresh_from_db()
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into", "updated_at"])
    PersonNameKey.objects.filter(person=duplicate).delete()
    person_reindex(person=survivor)
    audit_record(actor=actor, action="person.merged", category=Category.WRITE, obj=survivor,
                 organisation=survivor.organisation, details={"duplicate": str(duplicate.public_id), "moved": moved})
    audit_record(actor=actor, action="person.merged_away", category=Category.WRITE, obj=duplicate,
                 organisation=duplicate.organisation, details={"into": str(survivor.public_id)})
    return survivor


@transaction.atomic
def residence_status_type_save(*, actor, status_type: ResidenceStatusType | None, code: str, label: str,
                               needs_paragraph: bool, is_secure: bool, is_active: bool,
                               sort_order: int) -> ResidenceStatusType:
    """Create or change an entry of the residence-status catalogue (system administrators)."""
    if not policy.may_administer_organisations(actor):
        policy.deny(actor, "residence_status_type.save")
    clash = ResidenceStatusType.objects.filter(code=code)
    if status_type is not None:
        clash = clash.exclude(pk=status_type.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is already used in the catalogue.")})
    status_type = status_type or ResidenceStatusType()
    for name, value in (("code", code), ("label", " ".join(label.split())), ("needs_paragraph", needs_paragraph),
                        ("is_secure", is_secure), ("is_active", is_active), ("sort_order", sort_order)):
        setattr(status_type, name, value)
    status_type.full_clean()
    status_type.save()
    audit_record(actor=actor, action="residence_status_type.saved", category=Category.WRITE,
                 object_type="people.residencestatustype", object_id=status_type.code)
    return status_type


# ---- life situation (Lebenslage) ----------------------------------------------------------------------

LIFE_SITUATION_AREAS = {
    "accommodation": Accommodation, "livelihood": Livelihood, "labour_market": LabourMarket,
    "education": Education, "integration_course": IntegrationCourse, "participation": Participation,
}


@dataclass
class LifeSituationData:
    """A person's situation as of ``recorded_on``; an empty area means "not known"."""

    recorded_on: date | None
    accommodation: str = ""
    livelihood: str = ""
    labour_market: str = ""
    education: str = ""
    integration_course: str = ""
    participation: str = ""


def _life_situation_data(data) -> LifeSituationData:
    if isinstance(data, LifeSituationData):
        return data
    if not isinstance(data, dict):
        raise ValidationError(_("The life situation could not be read."))
    unknown = set(data) - {"recorded_on", *LIFE_SITUATION_AREAS}
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(map(str, unknown)))})
    return LifeSituationData(**{"recorded_on": None, **data})


def _life_situation_validated(person: Person, data: LifeSituationData) -> dict:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    on = data.recorded_on
    if isinstance(on, datetime):
        on = on.date()
    if not isinstance(on, date):
        errors["recorded_on"] = _("Please enter the date from which the situation applies.")
    elif on > today:
        errors["recorded_on"] = _("The date cannot be in the future.")
    elif person.birth_date is not None and on < person.birth_date:
        errors["recorded_on"] = _("The date cannot be before the date of birth.")
    elif on < EARLIEST_BIRTH_DATE:
        errors["recorded_on"] = _("The date cannot be before 1900.")
    values = {"recorded_on": on}
    for name, choices in LIFE_SITUATION_AREAS.items():
        value = getattr(data, name)
        value = "" if value is None else value
        if not isinstance(value, str) or (value and value not in choices.values):
            errors[name] = _("Please choose one of the listed values.")
        values[name] = value
    if errors:
        raise ValidationError(errors)
    if not any(values[name] for name in LIFE_SITUATION_AREAS):
        raise ValidationError(_("Please fill in at least one area of the life situation."))
    return values


def _life_situation_chain(person: Person) -> None:
    """Each record is superseded by the next one in time; the latest is current (``superseded_on`` empty)."""
    records = list(LifeSituation.objects.filter(person=person).order_by("recorded_on", "pk"))
    changed = []
    for record, following in zip(records, [*records[1:], None]):
        superseded_on = following.recorded_on if following is not None else None
        if record.superseded_on != superseded_on:
            record.superseded_on = superseded_on
            changed.append(record)
    if changed:
        LifeSituation.objects.bulk_update(changed, ["superseded_on"])


@transaction.atomic
def life_situation_record(*, person: Person, data, actor) -> LifeSituation:
    """Record the situation as of a date; a second record on the same day replaces the first one's values.

    A record dated between earlier and later ones is slotted into the chain: it supersedes its predecessor
    and is superseded by its successor."""
    locked = policy.scope(actor, Person.objects.select_for_update(), Action.CHANGE).filter(pk=person.pk).first()
    if locked is None:
        policy.deny(actor, "life_situation.record")
    ensure_not_restricted(locked)
    values = _life_situation_validated(locked, _life_situation_data(data))
    record = LifeSituation.objects.filter(person=locked, recorded_on=values["recorded_on"]).first()
    created = record is None
    if created:
        record = LifeSituation(person=locked, recorded_on=values["recorded_on"])
    changed = [name for name in LIFE_SITUATION_AREAS if getattr(record, name) != values[name]]
    if not created and not changed:
        return record
    for name in changed:
        setattr(record, name, values[name])
    record.recorded_by = actor
    record.save()
    _life_situation_chain(locked)
    record.refresh_from_db(fields=["superseded_on"])
    audit_record(actor=actor, action="person.life_situation_recorded", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation_id,
                 details={"recorded_on": record.recorded_on.isoformat(), "replaced": not created,
                          "fields": sorted(changed)})
    return record
