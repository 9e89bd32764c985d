"""Every write to the interpreter and volunteer pools: members, interpreter bookings, volunteer assignments
and the volunteers' personal links.

A member who has not signed the confidentiality agreement can be kept in the pool but neither booked as an
interpreter nor assigned to a case. Writes that touch a case go through
:func:`~lotse.cases.casework.case_for_work` first. What a volunteer may read is decided by the client's
releases from confidentiality naming the volunteer's partner entry, through
:func:`lotse.consent.services.disclosure_check`, on every visit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.accounts.models import hash_secret
from lotse.appointments.models import Appointment
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.codelists.models import Code
from lotse.consent.models import InformationCategory
from lotse.core.versioning import bump, ensure_current
from lotse.network.models import Partner, PartnerType
from lotse.organisations.models import TEAM_ROLES, Role
from lotse.pools.models import (
    INTERPRETER_KINDS,
    VOLUNTEER_KINDS,
    LanguageLevel,
    PoolKind,
    PoolMember,
    PoolMemberLanguage,
    PoolTopic,
    VolunteerAssignment,
)

NAME_MAX = 200
PHONE_MAX = 50
EMAIL_MAX = 254
AVAILABILITY_MAX = 500
NOTES_MAX = 5000
PURPOSE_MAX = 300
LANGUAGES_MAX = 20
LINK_DAYS_DEFAULT = 30
LINK_DAYS_MAX = 90
LINK_SCHEME = "eh"
# What the volunteer view can show, each only with a valid release naming the volunteer.
VIEW_CATEGORIES = (InformationCategory.MASTER_DATA, InformationCategory.FAMILY, InformationCategory.CASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class LanguageEntry:
    """A language of a member: a code of the official language list (or the Code itself), optional level."""

    language: object
    level: str = ""


# ---- shared checks ---------------------------------------------------------------------------------

def pool_organisation_ids(actor) -> set[int]:
    """Organisations whose pool the actor keeps (the roles the access policy lets change pool members)."""
    return policy.grants(actor).orgs_with(Role.ORG_ADMIN, *TEAM_ROLES)


def _text(value, *, field: str, maximum: int, errors: dict, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = _("Please enter text.")
        return ""
    value = value.strip() if multiline else " ".join(value.split())
    if CONTROL.search(value):
        errors[field] = _("The text contains characters that are not allowed.")
    elif len(value) > maximum:
        errors[field] = _("Please use at most %(max)d characters.") % {"max": maximum}
    return value


def _language_rows(entries, errors: dict) -> list[tuple[Code, str]]:
    entries = list(entries or [])
    if len(entries) > LANGUAGES_MAX:
        errors["languages"] = _("Please enter at most %(max)d languages.") % {"max": LANGUAGES_MAX}
        return []
    wanted = []
    for entry in entries:
        if not isinstance(entry, LanguageEntry):
            entry = LanguageEntry(*entry) if isinstance(entry, (tuple, list)) else LanguageEntry(entry)
        wanted.append(entry)
    codes = {str(entry.language)[:64] for entry in wanted
             if not isinstance(entry.language, Code) and entry.language not in (None, "")}
    found = {}
    if codes:
        found = {code.code: code for code in Code.objects.filter(code_list__slug="language", code__in=codes)}
    rows, seen = [], set()
    for entry in wanted:
        if isinstance(entry.language, Code):
            code = entry.language if entry.language.code_list.slug == "language" else None
        else:
            code = found.get(str(entry.language)[:64]) if entry.language not in (None, "") else None
        level = entry.level or ""
        if code is None:
            errors["languages"] = _("Please choose languages from the list.")
            return []
        if level and level not in LanguageLevel.values:
            errors["languages"] = _("Please choose a level from the list.")
            return []
        if code.pk in seen:
            errors["languages"] = _("Each language can be entered only once.")
            return []
        seen.add(code.pk)
        rows.append((code, level))
    return rows


@dataclass(frozen=True)
class MemberData:
    kind: str
    name: str
    phone: str = ""
    email: str = ""
    languages: tuple = ()
    availability: str = ""
    topics: tuple = ()
    confidentiality_signed_on: date | None = None
    notes: str = ""


def _member_values(data: MemberData) -> tuple[dict, list[tuple[Code, str]]]:
    errors: dict = {}
    if data.kind not in PoolKind.values:
        errors["kind"] = _("Please choose whether the person interprets, volunteers or both.")
    name = _text(data.name, field="name", maximum=NAME_MAX, errors=errors)
    if not name and "name" not in errors:
        errors["name"] = _("Please enter the name.")
    phone = _text(data.phone, field="phone", maximum=PHONE_MAX, errors=errors)
    email = _text(data.email, field="email", maximum=EMAIL_MAX, errors=errors)
    if email and "email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Please enter a valid e-mail address.")
    availability = _text(data.availability, field="availability", maximum=AVAILABILITY_MAX, errors=errors)
    notes = _text(data.notes, field="notes", maximum=NOTES_MAX, errors=errors, multiline=True)
    topics = list(dict.fromkeys(data.topics or ()))
    if any(topic not in PoolTopic.values for topic in topics):
        errors["topics"] = _("Please choose topics from the list.")
    signed = data.confidentiality_signed_on
    if signed is not None:
        if not isinstance(signed, date):
            errors["confidentiality_signed_on"] = _("Please enter a valid date.")
        elif signed > timezone.localdate():
            errors["confidentiality_signed_on"] = _("The date cannot be in the future.")
        elif signed < date(1990, 1, 1):
            errors["confidentiality_signed_on"] = _("Please enter a valid date.")
    languages = _language_rows(data.languages, errors)
    if data.kind in INTERPRETER_KINDS and not languages and "languages" not in errors:
        errors["languages"] = _("Please enter at least one language the interpreter translates.")
    if errors:
        raise ValidationError(errors)
    return {"kind": data.kind, "name": name, "phone": phone, "email": email, "availability": availability,
            "topics": topics, "confidentiality_signed_on": signed, "notes": notes}, languages


def _partner_name(name: str, kind: str) -> str:
    """The member's entry in the partner directory: the name with the pool role, in the installation's
    language (stored data, the same for every user)."""
    with translation.override(settings.LANGUAGE_CODE):
        suffix = {PoolKind.INTERPRETER: _("language mediation"), PoolKind.VOLUNTEER: _("volunteering")}.get(
            kind, _("language mediation and volunteering"))
    suffix = f" ({suffix})"
    return name[:NAME_MAX - len(suffix)] + suffix


def _partner_type(kind: str) -> str:
    return PartnerType.VOLUNTEERS if kind == PoolKind.VOLUNTEER else PartnerType.PERSON


def _ensure_partner_name_free(*, organisation_id: int, name: str, exclude_pk: int | None = None) -> None:
    taken = Partner.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("The partner list already has an entry “%(name)s”. Please tell the "
                                         "two apart, e.g. by adding the place.") % {"name": name}})


def _set_languages(member: PoolMember, rows: list[tuple[Code, str]]) -> bool:
    current = {row.language_id: row for row in member.language_rows.all()}
    wanted = {code.pk: level for code, level in rows}
    changed = False
    stale = [pk for language_id, row in current.items() if language_id not in wanted for pk in [row.pk]]
    if stale:
        PoolMemberLanguage.objects.filter(pk__in=stale).delete()
        changed = True
    for code, level in rows:
        row = current.get(code.pk)
        if row is None:
            PoolMemberLanguage.objects.create(member=member, language=code, level=level)
            changed = True
        elif row.level != level:
            row.level = level
            row.save(update_fields=["level"])
            changed = True
    return changed


def _audit_member(*, actor, action: str, member: PoolMember, details: dict | None = None) -> None:
    audit_record(actor=actor, action=action, category=Category.WRITE, obj=member,
                 organisation=member.organisation_id, details=details or {})


# ---- pool members ----------------------------------------------------------------------------------

@transaction.atomic
def pool_member_create(*, actor, organisation, data: MemberData) -> PoolMember:
    """A new interpreter or volunteer, and their entry in the partner directory."""
    from lotse.network.services import partner_create

    if organisation is None or organisation.pk not in pool_organisation_ids(actor):
        policy.deny(actor, "pool_member.create")
    values, languages = _member_values(data)
    partner_name = _partner_name(values["name"], values["kind"])
    _ensure_partner_name_free(organisation_id=organisation.pk, name=partner_name)
    partner = partner_create(actor=actor, organisation=organisation, name=partner_name,
                             partner_type=_partner_type(values["kind"]))
    member = PoolMember.objects.create(organisation=organisation, partner=partner, created_by=actor, **values)
    _set_languages(member, languages)
    _audit_member(actor=actor, action="pool_member.created", member=member, details={"kind": member.kind})
    return member


def _locked_member(*, actor, member: PoolMember) -> PoolMember:
    locked = (policy.scope(actor, PoolMember.objects.select_for_update(of=("self",)), Action.CHANGE)
              .filter(pk=member.pk).first())
    if locked is None:
        policy.deny(actor, "pool_member.change")
    return locked


EDITABLE = ("kind", "name", "phone", "email", "availability", "topics", "confidentiality_signed_on", "notes")


def _sync_partner(member: PoolMember, *, actor) -> None:
    """Keep the member's partner entry (name, type, active) in step with the member."""
    name = _partner_name(member.name, member.kind)
    _ensure_partner_name_free(organisation_id=member.organisation_id, name=name, exclude_pk=member.partner_id)
    partner = Partner.objects.select_for_update().get(pk=member.partner_id)
    changes = {field: value for field, value in (("name", name), ("partner_type", _partner_type(member.kind)),
                                                 ("is_active", member.is_active))
               if getattr(partner, field) != value}
    if changes:
        for field, value in changes.items():
            setattr(partner, field, value)
        partner.version += 1
        partner.save(update_fields=[*changes, "version", "updated_at"])
        audit_record(actor=actor, action="partner.updated", category=Category.WRITE, obj=partner,
                     organisation=partner.organisation_id,
                     details={"fields": sorted(changes), "source": "pool"})


