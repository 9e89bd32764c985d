"""Client rights: correction (Art. 16), restriction (Art. 18), erasure (Art. 17), export (Art. 15); legal holds."""

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.people.models import DatePrecision, Household, HouseholdMember, Person, PersonNameKey
from lotse.people.services import CODE_FIELDS, PersonData, person_update
from lotse.privacy import export
from lotse.privacy.guards import ensure_not_restricted, erasure_refusals
from lotse.privacy.models import CorrectionRecord, ErasedPersonStub, LegalHold

REASON_MAX = 500

# Other apps register callables ``handler(person)`` that remove what they hold about a person which a
# database cascade cannot (files of documents, entries in external systems). Called inside the erasure
# transaction, before the person row is deleted.
ERASURE_HANDLERS: list[Callable[[Person], None]] = []


def _reason(reason: str, *, field: str = "reason") -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({field: _("Please give a reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: _("Please keep the reason under %(max)d characters.") % {"max": REASON_MAX}})
    return reason


def _locked(actor, person: Person, what: str) -> Person:
    """The person, locked for writing, if the actor may change them (system jobs pass ``actor=None``)."""
    queryset = Person.objects.select_for_update()
    if actor is not None:
        queryset = policy.scope(actor, queryset, Action.CHANGE)
    locked = queryset.filter(pk=person.pk).first()
    if locked is None:
        policy.deny(actor, what)
    return locked


# ---- correction (Art. 16) ------------------------------------------------------------------------

CORRECTABLE_FIELDS = tuple(f.name for f in fields(PersonData))
DATE_FIELDS = {"birth_date", "entry_date"}
TRUE_WORDS = {"1", "true", "yes", "ja", "on", "wahr"}
FALSE_WORDS = {"0", "false", "no", "nein", "off", "falsch", ""}


def person_data_of(person: Person) -> PersonData:
    """The current master data of ``person`` as ``person_update`` expects them."""
    values = {}
    for item in fields(PersonData):
        name = item.name
        if name in CODE_FIELDS:
            code = getattr(person, name)
            values[name] = code.code if code else ""
        elif name == "nationalities":
            values[name] = sorted(code.code for code in person.nationalities.all())
        else:
            value = getattr(person, name)
            values[name] = "" if value is None and name not in DATE_FIELDS else value
    return PersonData(**values)


def parse_field_value(field: str, raw):
    """Turn a typed-in value into what ``PersonData`` holds for ``field`` (strings come from forms)."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if field in DATE_FIELDS:
        if not text:
            return None
        try:
            parsed = parse_date(text)
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                day, month, year = (int(part) for part in text.split("."))
                parsed = date(year, month, day)
            except ValueError:
                raise ValidationError({"value": _("Please enter the date as DD.MM.YYYY.")}) from None
        return parsed
    if field == "nationalities":
        return [part for part in text.replace(",", " ").split() if part]
    if field == "is_deceased":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValidationError({"value": _("Please enter “yes” or “no”.")})
    return text


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@transaction.atomic
def person_correct(*, actor, person: Person, field: str, value, reason: str,
                   requested_by_client: bool = True) -> CorrectionRecord:
    """Correct one master-data field through ``person_update`` and keep the old value in the history."""
    ensure_not_restricted(person)
    if field not in CORRECTABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be corrected here.")})
    reason = _reason(reason)
    current = _locked(actor, person, "person.correct")
    ensure_not_restricted(current)
    data = person_data_of(current)
    old = getattr(data, field)
    new = parse_field_value(field, value)
    if field in DATE_FIELDS and new is not None and getattr(data, f"{field}_precision") == DatePrecision.UNKNOWN:
        setattr(data, f"{field}_precision", DatePrecision.EXACT)
    if _display(old) == _display(new):
        raise ValidationError({"value": _("The new value is the same as the current one.")})
    setattr(data, field, new)
    try:
        updated = person_update(actor=actor, person=current, data=data, version=current.version)
    except ValidationError as error:
        if hasattr(error, "error_dict") and field in error.error_dict:
            raise ValidationError({"value": error.error_dict[field]}) from None
        raise
    record = CorrectionRecord.objects.create(
        person=updated, field=field, old_value=_display(old), new_value=_display(getattr(person_data_of(updated),
                                                                                         field)),
        reason=reason, requested_by_client=requested_by_client, recorded_by=actor)
    audit_record(actor=actor, action="person.corrected", category=Category.WRITE, obj=updated,
                 organisation=updated.organisation,
                 details={"field": field, "requested_by_client": requested_by_client})
    person.__dict__.update({name: getattr(updated, name) for name in ("version", "updated_at")})
    return record


# ---- restriction (Art. 18) ----------------------------------------------------------------------

@transaction.atomic
def person_restrict(*, actor, person: Person, reason: str) -> Person:
    reason = _reason(reason)
    locked = _locked(actor, person, "person.restrict")
    if locked.restricted_at is not None:
        raise ValidationError(_("Processing of this person's data is already restricted."))
    Person.objects.filter(pk=locked.pk).update(restricted_at=timezone.now(), restriction_reason=reason,
                                               version=F("version") + 1, updated_at=timezone.now())
    locked.refresh_from_db()
    audit_record(actor=actor, action="person.restricted", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation)
    return locked


@transaction.atomic
def person_unrestrict(*, actor, person: Person) -> Person:
    locked = _locked(actor, person, "person.unrestrict")
    if locked.restricted_at is None:
        raise ValidationError(_("Processing of this person's data is not restricted."))
    Person.objects.filter(pk=locked.pk).update(restricted_at=None, restriction_reason="",
                                               version=F("version") + 1, updated_at=timezone.now())
    locked.refresh_from_db()
    audit_record(actor=actor, action="person.unrestricted", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation)
    return locked


# ---- legal holds --------------------------------------------------------------------------------

@transaction.atomic
def legal_hold_set(*, actor, person: Person, reason: str, until: date | None = None) -> LegalHold:
    reason = _reason(reason)
    locked = _locked(actor, person, "legal_hold.set")
    if until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("The date cannot be in the past.")})
    hold = LegalHold.objects.create(person=locked, reason=reason, until=until, set_by=actor)
    audit_record(actor=actor, action="person.legal_hold_set", category=Category.WRITE, obj=locked,
                 organisation=locked.organisation, details={"until": until.isoformat() if until else None})
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold) -> None:
    person = _locked(actor, hold.person, "legal_hold.lift")
    hold.delete()
    audit_record(actor=actor, action="person.legal_hold_lifted", category=Category.WRITE, obj=person,
                 organisation=person.organisation)


# ---- erasure (Art. 17) --------------------------------------------------------------------------

def _merged_layers(person: Person) -> list[list[int]]:
    """The person and every record merged into it (the same human), layer by layer."""
    layers, frontier, seen = [[person.pk]], [person.pk], {person.pk}
    while frontier:
        frontier = [pk for pk in Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
                    if pk not in seen]
        seen.update(frontier)
        if frontier:
            layers.append(frontier)
    return layers


def _related_count(person_ids: list[int], app_label: str, model_name: str) -> int:
    from django.apps import apps

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return 0
    return model._default_manager.filter(person_id__in=person_ids).count()


def _stub_for(person: Person, person_ids: list[int], cause: str, now) -> ErasedPersonStub:
    from lotse.people.models import ResidenceStatus

    statuses = ResidenceStatus.objects.filter(person_id__in=person_ids).select_related("status_type").order_by(
        "valid_from", "id")
    birth_year = (person.birth_date.year if person.birth_date is not None
                  and person.birth_date_precision != DatePrecision.UNKNOWN else None)
    return ErasedPersonStub(
        organisation_id=person.organisation_id, team_id=person.team_id, registered_year=person.created_at.year,
        birth_year=birth_year, sex_code=person.sex.code if person.sex_id else "",
        nationality_codes=sorted({code.code for code in person.nationalities.all()}),
        residence_statuses=[{"type": status.status_type.code, "from_year": status.valid_from.year,
                             "until_year": status.valid_until.year if status.valid_until else None}
                            for status in statuses],
        consent_count=_related_count(person_ids, "consent", "Consent"),
        release_count=_related_count(person_ids, "consent", "Release"),
        cause=cause, erased_at=now,
    )


FIRST_CONTACT_FREE_TEXT = ("concern", "referred_by", "referred_to", "notes", "note")


def _first_contacts_anonymise(person_ids: list[int]) -> None:
    """First contacts stay for the statistics (date, channel, topics, outcome) but lose the person and any
    free text; as anonymous first contacts they then follow their own retention rule."""
    from django.apps import apps

    try:
        model = apps.get_model("intake", "FirstContact")
    except LookupError:
        return
    names = {f.name for f in model._meta.concrete_fields}
    if "person" not in names:
        return
    values = {"person": None, **{name: "" for name in FIRST_CONTACT_FREE_TEXT if name in names}}
    model._default_manager.filter(person_id__in=person_ids).update(**values)


def _names_in(reason: str, person: Person) -> bool:
    words = {w.lower() for w in f"{person.family_name} {person.given_names}".replace("-", " ").split() if len(w) > 2}
    text = reason.lower()
    return any(word in text for word in words)


@transaction.atomic
def person_erase(*, actor, person: Person, reason: str, cause: str = ErasedPersonStub.Cause.REQUEST,
                 today: date | None = None) -> ErasedPersonStub:
    """Erase the person everywhere; an anonymous stub keeps what aggregate statistics need.

    Refused while a legal hold or another erasure blocker applies. The person row and everything
    hanging off it are deleted (not blanked): the access policy then cannot show an empty shell, and
    no name survives in indexes, merged duplicates or households of their own. The audit trail keeps
    ``person.erased`` with the public id and no name; the reason is kept there, so it must not name
    the person.
    """
    reason = _reason(reason)
    locked = _locked(actor, person, "person.erase")
    refusals = erasure_refusals(locked, on=today)
    if refusals:
        raise ValidationError(_("The person cannot be erased: %(reasons)s") % {"reasons": " ".join(refusals)},
                              code="erasure_refused")
    if actor is not None and _names_in(reason, locked):
        raise ValidationError({"reason": _("Please do not name the person in the reason: it is kept in the "
                                           "audit trail after the erasure.")})
    now = timezone.now()
    layers = _merged_layers(locked)
    person_ids = [pk for layer in layers for pk in layer]
    stub = _stub_for(locked, person_ids, cause, now)
    stub.save()
    _first_contacts_anonymise(person_ids)
    for handler in ERASURE_HANDLERS:
        handler(locked)
    household_ids = set(HouseholdMember.objects.filter(person_id__in=person_ids).values_list("household_id",
                                                                                             flat=True))
    shared = set(HouseholdMember.objects.filter(household_id__in=household_ids).exclude(
        person_id__in=person_ids).values_list("household_id", flat=True))
    PersonNameKey.objects.filter(person_id__in=person_ids).delete()
    try:
        for layer in reversed(layers):
            Person.objects.filter(pk__in=layer).delete()
    except ProtectedError as error:
        names = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise ValidationError(_("The person cannot be erased while other records still refer to them: "
                                "%(records)s") % {"records": ", ".join(names)}, code="erasure_refused") from None
    _count, removed = Household.objects.filter(pk__in=household_ids - shared).delete()
    audit_record(actor=actor, action="person.erased", category=Category.WRITE, object_type="people.person",
                 object_id=str(locked.public_id), organisation=locked.organisation_id,
                 actor_label="retention" if actor is None else "",
                 details={"cause": cause, "reason": reason, "merged_records": len(person_ids) - 1,
                          "households_removed": removed.get("people.Household", 0),
                          "consents": stub.consent_count, "releases": stub.release_count})
    return stub


# ---- export (Art. 15) ---------------------------------------------------------------------------

@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes


CONTENT_TYPES = {"json": "application/json", "pdf": "application/pdf"}


@transaction.atomic
def person_export(*, actor, person: Person, formats=("json", "pdf"), channel: str = "web",
                  actor_label: str = "") -> dict[str, ExportFile]:
    """Everything Lotse holds about the person, as JSON and/or PDF; the export itself is audited.

    The caller has fetched ``person`` through the access policy (or is the operator's command line).
    """
    unknown = set(formats) - set(CONTENT_TYPES)
    if unknown or not formats:
        raise ValidationError({"format": _("Please choose JSON or PDF.")})
    data = export.collect(person)
    files = {}
    for fmt in formats:
        content = (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode() if fmt == "json"
                   else export.render_pdf(data))
        files[fmt] = ExportFile(f"{person.file_number}.{fmt}", CONTENT_TYPES[fmt], content)
    audit_record(actor=actor, action="person.exported", category=Category.READ, obj=person,
                 organisation=person.organisation, actor_label=actor_label,
                 details={"formats": sorted(formats), "channel": channel})
    return files
