"""Reads of cases: lists, the case file at a glance, the worklist "Heute / Überfällig"."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read, audit_read_many
from lotse.cases.casework import TimelineItem, WorklistEntry, shared_reads
from lotse.cases.models import Case, CaseMember, Closure, Phase, PhaseChange, Task
from lotse.cases.services import team_capacity, team_open_cases
from lotse.core.pagination import keyset_page
from lotse.documents import texts
from lotse.organisations.programme_settings import programme_settings

# Each area contributes entries for the cases on the worklist: (actor, cases, today) -> list[WorklistEntry].
WORKLIST_SOURCES = (
    "lotse.contacts.selectors.worklist_entries",
    "lotse.planning.selectors.worklist_entries",
    "lotse.appointments.selectors.worklist_entries",
    "lotse.referrals.selectors.worklist_entries",
)
# Entries that belong to the user rather than to a case: (actor, today) -> list[WorklistEntry].
USER_WORKLIST_SOURCES = (
    "lotse.appointments.selectors.user_worklist_entries",
    "lotse.cooperation.selectors.user_worklist_entries",
)
TIMELINE_SOURCES = (
    "lotse.contacts.selectors.timeline_items",
    "lotse.planning.selectors.timeline_items",
    "lotse.appointments.selectors.timeline_items",
    "lotse.referrals.selectors.timeline_items",
    "lotse.conferences.selectors.timeline_items",
    "lotse.partnerreports.selectors.timeline_items",
)
# Sections of the case file contributed by the network areas: (template, selector (actor, case) -> context).
CASE_FILE_SECTIONS = (
    ("referrals/_case_section.html", "lotse.referrals.selectors.case_referral_summary"),
    ("conferences/_case_section.html", "lotse.conferences.selectors.case_conference_summary"),
    ("helpermap/_case_section.html", "lotse.helpermap.selectors.case_helper_summary"),
    ("pools/_case_section.html", "lotse.pools.selectors.case_volunteer_summary"),
)
TIMELINE_LENGTH = 40


def _cases(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Case.objects.all(), action)


def cases_of(*, actor, person):
    return _cases(actor).select_related("offering", "team").filter(person=person)


def case_get(*, actor, public_id, action: Action = Action.VIEW) -> Case:
    return policy.get_or_404(actor, Case.objects.select_related("person__preferred_language", "person__organisation",
                                                                "team", "offering", "owner", "deputy"),
                             action=action, public_id=public_id)


def task_get(*, actor, public_id, action: Action = Action.VIEW) -> Task:
    return policy.get_or_404(actor, Task.objects.select_related("case__person", "case__team"), action=action,
                             public_id=public_id)


def closure_get(*, actor, public_id, action: Action = Action.VIEW) -> Closure:
    return policy.get_or_404(actor, Closure.objects.select_related("case__person", "case__team"), action=action,
                             public_id=public_id)


def case_list_queryset(*, actor, mine: bool = True, status: str = Case.Status.OPEN):
    """The actor's cases (owner or deputy) or all cases of their teams, in one status: the case list and its
    export."""
    cases = _cases(actor).select_related("person", "offering", "owner")
    if mine:
        cases = cases.filter(Q(owner=actor) | Q(deputy=actor))
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    return cases


def case_list(*, actor, mine: bool = True, status: str = Case.Status.OPEN, cursor: str | None = None):
    """The case list, keyset-paginated; the persons shown are audited."""
    cases = case_list_queryset(actor=actor, mine=mine, status=status)
    page = keyset_page(cases, ordering=("-requested_on", "-pk"), cursor=cursor)
    audit_read_many(actor=actor, objects=[case.person for case in page.items], object_type="people.person",
                    action="case.listed")
    return page


def waiting_list(*, actor, team) -> dict:
    """The team's queue in the order cases are admitted: priority first, then the date of the request."""
    queue = list(_cases(actor).select_related("person", "offering").filter(
        team=team, status=Case.Status.WAITING).order_by("-priority", "requested_on", "id"))
    audit_read_many(actor=actor, objects=[case.person for case in queue], object_type="people.person",
                    action="case.waiting_list_viewed", organisation=team.organisation)
    return {"queue": queue, "capacity": team_capacity(team), "open": team_open_cases(team)}


def case_staff_choices(*, actor, case: Case):
    """Counsellors and team leads of the case's team: who can own or deputise the case."""
    from lotse.accounts.models import User
    from lotse.organisations.models import Membership, Role

    members = Membership.objects.filter(team=case.team, is_active=True, role__in=[Role.COUNSELLOR, Role.TEAM_LEAD])
    return policy.scope(actor, User.objects.filter(is_active=True, pk__in=members.values("user_id"))).order_by(
        "last_name", "first_name", "username")