@transaction.atomic
def pool_member_update(*, actor, member: PoolMember, version: int, data: MemberData) -> PoolMember:
    locked = _locked_member(actor=actor, member=member)
    ensure_current(locked, version)
    values, languages = _member_values(data)
    changed = [name for name in EDITABLE if getattr(locked, name) != values[name]]
    languages_changed = _set_languages(locked, languages)
    if changed or languages_changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=[*changed, "updated_at"])
        if {"name", "kind"} & set(changed):
            _sync_partner(locked, actor=actor)
        _audit_member(actor=actor, action="pool_member.updated", member=locked,
                      details={"fields": sorted(changed + (["languages"] if languages_changed else []))})
    return locked


@transaction.atomic
def pool_member_set_active(*, actor, member: PoolMember, version: int, active: bool) -> PoolMember:
    """Take a member out of the pool (or back in). An inactive member cannot be booked or assigned, their
    volunteer links stop working and their partner entry is inactive too."""
    locked = _locked_member(actor=actor, member=member)
    ensure_current(locked, version)
    active = bool(active)
    if locked.is_active != active:
        locked.is_active = active
        bump(locked, fields=["is_active", "updated_at"])
        _sync_partner(locked, actor=actor)
        _audit_member(actor=actor, action="pool_member.activated" if active else "pool_member.deactivated",
                      member=locked)
    return locked


