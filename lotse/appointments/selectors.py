"""Reads of appointments and office hours: my appointments, the week, a case's appointments, the team's
office hours, what the case file, timeline and worklist show, and what goes into the calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.appointments.models import Appointment, CalendarFeed, OfficeHour, Weekday
from lotse.audit.services import audit_read, audit_read_many
from lotse.cases.casework import TimelineItem, WorklistEntry
from lotse.core.pagination import keyset_page

SUMMARY_LENGTH = 5
FEED_PAST = timedelta(days=60)
FEED_AHEAD = timedelta(days=400)
FEED_LIMIT = 2000
OUTCOME_LOOKBACK = timedelta(days=180)


def _appointments(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Appointment.objects.all(), action)


def _with_relations(queryset):
    return queryset.select_related("case__person", "owner", "interpreter_language")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _audit_persons(*, actor, appointments, action: str) -> None:
    persons = {a.case.person.pk: a.case.person for a in appointments if a.case_id is not None}
    if persons:
        audit_read_many(actor=actor, objects=list(persons.values()), object_type="people.person", action=action)


def appointment_get(*, actor, public_id, action: Action = Action.VIEW) -> Appointment:
    return policy.get_or_404(actor, Appointment.objects.select_related(
        "case__person__organisation", "case__person__preferred_language", "case__team", "team__organisation",
        "owner", "interpreter_language", "created_by"), action=action, public_id=public_id)


def appointment_detail(*, actor, appointment: Appointment) -> Appointment:
    """Audits the read of the client's appointment (internal appointments hold no personal data)."""
    if appointment.case_id is not None:
        audit_read(actor=actor, obj=appointment.case.person, organisation=appointment.case.person.organisation,
                   action="appointment.viewed")
    return appointment


def upcoming(*, actor, cursor: str | None = None, today: date | None = None, page_size: int = 50):
    """The actor's own appointments from today on, keyset-paginated (one query per page)."""
    today = today or timezone.localdate()
    rows = _with_relations(_appointments(actor).filter(owner=actor, starts_at__gte=_day_start(today)))
    page = keyset_page(rows, ordering=("starts_at", "pk"), cursor=cursor, page_size=page_size)
    _audit_persons(actor=actor, appointments=page.items, action="appointment.listed")
    return page


def week_start(value: str | None, *, today: date | None = None) -> date:
    """The Monday of the week holding ``value`` (an ISO date); the current week for anything unreadable."""
    today = today or timezone.localdate()
    day = today
    if value:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            day = today
    if abs((day - today).days) > 5 * 366:
        day = today
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Day:
    day: date
    appointments: list
    office_hours: list

    @property
    def weekday_label(self) -> str:
        return Weekday(self.day.weekday()).label


def office_hours_on_days(hours: list[OfficeHour], days: list[date]) -> dict[date, list[OfficeHour]]:
    result: dict[date, list[OfficeHour]] = {day: [] for day in days}
    for hour in hours:
        for day in days:
            if (day.weekday() == hour.weekday and hour.valid_from <= day
                    and (hour.valid_until is None or day <= hour.valid_until)):
                result[day].append(hour)
    return result


def week(*, actor, monday: date) -> dict:
    """The actor's appointments and office hours on the seven days from ``monday`` (two queries)."""
    days = [monday + timedelta(days=offset) for offset in range(7)]
    rows = list(_with_relations(_appointments(actor).filter(
        owner=actor, starts_at__gte=_day_start(days[0]), starts_at__lt=_day_start(days[-1] + timedelta(days=1))
    )).order_by("starts_at", "pk"))
    hours = list(policy.scope(actor, OfficeHour.objects.filter(user=actor)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=days[0]), valid_from__lte=days[-1]))
    by_day: dict[date, list] = {day: [] for day in days}
    for appointment in rows:
        by_day.setdefault(timezone.localtime(appointment.starts_at).date(), []).append(appointment)
    hours_by_day = office_hours_on_days(hours, days)
    _audit_persons(actor=actor, appointments=rows, action="appointment.week_viewed")
    return {"days": [Day(day, by_day[day], hours_by_day[day]) for day in days], "monday": monday,
            "sunday": days[-1], "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
            "count": len(rows)}