def member_candidates(*, actor, case: Case):
    """Persons of the case's household(s) and team who could be counselled together with the main client."""
    from lotse.people.models import HouseholdMember, Person

    households = HouseholdMember.objects.filter(person=case.person).values("household_id")
    active = case.members.filter(until__isnull=True).values("person_id")
    return (policy.scope(actor, Person.objects.all())
            .filter(team=case.team, household_memberships__household_id__in=households)
            .exclude(pk=case.person_id).exclude(pk__in=active).distinct().order_by("family_name", "given_names"))


def _time_limit_warning(case: Case, today: date) -> dict | None:
    if case.time_limit_on is None or case.status != Case.Status.OPEN:
        return None
    settings = programme_settings(case.offering)
    days = (case.time_limit_on - today).days
    if days > settings.time_limit_warning_days:
        return None
    return {"date": case.time_limit_on, "days": days, "reached": days < 0}


def case_file(*, actor, case: Case, today: date | None = None) -> dict:
    """Everything about the case at a glance, each area in a fixed number of queries: its summary, timeline
    and helper-map entries share one read of the area's rows (:func:`~lotse.cases.casework.read_once`)."""
    from lotse.appointments.selectors import case_appointment_summary
    from lotse.consent.selectors import consents_for, releases_for
    from lotse.contacts.selectors import case_contact_summary
    from lotse.planning.selectors import case_planning_summary

    today = today or timezone.localdate()
    with shared_reads(case):
        members = list(case.members.filter(until__isnull=True).select_related("person"))
        tasks = list(policy.scope(actor, Task.objects.filter(case=case, status=Task.Status.OPEN))
                     .select_related("responsible_partner", "responsible_user").order_by("due_on", "id"))
        phases = list(PhaseChange.objects.filter(case=case).select_related("changed_by")
                      .order_by("-changed_on", "-id"))
        closures = list(Closure.objects.filter(case=case).select_related("handed_over_to", "closed_by"))
        consents = list(consents_for(actor=actor, person=case.person))
        releases = list(releases_for(actor=actor, person=case.person).select_related("recipient"))
        context = {
            "case": case,
            "members": members,
            "tasks": tasks,
            "phases": phases,
            "closures": closures,
            "consents": consents,
            "releases": releases,
            "time_limit": _time_limit_warning(case, today),
            "contacts_summary": case_contact_summary(actor=actor, case=case),
            "planning_summary": case_planning_summary(actor=actor, case=case),
            "appointments_summary": case_appointment_summary(actor=actor, case=case),
            "timeline": case_timeline(actor=actor, case=case, phases=phases),
            "sections": [(template, import_string(source)(actor=actor, case=case))
                         for template, source in CASE_FILE_SECTIONS],
            "today": today,
            "document_language": texts.language_for(case.person),
            "document_language_name": texts.language(texts.language_for(case.person)).name,
            "document_languages": [texts.language(code) for code in texts.LANGUAGES],
        }
    audit_read(actor=actor, obj=case.person, organisation=case.person.organisation, action="case.viewed")
    return context


def case_timeline(*, actor, case: Case, phases: list[PhaseChange]) -> list[TimelineItem]:
    items = [TimelineItem(when=change.changed_on, kind="phase",
                          label=_("Phase: %(phase)s") % {"phase": Phase(change.to_phase).label},
                          detail=change.note) for change in phases]
    for source in TIMELINE_SOURCES:
        items.extend(import_string(source)(actor=actor, case=case))
    items.sort(key=lambda item: item.sort_key, reverse=True)
    return items[:TIMELINE_LENGTH]


# ---- worklist ------------------------------------------------------------------------------------

def worklist_cases(*, actor, mine: bool = True) -> list[Case]:
    cases = _cases(actor).filter(status=Case.Status.OPEN).select_related("person", "offering", "team")
    if mine:
        cases = cases.filter(Q(owner=actor) | Q(deputy=actor))
    return list(cases.order_by("pk"))


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:case_detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _case_entries(*, actor, cases: list[Case], today: date) -> list[WorklistEntry]:
    """Tasks, programme time limits and (SIM) the move of responsibility after years in the own flat."""
    entries = []
    by_id = {case.pk: case for case in cases}
    horizon = today + timedelta(days=7)
    tasks = policy.scope(actor, Task.objects.filter(case_id__in=by_id, status=Task.Status.OPEN,
                                                    due_on__lte=horizon)).order_by("due_on", "id")
    for task in tasks:
        case = by_id[task.case_id]
        entries.append(WorklistEntry(kind="task_due", label=task.title, due_on=task.due_on, case=case,
                                     person=case.person, url=_case_url(case, "tasks")))
    for case in cases:
        settings = programme_settings(case.offering)
        if case.time_limit_on and case.time_limit_on - timedelta(days=settings.time_limit_warning_days) <= today:
            entries.append(WorklistEntry(kind="time_limit", label=_("Programme time limit"), due_on=case.time_limit_on,
                                         case=case, person=case.person, url=_case_url(case, "close")))
        handover = settings.handover_due(case.own_flat_since)
        if handover and handover - timedelta(days=settings.time_limit_warning_days) <= today:
            entries.append(WorklistEntry(
                kind="handover", label=_("Responsibility should move to the general social service"),
                due_on=handover, case=case, person=case.person, url=_case_url(case, "close")))
    return entries