def _usable(member: PoolMember | None, *, organisation_id: int, kinds: tuple, field: str,
            role: str) -> PoolMember:
    """The member if they can be booked or assigned now; a German message why not otherwise."""
    if not isinstance(member, PoolMember) or member.organisation_id != organisation_id:
        raise ValidationError({field: _("Please choose someone from your organisation's pool.")})
    if not member.is_active:
        raise ValidationError({field: _("%(name)s is no longer active in the pool.") % {"name": member.name}})
    if member.kind not in kinds:
        message = (_("%(name)s is not in the pool as an interpreter.") if role == "interpreter"
                   else _("%(name)s is not in the pool as a volunteer."))
        raise ValidationError({field: message % {"name": member.name}})
    signed = member.confidentiality_signed_on
    if signed is None or signed > timezone.localdate():
        if role == "interpreter":
            message = _("%(name)s has not signed the confidentiality agreement yet and cannot be booked. "
                        "Record the date of signing in the pool first.")
        else:
            message = _("%(name)s has not signed the confidentiality agreement yet and cannot be assigned. "
                        "Record the date of signing in the pool first.")
        raise ValidationError({field: ValidationError(message % {"name": member.name},
                                                      code="no_confidentiality")})
    return member


# ---- interpreter booking ---------------------------------------------------------------------------

