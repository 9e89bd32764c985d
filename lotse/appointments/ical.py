"""The iCalendar text of a user's feed. Events carry no personal data: the type of appointment, the
office's location and room (a home visit says only "home visit", never the client's address), and the
client's initials only when the user opted in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from lotse.appointments.models import Appointment, AppointmentKind, OfficeHour

PRODID = "-//Lotse//Termine//DE"
UID_DOMAIN = "lotse.invalid"
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _summary(kind: str) -> str:
    return {
        AppointmentKind.APPOINTMENT: _("Counselling appointment"),
        AppointmentKind.HOME_VISIT: _("Home visit"),
        AppointmentKind.ACCOMPANIMENT: _("Accompaniment"),
        AppointmentKind.PHONE: _("Phone appointment"),
        AppointmentKind.VIDEO: _("Video appointment"),
    }.get(kind, _("Counselling appointment"))


def initials(person) -> str:
    """"A. H." for Amal Haddad; only letters, nothing else of the name."""
    parts = [part for part in (person.given_names or "").split()[:1] + (person.family_name or "").split()[:1] if part]
    return " ".join(f"{part[0].upper()}." for part in parts)


def _location(appointment: Appointment) -> str:
    if appointment.kind == AppointmentKind.HOME_VISIT:
        return _("Home visit")
    if appointment.kind in (AppointmentKind.PHONE, AppointmentKind.VIDEO):
        return ""
    return ", ".join(part for part in (appointment.location, appointment.room) if part)


def _appointment_event(appointment: Appointment, *, with_initials: bool, stamp: datetime) -> Event:
    event = Event()
    summary = _summary(appointment.kind)
    if with_initials and appointment.case_id is not None:
        letters = initials(appointment.case.person)
        if letters:
            summary = f"{summary} ({letters})"
    if appointment.case_id is None:
        summary = _("Internal appointment")
    event.add("uid", f"{appointment.public_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", summary)
    location = _location(appointment)
    if location:
        event.add("location", location)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    return event


def _first_day(hour: OfficeHour):
    return hour.valid_from + timedelta(days=(hour.weekday - hour.valid_from.weekday()) % 7)


def _office_hour_event(hour: OfficeHour, *, zone: ZoneInfo, stamp: datetime) -> Event | None:
    first = _first_day(hour)
    if hour.valid_until is not None and first > hour.valid_until:
        return None
    event = Event()
    event.add("uid", f"office-hour-{hour.public_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", datetime.combine(first, hour.starts_at, tzinfo=zone))
    event.add("dtend", datetime.combine(first, hour.ends_at, tzinfo=zone))
    rule = {"FREQ": "WEEKLY", "BYDAY": WEEKDAY_CODES[hour.weekday]}
    if hour.valid_until is not None:
        rule["UNTIL"] = datetime.combine(hour.valid_until, hour.ends_at, tzinfo=zone).astimezone(UTC)
    event.add("rrule", vRecur(rule))
    event.add("summary", _("Office hour"))
    location = ", ".join(part for part in (hour.location, hour.room) if part)
    if location:
        event.add("location", location)
    event.add("transp", "OPAQUE")
    event.add("class", "PUBLIC")
    return event


def feed_calendar(*, appointments: list[Appointment], office_hours: list[OfficeHour], with_initials: bool,
                  language: str = "de") -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with translation.override(language or "de"):
        calendar.add("x-wr-calname", "Lotse – " + _("Appointments"))
        for appointment in appointments:
            calendar.add_component(_appointment_event(appointment, with_initials=with_initials, stamp=stamp))
        for hour in office_hours:
            event = _office_hour_event(hour, zone=zone, stamp=stamp)
            if event is not None:
                calendar.add_component(event)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if office_hours:
        calendar.add_missing_timezones()
    return calendar.to_ical()