def _follow_up_entries(*, actor, mine: bool, today: date) -> list[WorklistEntry]:
    closures = policy.scope(actor, Closure.objects.filter(
        follow_up_on__lte=today, follow_up_done_on__isnull=True, reopened_on__isnull=True,
        case__status=Case.Status.CLOSED)).select_related("case__person", "case__offering")
    if mine:
        closures = closures.filter(Q(case__owner=actor) | Q(case__deputy=actor))
    return [WorklistEntry(kind="follow_up", label=_("Sustainability check after closure"), due_on=closure.follow_up_on,
                          case=closure.case, person=closure.case.person,
                          url=reverse("cases:follow_up", args=[closure.public_id]))
            for closure in closures.order_by("follow_up_on", "id")[:200]]


def _person_entries(*, actor, cases: list[Case], today: date) -> list[WorklistEntry]:
    """Releases from confidentiality and residence documents of the case's persons that run out soon."""
    from lotse.consent.models import Release
    from lotse.people.models import ResidenceStatus

    if not cases:
        return []
    window = max(programme_settings(case.offering).expiry_warning_days for case in cases)
    by_id = {case.pk: case for case in cases}
    person_case: dict[int, Case] = {case.person_id: case for case in cases}
    for person_id, case_id in CaseMember.objects.filter(case__in=cases, until__isnull=True).values_list(
            "person_id", "case_id"):
        person_case.setdefault(person_id, by_id[case_id])
    entries = []
    releases = policy.scope(actor, Release.objects.filter(
        person_id__in=person_case, revoked_on__isnull=True, valid_until__gte=today - timedelta(days=30),
        valid_until__lte=today + timedelta(days=window))).exclude(Exists(Release.objects.filter(
            person=OuterRef("person"), recipient=OuterRef("recipient"), revoked_on__isnull=True,
            valid_until__gt=OuterRef("valid_until")))).select_related("recipient", "person")
    for release in releases.order_by("valid_until", "id"):
        case = person_case[release.person_id]
        entries.append(WorklistEntry(
            kind="release_expiring", label=_("Release for %(recipient)s runs out") % {"recipient": release.recipient.name},
            due_on=release.valid_until, case=case, person=release.person,
            url=reverse("consent:person_consents", args=[release.person.public_id])))
    statuses = policy.scope(actor, ResidenceStatus.objects.filter(
        person_id__in=person_case, valid_until__gte=today - timedelta(days=30),
        valid_until__lte=today + timedelta(days=max(window, 90)))).exclude(Exists(ResidenceStatus.objects.filter(
            person=OuterRef("person"), valid_from__gt=OuterRef("valid_from")))).select_related("person", "status_type")
    for status in statuses.order_by("valid_until", "id"):
        case = person_case[status.person_id]
        entries.append(WorklistEntry(
            kind="residence_expiring",
            label=_("Residence document runs out: %(status)s") % {"status": status.status_type},
            due_on=status.valid_until, case=case, person=status.person,
            url=reverse("people:person_detail", args=[status.person.public_id]) + "#residence-heading"))
    return entries


SECTIONS = ("overdue", "today", "soon")


def worklist(*, actor, mine: bool = True, today: date | None = None, audit: bool = True) -> dict:
    """The worklist "Heute / Überfällig": every entry with the place where it is resolved.

    The start page asks only for the counts (``audit=False``): no person is shown there."""
    today = today or timezone.localdate()
    cases = worklist_cases(actor=actor, mine=mine)
    entries = _case_entries(actor=actor, cases=cases, today=today)
    entries += _person_entries(actor=actor, cases=cases, today=today)
    entries += _follow_up_entries(actor=actor, mine=mine, today=today)
    for source in WORKLIST_SOURCES:
        entries += import_string(source)(actor=actor, cases=cases, today=today)
    for source in USER_WORKLIST_SOURCES:
        entries += import_string(source)(actor=actor, today=today)
    entries.sort(key=lambda entry: (entry.due_on, entry.kind, str(entry.person or "")))
    sections = {name: [entry for entry in entries if entry.section(today) == name] for name in SECTIONS}
    persons = {entry.person.pk: entry.person for entry in entries if entry.person is not None}
    if persons and audit:
        audit_read_many(actor=actor, objects=list(persons.values()), object_type="people.person",
                        action="worklist.viewed")
    return {"sections": sections, "counts": {name: len(items) for name, items in sections.items()},
            "case_count": len(cases), "today": today}


def worklist_counts(*, actor, today: date | None = None) -> dict:
    return worklist(actor=actor, today=today, audit=False)["counts"]