def _locked_appointment(*, actor, appointment: Appointment):
    """The appointment locked for a write (and its case through ``case_for_work``)."""
    from lotse.cases.casework import case_for_work

    case = None
    if appointment.case_id is not None:
        case = case_for_work(actor=actor, case=appointment.case)
    locked = (policy.scope(actor, Appointment.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("team").filter(pk=appointment.pk).first())
    if locked is None:
        policy.deny(actor, "appointment.change")
    if locked.status != Appointment.Status.PLANNED:
        raise ValidationError(_("Only planned appointments can be changed."))
    return locked, case


def _audit_appointment(*, actor, action: str, appointment: Appointment, case, member: PoolMember) -> None:
    details = {"appointment": str(appointment.public_id), "member": str(member.public_id)}
    if case is not None:
        details["case"] = str(case.public_id)
        audit_record(actor=actor, action=action, category=Category.WRITE, obj=case.person,
                     organisation=case.person.organisation_id, details=details)
    else:
        audit_record(actor=actor, action=action, category=Category.WRITE, obj=appointment,
                     organisation=appointment.team.organisation_id, details=details)


def interpreter_conflicts(*, member_ids, starts_at, ends_at, exclude_pk: int | None = None) -> set[int]:
    """Which of the members already interpret at a planned appointment overlapping the period. Reads
    appointments of every team of the organisation, but returns nothing but the members' ids."""
    rows = Appointment.objects.filter(interpreter_id__in=list(member_ids), status=Appointment.Status.PLANNED,
                                      starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return set(rows.values_list("interpreter_id", flat=True))


@transaction.atomic
def interpreter_book(*, actor, appointment: Appointment, member: PoolMember, version: int) -> Appointment:
    """Book ``member`` as interpreter for a planned, coming appointment (version-checked).

    Refused without a signed confidentiality agreement and when the interpreter is already booked at an
    overlapping time."""
    locked, case = _locked_appointment(actor=actor, appointment=appointment)
    ensure_current(locked, version)
    if locked.ends_at <= timezone.now():
        raise ValidationError(_("The appointment is over. Interpreters can only be booked for coming "
                                "appointments."))
    if not isinstance(member, PoolMember):
        raise ValidationError({"member": _("Please choose someone from your organisation's pool.")})
    # Lock the interpreter: two bookings of the same person at the same time cannot both pass the check.
    member = PoolMember.objects.select_for_update().filter(pk=member.pk).first()
    member = _usable(member, organisation_id=locked.team.organisation_id, kinds=INTERPRETER_KINDS,
                     field="member", role="interpreter")
    if locked.interpreter_id == member.pk:
        return locked
    if interpreter_conflicts(member_ids=[member.pk], starts_at=locked.starts_at, ends_at=locked.ends_at,
                             exclude_pk=locked.pk):
        raise ValidationError({"member": ValidationError(
            _("%(name)s already interprets at another appointment at this time. Please choose someone else.")
            % {"name": member.name}, code="interpreter_busy")})
    locked.interpreter = member
    locked.interpreter_needed = True
    bump(locked, fields=["interpreter", "interpreter_needed"])
    _audit_appointment(actor=actor, action="appointment.interpreter_booked", appointment=locked, case=case,
                       member=member)
    return locked


@transaction.atomic
def interpreter_cancel(*, actor, appointment: Appointment, version: int) -> Appointment:
    """The booked interpreter is no longer needed for this appointment."""
    locked, case = _locked_appointment(actor=actor, appointment=appointment)
    ensure_current(locked, version)
    if locked.interpreter_id is None:
        return locked
    member = PoolMember.objects.get(pk=locked.interpreter_id)
    locked.interpreter = None
    bump(locked, fields=["interpreter"])
    _audit_appointment(actor=actor, action="appointment.interpreter_cancelled", appointment=locked, case=case,
                       member=member)
    return locked


# ---- volunteer assignments -------------------------------------------------------------------------

def _audit_case(*, actor, action: str, case, assignment: VolunteerAssignment, details: dict | None = None,
                category: str = Category.WRITE) -> None:
    audit_record(actor=actor, action=action, category=category, obj=case.person,
                 organisation=case.person.organisation_id,
                 details={"case": str(case.public_id), "assignment": str(assignment.public_id),
                          "member": str(assignment.member.public_id), **(details or {})})


@transaction.atomic
def volunteer_assign(*, actor, case, member: PoolMember, purpose: str, since: date | None = None
                     ) -> VolunteerAssignment:
    """A volunteer of the pool starts helping in the case (only with a signed confidentiality agreement)."""
    from lotse.cases.casework import case_for_work

    case = case_for_work(actor=actor, case=case)
    errors: dict = {}
    purpose = _text(purpose, field="purpose", maximum=PURPOSE_MAX, errors=errors)
    if not purpose and "purpose" not in errors:
        errors["purpose"] = _("Please describe what the volunteer helps with.")
    today = timezone.localdate()
    since = since or today
    earliest, latest = today - timedelta(days=5 * 365), today + timedelta(days=365)
    if not isinstance(since, date) or not earliest <= since <= latest:
        errors["since"] = _("Please enter a date within a year from today.")
    if errors:
        raise ValidationError(errors)
    if isinstance(member, PoolMember):
        member = PoolMember.objects.select_for_update().filter(pk=member.pk).first()
    member = _usable(member, organisation_id=case.person.organisation_id, kinds=VOLUNTEER_KINDS,
                     field="member", role="volunteer")
    if VolunteerAssignment.objects.filter(case=case, member=member, until__isnull=True).exists():
        raise ValidationError({"member": _("%(name)s already helps in this case.") % {"name": member.name}})
    assignment = VolunteerAssignment.objects.create(case=case, member=member, purpose=purpose, since=since,
                                                    created_by=actor)
    _audit_case(actor=actor, action="volunteer.assigned", case=case, assignment=assignment)
    return assignment


def _locked_assignment(*, actor, assignment: VolunteerAssignment, allow_closed: bool):
    from lotse.cases.casework import case_for_work

    case = case_for_work(actor=actor, case=assignment.case, allow_closed=allow_closed)
    locked = (policy.scope(actor, VolunteerAssignment.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("member").filter(pk=assignment.pk).first())
    if locked is None:
        policy.deny(actor, "volunteer_assignment.change")
    locked.case = case
    return locked, case


def _clear_link(assignment: VolunteerAssignment) -> list[str]:
    assignment.token_prefix = None
    assignment.token_hash = ""
    assignment.token_expires_on = None
    return ["token_prefix", "token_hash", "token_expires_on"]


@transaction.atomic
def volunteer_assignment_end(*, actor, assignment: VolunteerAssignment) -> VolunteerAssignment:
    """The volunteer no longer helps in the case; their link stops working at once."""
    locked, case = _locked_assignment(actor=actor, assignment=assignment, allow_closed=True)
    if locked.until is not None:
        raise ValidationError(_("This assignment has already ended."))
    locked.until = max(timezone.localdate(), locked.since)
    locked.ended_by = actor
    bump(locked, fields=["until", "ended_by", *_clear_link(locked)])
    _audit_case(actor=actor, action="volunteer.assignment_ended", case=case, assignment=locked)
    return locked


def _link_token(prefix: str, secret: str) -> str:
    return f"{LINK_SCHEME}_{prefix}_{secret}"


@transaction.atomic
def volunteer_link_create(*, actor, assignment: VolunteerAssignment, valid_days: int = LINK_DAYS_DEFAULT
                          ) -> tuple[VolunteerAssignment, str]:
    """Create (or renew) the volunteer's personal link. Returns the assignment and the token, which is shown
    once only; an earlier link stops working at once."""
    locked, case = _locked_assignment(actor=actor, assignment=assignment, allow_closed=False)
    if locked.until is not None:
        raise ValidationError(_("This assignment has already ended."))
    try:
        valid_days = int(valid_days)
    except (TypeError, ValueError):
        valid_days = 0
    if not 1 <= valid_days <= LINK_DAYS_MAX:
        raise ValidationError({"valid_days": _("A link can be valid for at most %(max)d days.") % {
            "max": LINK_DAYS_MAX}})
    _usable(locked.member, organisation_id=case.person.organisation_id, kinds=VOLUNTEER_KINDS, field="member",
            role="volunteer")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    locked.token_prefix = prefix
    locked.token_hash = hash_secret(secret)
    locked.token_expires_on = timezone.localdate() + timedelta(days=valid_days)
    locked.token_created_by = actor
    locked.token_created_at = timezone.now()
    locked.last_viewed_at = None
    bump(locked, fields=["token_prefix", "token_hash", "token_expires_on", "token_created_by",
                         "token_created_at", "last_viewed_at"])
    _audit_case(actor=actor, action="volunteer.link_created", case=case, assignment=locked,
                details={"valid_until": locked.token_expires_on.isoformat()})
    return locked, _link_token(prefix, secret)


@transaction.atomic
def volunteer_link_revoke(*, actor, assignment: VolunteerAssignment) -> VolunteerAssignment:
    """The volunteer's link stops working at once (revoking a link that no longer exists changes nothing)."""
    locked, case = _locked_assignment(actor=actor, assignment=assignment, allow_closed=True)
    if locked.token_prefix:
        bump(locked, fields=_clear_link(locked))
        _audit_case(actor=actor, action="volunteer.link_revoked", case=case, assignment=locked)
    return locked


def volunteer_link_authenticate(raw) -> VolunteerAssignment | None:
    """The assignment behind a link, or None: unknown, renewed, revoked and expired links look alike, and so
    do links of ended assignments, closed cases, inactive volunteers, restricted persons and links whose
    issuer meanwhile lost access to the case."""
    if not isinstance(raw, str) or len(raw) > 200:
        return None
    try:
        scheme, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if scheme != LINK_SCHEME or not prefix or not secret or len(prefix) > 12:
        return None
    assignment = (VolunteerAssignment.objects.select_related("case__person__preferred_language",
                                                              "case__person__organisation", "member__partner",
                                                              "token_created_by")
                  .filter(token_prefix=prefix).first())
    if assignment is None or not secrets.compare_digest(assignment.token_hash, hash_secret(secret)):
        return None
    from lotse.cases.models import Case

    today = timezone.localdate()
    case, issuer = assignment.case, assignment.token_created_by
    if (assignment.until is not None or assignment.token_expires_on is None
            or assignment.token_expires_on < today
            or case.status != Case.Status.OPEN or not assignment.member.is_active
            or case.person.restricted_at is not None or case.person.merged_into_id is not None
            or issuer is None or not issuer.is_active):
        return None
    if not policy.scope(issuer, VolunteerAssignment.objects.filter(pk=assignment.pk)).exists():
        return None
    now = timezone.now()
    VolunteerAssignment.objects.filter(pk=assignment.pk).update(last_viewed_at=now)
    assignment.last_viewed_at = now
    return assignment


def volunteer_disclosure(*, assignment: VolunteerAssignment) -> list[str]:
    """The information categories the volunteer may see now: those a valid release of the client names the
    volunteer for. The decision is recorded through ``disclosure_check`` either way; without any release the
    refusal is on record and nothing is shown."""
    from lotse.consent.rules import valid_release
    from lotse.consent.services import DisclosureRefused, disclosure_check

    person, partner = assignment.case.person, assignment.member.partner
    covered = [category for category in VIEW_CATEGORIES
               if valid_release(person, partner, category) is not None]
    with translation.override(settings.LANGUAGE_CODE):
        purpose = _("Volunteer view: %(purpose)s") % {"purpose": assignment.purpose}
    try:
        disclosure_check(actor=None, person=person, recipient=partner, purpose=purpose,
                         categories=[str(category) for category in (covered or VIEW_CATEGORIES)])
    except DisclosureRefused:
        return []
    return [str(category) for category in covered]


def volunteer_view_audit(*, assignment: VolunteerAssignment, categories: list[str]) -> None:
    """Every visit of the volunteer view is on record, with what was shown."""
    person = assignment.case.person
    audit_record(actor=None, actor_label=f"volunteer:{assignment.member.public_id}"[:150],
                 action="volunteer.view_opened", category=Category.READ, obj=person,
                 organisation=person.organisation_id,
                 details={"assignment": str(assignment.public_id), "categories": categories})
