"""Every write to appointments, home visits, office hours and the personal calendar feed.

Appointments belong to a team and a counsellor (the owner) and optionally to a case. Everything that
touches a case goes through :func:`~lotse.cases.casework.case_for_work` first, so a user who lost access
meanwhile, a restricted person or a closed case is refused before anything is written.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.accounts.models import hash_secret
from lotse.appointments.models import Appointment, AppointmentKind, CalendarFeed, OfficeHour, Weekday
from lotse.audit.models import Category
from lotse.audit.services import audit_record, audit_security
from lotse.codelists.models import Code
from lotse.core.versioning import bump, ensure_current

DEFAULT_DURATION = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
LATEST_AHEAD = timedelta(days=2 * 365)
EARLIEST_BACK = timedelta(days=365)
LOCATION_MAX = 200
ROOM_MAX = 100
NOTE_MAX = 500
FEED_SCHEME = "kal"


# ---- shared checks ---------------------------------------------------------------------------------

def _aware(value: datetime | None) -> datetime | None:
    if value is None or not isinstance(value, datetime):
        return value
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _text(value, *, field: str, maximum: int, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > maximum:
        errors[field] = _("Please use at most %(max)d characters.") % {"max": maximum}
    return value


def _language(value) -> Code | None:
    """A language of the official language code list, given as code or as Code."""
    if value in (None, ""):
        return None
    if isinstance(value, Code):
        if value.code_list.slug != "language":
            raise ValidationError({"interpreter_language": _("Please choose a language from the list.")})
        return value
    code = Code.objects.filter(code_list__slug="language", code=str(value)[:64]).first()
    if code is None:
        raise ValidationError({"interpreter_language": _("Please choose a language from the list.")})
    return code


def _times(starts_at, ends_at, errors: dict) -> tuple[datetime | None, datetime | None]:
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = _("Please enter the date and time of the appointment.")
        return None, None
    if ends_at is None:
        ends_at = starts_at + DEFAULT_DURATION
    elif not isinstance(ends_at, datetime):
        errors["ends_at"] = _("Please enter when the appointment ends.")
        return starts_at, None
    now = timezone.now()
    if ends_at <= starts_at:
        errors["ends_at"] = _("The appointment must end after it starts.")
    elif ends_at - starts_at > LONGEST:
        errors["ends_at"] = _("An appointment may last at most 12 hours.")
    if starts_at > now + LATEST_AHEAD:
        errors["starts_at"] = _("The appointment lies more than two years ahead.")
    elif starts_at < now - EARLIEST_BACK:
        errors["starts_at"] = _("The appointment lies more than a year in the past.")
    return starts_at, ends_at


def _values(*, team, owner, kind, starts_at, ends_at, location, room, interpreter_needed, interpreter_language,
            note) -> dict:
    errors: dict = {}
    if owner is None or not policy.works_in_team(owner, team):
        errors["owner"] = _("Please choose a counsellor or the team lead of the team.")
    if kind not in AppointmentKind.values:
        errors["kind"] = _("Please choose the type of appointment.")
    starts_at, ends_at = _times(starts_at, ends_at, errors)
    location = _text(location, field="location", maximum=LOCATION_MAX, errors=errors)
    room = _text(room, field="room", maximum=ROOM_MAX, errors=errors)
    note = _text(note, field="note", maximum=NOTE_MAX, errors=errors)
    language = None
    if interpreter_needed:
        try:
            language = _language(interpreter_language)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return {"owner": owner, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "location": location,
            "room": room, "interpreter_needed": bool(interpreter_needed), "interpreter_language": language,
            "note": note}


def _audit(*, actor, action: str, appointment: Appointment, case=None, details: dict | None = None) -> None:
    details = {"appointment": str(appointment.public_id), **(details or {})}
    if case is not None:
        details["case"] = str(case.public_id)
        audit_record(actor=actor, action=action, category=Category.WRITE, obj=case.person,
                     organisation=case.person.organisation, details=details)
    else:
        audit_record(actor=actor, action=action, category=Category.WRITE, obj=appointment,
                     organisation=appointment.team.organisation_id, details=details)


def _locked(*, actor, appointment: Appointment, allow_closed: bool):
    """The appointment locked for a write (and its case through ``case_for_work``)."""
    from lotse.cases.casework import case_for_work

    case = None
    if appointment.case_id is not None:
        case = case_for_work(actor=actor, case=appointment.case, allow_closed=allow_closed)
    locked = (policy.scope(actor, Appointment.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("team").filter(pk=appointment.pk).first())
    if locked is None:
        policy.deny(actor, "appointment.change")
    if case is not None:
        locked.case = case
    return locked, case


# ---- appointments ----------------------------------------------------------------------------------

def appointment_create(*, actor, owner, team, starts_at, ends_at=None, case=None, kind: str = "appointment",
                       location: str = "", room: str = "", interpreter_needed: bool = False,
                       interpreter_language=None, note: str = "", contact=None) -> Appointment:
    """An appointment or home visit of ``owner`` in ``team``, for a case or internal (no case).

    Without ``ends_at`` it lasts 30 minutes. Runs inside the caller's transaction when there is one
    (e.g. a contact that agrees the next appointment), else in its own."""
    from lotse.cases.casework import case_for_work

    with transaction.atomic():
        if team is None or team.pk not in policy.casework_team_ids(actor):
            policy.deny(actor, "appointment.create")
        if case is not None:
            case = case_for_work(actor=actor, case=case)
            if case.team_id != team.pk:
                raise ValidationError({"case": _("The case belongs to another team.")})
        if contact is not None and (case is None or contact.case_id != case.pk):
            raise ValidationError({"contact": _("The contact belongs to another case.")})
        values = _values(team=team, owner=owner, kind=kind, starts_at=starts_at, ends_at=ends_at,
                         location=location, room=room, interpreter_needed=interpreter_needed,
                         interpreter_language=interpreter_language, note=note)
        appointment = Appointment.objects.create(team=team, case=case, contact=contact, created_by=actor, **values)
        _audit(actor=actor, action="appointment.created", appointment=appointment, case=case,
               details={"kind": appointment.kind})
    return appointment


EDITABLE = ("owner", "kind", "starts_at", "ends_at", "location", "room", "interpreter_needed",
            "interpreter_language", "note")


@transaction.atomic
def appointment_update(*, actor, appointment: Appointment, version: int, owner, starts_at, ends_at=None,
                       kind: str = "appointment", location: str = "", room: str = "",
                       interpreter_needed: bool = False, interpreter_language=None, note: str = "") -> Appointment:
    """Change time, place, type, counsellor or interpreter of a planned appointment (version-checked)."""
    locked, case = _locked(actor=actor, appointment=appointment, allow_closed=False)
    ensure_current(locked, version)
    if locked.status != Appointment.Status.PLANNED:
        raise ValidationError(_("Only planned appointments can be changed."))
    values = _values(team=locked.team, owner=owner, kind=kind, starts_at=starts_at, ends_at=ends_at,
                     location=location, room=room, interpreter_needed=interpreter_needed,
                     interpreter_language=interpreter_language, note=note)
    changed = [name for name in EDITABLE if getattr(locked, name) != values[name]]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=changed)
        _audit(actor=actor, action="appointment.updated", appointment=locked, case=case,
               details={"fields": sorted(changed)})
    return locked


OUTCOMES = (Appointment.Status.DONE, Appointment.Status.NO_SHOW, Appointment.Status.CANCELLED)


@transaction.atomic
def appointment_set_status(*, actor, appointment: Appointment, version: int, status: str) -> Appointment:
    """Record the outcome: took place, did not come, cancelled — or back to planned (a correction)."""
    locked, case = _locked(actor=actor, appointment=appointment, allow_closed=True)
    ensure_current(locked, version)
    if status not in Appointment.Status.values:
        raise ValidationError({"status": _("Please choose what happened.")})
    if status in (Appointment.Status.DONE, Appointment.Status.NO_SHOW) and locked.starts_at > timezone.now():
        raise ValidationError({"status": _("The appointment has not taken place yet. You can only cancel it.")})
    if status == Appointment.Status.PLANNED and case is not None and case.status != case.Status.OPEN:
        raise ValidationError({"status": _("The case is not open. Reopen it first.")})
    if locked.status != status:
        locked.status = status
        bump(locked, fields=["status"])
        _audit(actor=actor, action="appointment.status_set", appointment=locked, case=case,
               details={"status": status})
    return locked


def appointment_cancel(*, actor, appointment: Appointment, version: int) -> Appointment:
    return appointment_set_status(actor=actor, appointment=appointment, version=version,
                                  status=Appointment.Status.CANCELLED)


# ---- office hours ----------------------------------------------------------------------------------

def _office_hour_values(*, team, user, weekday, starts_at, ends_at, location, room, valid_from,
                        valid_until) -> dict:
    errors: dict = {}
    if user is None or not policy.works_in_team(user, team):
        errors["user"] = _("Please choose a counsellor or the team lead of the team.")
    try:
        weekday = int(weekday)
    except (TypeError, ValueError):
        weekday = -1
    if weekday not in Weekday.values:
        errors["weekday"] = _("Please choose a weekday.")
    if not isinstance(starts_at, time):
        errors["starts_at"] = _("Please enter when the office hour starts.")
    if not isinstance(ends_at, time):
        errors["ends_at"] = _("Please enter when the office hour ends.")
    elif isinstance(starts_at, time) and ends_at <= starts_at:
        errors["ends_at"] = _("The office hour must end after it starts.")
    location = _text(location, field="location", maximum=LOCATION_MAX, errors=errors)
    if not location and "location" not in errors:
        errors["location"] = _("Please enter the location.")
    room = _text(room, field="room", maximum=ROOM_MAX, errors=errors)
    today = timezone.localdate()
    if valid_from is None:
        errors["valid_from"] = _("Please enter from when the office hour applies.")
    elif valid_from > today + LATEST_AHEAD or valid_from < today - EARLIEST_BACK * 5:
        errors["valid_from"] = _("Please enter a date within the next two years.")
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = _("The office hour must end on or after the day it starts.")
    if errors:
        raise ValidationError(errors)
    return {"user": user, "weekday": weekday, "starts_at": starts_at, "ends_at": ends_at, "location": location,
            "room": room, "valid_from": valid_from, "valid_until": valid_until}


def _may_keep_office_hours_of(actor, *, team, user) -> bool:
    """The counsellor keeps their own office hours; the team lead those of the whole team."""
    if policy.leads_team(actor, team):
        return True
    return user is not None and user.pk == actor.pk and team.pk in policy.casework_team_ids(actor)


@transaction.atomic
def office_hour_create(*, actor, team, user, weekday, starts_at, ends_at, location, room="", valid_from=None,
                       valid_until=None) -> OfficeHour:
    if team is None or not _may_keep_office_hours_of(actor, team=team, user=user):
        policy.deny(actor, "office_hour.create")
    if valid_from is None:
        valid_from = timezone.localdate()
    values = _office_hour_values(team=team, user=user, weekday=weekday, starts_at=starts_at, ends_at=ends_at,
                                 location=location, room=room, valid_from=valid_from, valid_until=valid_until)
    office_hour = OfficeHour.objects.create(team=team, **values)
    audit_record(actor=actor, action="office_hour.created", category=Category.WRITE, obj=office_hour,
                 organisation=team.organisation_id, details={"weekday": office_hour.weekday})
    return office_hour


def _locked_office_hour(*, actor, office_hour: OfficeHour) -> OfficeHour:
    locked = (policy.scope(actor, OfficeHour.objects.select_for_update(of=("self",)), Action.CHANGE)
              .select_related("team").filter(pk=office_hour.pk).first())
    if locked is None:
        policy.deny(actor, "office_hour.change")
    return locked


@transaction.atomic
def office_hour_update(*, actor, office_hour: OfficeHour, user, weekday, starts_at, ends_at, location, room="",
                       valid_from=None, valid_until=None) -> OfficeHour:
    locked = _locked_office_hour(actor=actor, office_hour=office_hour)
    if not _may_keep_office_hours_of(actor, team=locked.team, user=user):
        raise ValidationError({"user": _("You can only keep your own office hours.")})
    values = _office_hour_values(team=locked.team, user=user, weekday=weekday, starts_at=starts_at,
                                 ends_at=ends_at, location=location, room=room,
                                 valid_from=valid_from or locked.valid_from, valid_until=valid_until)
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit_record(actor=actor, action="office_hour.updated", category=Category.WRITE, obj=locked,
                     organisation=locked.team.organisation_id, details={"fields": sorted(changed)})
    return locked


@transaction.atomic
def office_hour_end(*, actor, office_hour: OfficeHour) -> OfficeHour | None:
    """The office hour no longer takes place: it ends yesterday (the schedule's history stays). One that has
    not started yet is removed. Ending an office hour that has already ended changes nothing."""
    locked = _locked_office_hour(actor=actor, office_hour=office_hour)
    yesterday = timezone.localdate() - timedelta(days=1)
    if locked.valid_from > yesterday:
        audit_record(actor=actor, action="office_hour.deleted", category=Category.WRITE, obj=locked,
                     organisation=locked.team.organisation_id)
        locked.delete()
        return None
    if locked.valid_until is None or locked.valid_until > yesterday:
        locked.valid_until = yesterday
        locked.save(update_fields=["valid_until"])
        audit_record(actor=actor, action="office_hour.ended", category=Category.WRITE, obj=locked,
                     organisation=locked.team.organisation_id)
    return locked


# ---- calendar feed ---------------------------------------------------------------------------------

def _feed_token(prefix: str, secret: str) -> str:
    return f"{FEED_SCHEME}_{prefix}_{secret}"


@transaction.atomic
def calendar_feed_create(*, actor, include_initials: bool = False) -> tuple[CalendarFeed, str]:
    """Create or regenerate the user's feed. Returns the feed and its token, which is shown once only;
    a previous token stops working at once."""
    if not getattr(actor, "is_authenticated", False):
        policy.deny(actor, "calendar_feed.create")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token_prefix": prefix, "token_hash": hash_secret(secret),
                              "include_initials": bool(include_initials), "last_used_at": None})
    audit_security(actor=actor, action="calendar_feed.created" if created else "calendar_feed.regenerated",
                   details={"initials": feed.include_initials})
    return feed, _feed_token(prefix, secret)


@transaction.atomic
def calendar_feed_set_initials(*, actor, include_initials: bool) -> CalendarFeed | None:
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is not None and feed.include_initials != bool(include_initials):
        feed.include_initials = bool(include_initials)
        feed.save(update_fields=["include_initials"])
        audit_security(actor=actor, action="calendar_feed.changed", details={"initials": feed.include_initials})
    return feed


@transaction.atomic
def calendar_feed_delete(*, actor) -> None:
    deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
    if deleted:
        audit_security(actor=actor, action="calendar_feed.deleted")


def calendar_feed_authenticate(raw: str) -> CalendarFeed | None:
    """The feed behind a token from the feed URL, or None (unknown, regenerated and deleted look alike)."""
    if not isinstance(raw, str) or len(raw) > 200:
        return None
    try:
        scheme, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if scheme != FEED_SCHEME or not prefix or not secret:
        return None
    feed = (CalendarFeed.objects.select_related("user").filter(token_prefix=prefix[:12], user__is_active=True)
            .first())
    if feed is None or not secrets.compare_digest(feed.token_hash, hash_secret(secret)):
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