def case_appointments(*, actor, case, cursor: str | None = None, page_size: int = 50):
    """All appointments of the case, newest first, keyset-paginated."""
    rows = _with_relations(_appointments(actor).filter(case=case))
    page = keyset_page(rows, ordering=("-starts_at", "-pk"), cursor=cursor, page_size=page_size)
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="appointment.listed")
    return page


def _upcoming_of_case(actor, case):
    return (_appointments(actor).filter(case=case, status=Appointment.Status.PLANNED,
                                        ends_at__gte=timezone.now())
            .select_related("owner", "interpreter_language").order_by("starts_at", "pk"))


def next_appointment(*, actor, case) -> Appointment | None:
    return _upcoming_of_case(actor, case).first()


def case_appointment_summary(*, actor, case) -> dict:
    """For the case file: the next appointment and up to five upcoming ones (one query)."""
    upcoming_rows = list(_upcoming_of_case(actor, case)[:SUMMARY_LENGTH])
    return {"next": upcoming_rows[0] if upcoming_rows else None, "upcoming": upcoming_rows}


def _kind_label(appointment: Appointment) -> str:
    return appointment.get_kind_display()


def timeline_items(*, actor, case) -> list[TimelineItem]:
    """The case's appointments for the case file's timeline (most recent 40, one query)."""
    rows = _appointments(actor).filter(case=case).only(
        "public_id", "kind", "status", "starts_at", "case_id").order_by("-starts_at", "-pk")[:40]
    return [TimelineItem(when=timezone.localtime(a.starts_at), kind="appointment",
                         label=_("Appointment: %(kind)s") % {"kind": _kind_label(a)},
                         url=reverse("appointments:appointment_detail", args=[a.public_id]),
                         detail=a.get_status_display()) for a in rows]


def _time(value: datetime) -> str:
    return formats.time_format(timezone.localtime(value), "H:i")


def _date(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def worklist_entries(*, actor, cases: list, today: date) -> list[WorklistEntry]:
    """Planned appointments of the cases today, and past planned appointments without an outcome (one query)."""
    if not cases:
        return []
    by_id = {case.pk: case for case in cases}
    rows = _appointments(actor).filter(
        case_id__in=by_id, status=Appointment.Status.PLANNED,
        starts_at__gte=_day_start(today) - OUTCOME_LOOKBACK, starts_at__lt=_day_start(today + timedelta(days=1)),
    ).only("public_id", "kind", "starts_at", "case_id").order_by("starts_at", "pk")
    entries = []
    for appointment in rows:
        case = by_id[appointment.case_id]
        day = timezone.localtime(appointment.starts_at).date()
        url = reverse("appointments:appointment_detail", args=[appointment.public_id])
        if day == today:
            entries.append(WorklistEntry(
                kind="appointment_today", due_on=day, case=case, person=case.person, url=url,
                label=_("%(kind)s at %(time)s") % {"kind": _kind_label(appointment),
                                                    "time": _time(appointment.starts_at)}))
        elif day < today:
            entries.append(WorklistEntry(
                kind="appointment_outcome", due_on=day, case=case, person=case.person, url=url,
                label=_("Record the outcome of the appointment on %(date)s") % {"date": _date(appointment.starts_at)}))
    return entries


def user_worklist_entries(*, actor, today: date) -> list[WorklistEntry]:
    """The actor's own appointments today that belong to no case (internal appointments; one query)."""
    if not policy.casework_team_ids(actor):
        return []
    rows = _appointments(actor).filter(
        owner=actor, case__isnull=True, status=Appointment.Status.PLANNED,
        starts_at__gte=_day_start(today), starts_at__lt=_day_start(today + timedelta(days=1)),
    ).only("public_id", "kind", "starts_at", "note").order_by("starts_at", "pk")
    return [WorklistEntry(kind="appointment_today", due_on=today,
                          url=reverse("appointments:appointment_detail", args=[a.public_id]),
                          label=_("%(kind)s at %(time)s") % {"kind": _kind_label(a), "time": _time(a.starts_at)}
                          + (f" – {a.note}" if a.note else ""))
            for a in rows]


# ---- office hours ----------------------------------------------------------------------------------

def office_hour_get(*, actor, public_id, action: Action = Action.VIEW) -> OfficeHour:
    return policy.get_or_404(actor, OfficeHour.objects.select_related("team", "user"), action=action,
                             public_id=public_id)


def office_hour_teams(*, actor):
    """The teams whose office hours the actor sees on the office hours page: the teams they work in."""
    from lotse.organisations.models import Team

    return Team.objects.filter(pk__in=policy.client_team_ids(actor) | policy.casework_team_ids(actor),
                               is_active=True).order_by("name")


def office_hour_schedule(*, actor, teams, today: date | None = None) -> dict:
    """Current and coming office hours of the teams by weekday, and which of them the actor may change
    (two queries)."""
    today = today or timezone.localdate()
    hours = list(policy.scope(actor, OfficeHour.objects.filter(team__in=teams)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)).select_related("user", "team")
        .order_by("weekday", "starts_at", "user__last_name", "pk"))
    changeable = policy.scope(actor, OfficeHour.objects.filter(pk__in=[hour.pk for hour in hours]), Action.CHANGE)
    may_change = set(changeable.values_list("pk", flat=True)) if hours else set()
    days = []
    for weekday, label in Weekday.choices:
        rows = [hour for hour in hours if hour.weekday == weekday]
        if rows or weekday < Weekday.SATURDAY:
            days.append({"weekday": weekday, "label": label, "hours": rows})
    return {"days": days, "may_change": may_change, "count": len(hours)}


def office_hour_list(*, actor, team=None, user=None, today: date | None = None):
    """Office hours visible to the actor (the organisation's), current and coming, for the API."""
    today = today or timezone.localdate()
    rows = policy.scope(actor, OfficeHour.objects.select_related("user", "team")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if team is not None:
        rows = rows.filter(team=team)
    if user is not None:
        rows = rows.filter(user=user)
    return rows.order_by("weekday", "starts_at", "pk")


def staff_choices(*, actor, teams):
    """Counsellors and team leads of the teams: who can hold an appointment."""
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Role

    members = Membership.objects.filter(team__in=teams, is_active=True, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD])
    return policy.scope(actor, User.objects.filter(is_active=True, pk__in=members.values("user_id"))).order_by(
        "last_name", "first_name", "username")


def appointment_teams(*, actor):
    from lotse.organisations.models import Team

    return Team.objects.filter(pk__in=policy.casework_team_ids(actor), is_active=True).order_by("name")


def appointment_range(*, actor, starts: date, ends: date, limit: int = 500) -> list[Appointment]:
    """The actor's own appointments from ``starts`` to ``ends`` (inclusive), for the API."""
    rows = list(_with_relations(_appointments(actor).filter(
        owner=actor, starts_at__gte=_day_start(starts), starts_at__lt=_day_start(ends + timedelta(days=1))))
        .order_by("starts_at", "pk")[:limit])
    _audit_persons(actor=actor, appointments=rows, action="appointment.listed")
    return rows


# ---- calendar feed ---------------------------------------------------------------------------------

def calendar_feed_of(*, actor) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=actor).first()


def feed_contents(*, feed: CalendarFeed) -> dict:
    """What the feed of ``feed.user`` shows: their planned and held appointments around today and their
    office hours. Read through the policy as that user, so a user who lost access gets an empty feed."""
    user = feed.user
    now = timezone.now()
    appointments = list(policy.scope(user, Appointment.objects.filter(owner=user)).filter(
        starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD).exclude(
        status=Appointment.Status.CANCELLED).select_related(
        *(("case__person",) if feed.include_initials else ())).order_by("starts_at", "pk")[:FEED_LIMIT])
    hours = list(policy.scope(user, OfficeHour.objects.filter(user=user, team_id__in=policy.client_team_ids(user)
                                                              | policy.casework_team_ids(user))).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())).order_by("weekday", "starts_at"))
    return {"appointments": appointments, "office_hours": hours}
