"""Reads of the interpreter and volunteer pools: the pool list, interpreters for an appointment, a case's
volunteers for the case file and the helper map, and what a volunteer's personal link shows."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.appointments.models import Appointment
from lotse.audit.services import audit_read, audit_read_many
from lotse.cases.casework import HelperMapEntry, read_once
from lotse.codelists.models import Code
from lotse.core.pagination import keyset_page
from lotse.pools.models import (
    INTERPRETER_KINDS,
    VOLUNTEER_KINDS,
    PoolKind,
    PoolMember,
    PoolMemberLanguage,
    VolunteerAssignment,
)
from lotse.pools.services import interpreter_conflicts, pool_organisation_ids

SEARCH_LIMIT = 100
SECTION_LENGTH = 20
VIEW_LENGTH = 20

STATUS_ACTIVE, STATUS_INACTIVE, STATUS_ALL = "aktiv", "inaktiv", "alle"


def _members(actor, action: Action = Action.VIEW):
    return policy.scope(actor, PoolMember.objects.all(), action)


def _with_languages(queryset):
    return queryset.prefetch_related(Prefetch(
        "language_rows", queryset=PoolMemberLanguage.objects.select_related("language").order_by("id")))


def may_use_pool(actor) -> bool:
    return bool(pool_organisation_ids(actor))


def pool_organisations(*, actor):
    """The organisations whose pool the actor keeps."""
    from lotse.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=pool_organisation_ids(actor), is_active=True).order_by("name")


def language_code(value) -> Code | None:
    """A language of the official list by its code, or None (unknown codes are simply not found)."""
    if not value or not isinstance(value, str):
        return None
    return Code.objects.filter(code_list__slug="language", code=value[:64]).first()


def pool_member_list(*, actor, kind: str = "", language: Code | None = None, status: str = STATUS_ACTIVE,
                     cursor: str | None = None, page_size: int = 50):
    """The pool members the actor sees, filtered, keyset-paginated by name (two queries per page)."""
    rows = _with_languages(_members(actor).select_related("organisation"))
    if kind == PoolKind.INTERPRETER:
        rows = rows.filter(kind__in=INTERPRETER_KINDS)
    elif kind == PoolKind.VOLUNTEER:
        rows = rows.filter(kind__in=VOLUNTEER_KINDS)
    if language is not None:
        rows = rows.filter(language_rows__language=language)
    if status == STATUS_ACTIVE:
        rows = rows.filter(is_active=True)
    elif status == STATUS_INACTIVE:
        rows = rows.filter(is_active=False)
    page = keyset_page(rows, ordering=("name", "pk"), cursor=cursor, page_size=page_size)
    if page.items:
        audit_read_many(actor=actor, objects=page.items, object_type="pools.poolmember",
                        action="pool_member.listed")
    return page


def pool_member_get(*, actor, public_id, action: Action = Action.VIEW) -> PoolMember:
    members = _with_languages(PoolMember.objects.select_related("organisation", "partner"))
    return policy.get_or_404(actor, members, action=action, public_id=public_id)


def pool_member_detail(*, actor, member: PoolMember) -> PoolMember:
    audit_read(actor=actor, obj=member, organisation=member.organisation_id, action="pool_member.viewed")
    return member


def interpreters_for(*, actor, language: Code | None, organisation):
    """Active interpreters of the organisation who signed the confidentiality agreement, speaking ``language``
    (all languages when None), by name."""
    rows = _with_languages(_members(actor)).filter(
        organisation=organisation, is_active=True, kind__in=INTERPRETER_KINDS,
        confidentiality_signed_on__lte=timezone.localdate())
    if language is not None:
        rows = rows.filter(language_rows__language=language)
    return rows.order_by("name", "pk")


def interpreter_search(*, actor, appointment: Appointment, language: Code | None) -> dict:
    """Interpreters for the appointment, each marked ``busy`` when already booked at an overlapping time
    (three queries, however large the pool)."""
    organisation_id = appointment.team.organisation_id
    candidates = list(interpreters_for(actor=actor, language=language, organisation=organisation_id)
                      [:SEARCH_LIMIT + 1])
    more = len(candidates) > SEARCH_LIMIT
    candidates = candidates[:SEARCH_LIMIT]
    busy = set()
    if candidates:
        busy = interpreter_conflicts(member_ids=[member.pk for member in candidates],
                                     starts_at=appointment.starts_at, ends_at=appointment.ends_at,
                                     exclude_pk=appointment.pk)
    for member in candidates:
        member.busy = member.pk in busy
        member.booked_here = member.pk == appointment.interpreter_id
    if candidates:
        audit_read_many(actor=actor, objects=candidates, object_type="pools.poolmember",
                        action="pool_member.interpreter_search")
    if appointment.case_id is not None:
        person = appointment.case.person
        audit_read(actor=actor, obj=person, organisation=person.organisation_id,
                   action="appointment.interpreter_search")
    bookable = appointment.status == Appointment.Status.PLANNED and appointment.ends_at > timezone.now()
    return {"candidates": candidates, "more": more, "language": language, "bookable": bookable}


def booked_interpreter(*, actor, appointment: Appointment) -> PoolMember | None:
    if appointment.interpreter_id is None:
        return None
    return _with_languages(_members(actor)).filter(pk=appointment.interpreter_id).first()


# ---- volunteers in a case --------------------------------------------------------------------------

def volunteer_choices(*, actor, case):
    """Volunteers of the case's organisation who can be assigned (active, confidentiality agreement
    signed)."""
    return _members(actor).filter(organisation_id=case.person.organisation_id, is_active=True,
                                  kind__in=VOLUNTEER_KINDS,
                                  confidentiality_signed_on__lte=timezone.localdate()).order_by("name", "pk")


def assignment_get(*, actor, public_id, action: Action = Action.VIEW) -> VolunteerAssignment:
    return policy.get_or_404(actor, VolunteerAssignment.objects.select_related(
        "case__person__organisation", "case__team", "member__partner", "token_created_by"),
        action=action, public_id=public_id)


def _assignments_of_case(actor, case) -> list[VolunteerAssignment]:
    """Every volunteer assignment of the case: the case file's section and helper map (one query; a family has a
    few volunteers)."""
    return read_once(actor=actor, case=case, area="volunteers", load=lambda: list(
        policy.scope(actor, VolunteerAssignment.objects.filter(case=case)).select_related("member")
        .order_by("since", "pk")))


def case_volunteer_summary(*, actor, case) -> dict:
    """For the case file: the case's volunteers, current ones first, then by the latest start."""
    rows = sorted(_assignments_of_case(actor, case),
                  key=lambda row: (row.until is not None, -(row.until or date.min).toordinal(),
                                   -row.since.toordinal(), -row.pk))[:SECTION_LENGTH]
    today = timezone.localdate()
    for row in rows:
        row.link_valid = bool(row.token_prefix) and row.token_expires_on is not None \
            and row.token_expires_on >= today
    return {"active": [row for row in rows if row.until is None], "ended": [row for row in rows if row.until],
            "may_change": case.status == case.Status.OPEN}


def helper_map_entries(*, actor, case) -> list[HelperMapEntry]:
    """The case's current volunteers and the interpreters booked for its appointments (two queries)."""
    entries = []
    for assignment in (row for row in _assignments_of_case(actor, case) if row.until is None):
        member = assignment.member
        entries.append(HelperMapEntry(
            name=member.name, role=_("Volunteer: %(purpose)s") % {"purpose": assignment.purpose},
            source="pools",
            since=assignment.since, last_contact=timezone.localtime(assignment.last_viewed_at).date()
            if assignment.last_viewed_at else None,
            url=reverse("pools:pool_member_edit", args=[member.public_id]), partner_id=member.partner_id))
    now = timezone.now()
    booked = (policy.scope(actor, Appointment.objects.filter(case=case, interpreter__isnull=False))
              .exclude(status=Appointment.Status.CANCELLED).order_by().values("interpreter_id")
              .annotate(first=Min("starts_at"), last=Max("starts_at", filter=Q(starts_at__lte=now))))
    booked = {row["interpreter_id"]: row for row in booked}
    if booked:
        for member in _members(actor).filter(pk__in=booked).order_by("name", "pk"):
            row = booked[member.pk]
            entries.append(HelperMapEntry(
                name=member.name, role=_("Language mediation"), source="pools",
                since=timezone.localtime(row["first"]).date(),
                last_contact=timezone.localtime(row["last"]).date() if row["last"] else None,
                url=reverse("pools:pool_member_edit", args=[member.public_id]), partner_id=member.partner_id))
    return entries


# ---- what a volunteer's link shows -----------------------------------------------------------------

def volunteer_information(*, assignment: VolunteerAssignment, categories: list[str], today: date | None = None
                          ) -> dict:
    """Exactly the released categories of the client of ``assignment`` — nothing else is read.

    Read through the policy as the counsellor who issued the link (``volunteer_link_authenticate`` made sure
    they still have access): master data → name, phone and preferred language; family → first names of the
    household; case → open steps and tasks of the client or the volunteer, and the coming appointments."""
    from lotse.cases.models import Responsible, Task
    from lotse.people.models import Person
    from lotse.planning.models import OPEN_GOAL_STATUSES, OPEN_STEP_STATUSES, Step

    issuer = assignment.token_created_by
    case, person = assignment.case, assignment.case.person
    partner_id = assignment.member.partner_id
    today = today or timezone.localdate()
    result: dict = {"categories": categories}
    if "master_data" in categories:
        language = person.preferred_language
        result["master_data"] = {"name": person.display_name, "phone": person.phone,
                                 "language": language.label if language else ""}
    if "family" in categories:
        household = person.household_memberships.filter(until__isnull=True).values("household_id")
        relatives = (policy.scope(issuer, Person.objects.all())
                     .filter(household_memberships__household_id__in=household,
                             household_memberships__until__isnull=True)
                     .exclude(pk=person.pk).order_by("birth_date", "given_names", "pk")
                     .values_list("given_names", flat=True)[:VIEW_LENGTH])
        result["family"] = [(names.split() or ["–"])[0] for names in relatives]
    if "case" in categories:
        mine = Q(responsible=Responsible.CLIENT) | Q(responsible=Responsible.PARTNER,
                                                     responsible_partner_id=partner_id)
        steps = (policy.scope(issuer, Step.objects.all())
                 .filter(mine, goal__plan__case=case, status__in=OPEN_STEP_STATUSES,
                         goal__status__in=OPEN_GOAL_STATUSES)
                 .order_by("due_on", "pk").values("description", "due_on", "responsible")[:VIEW_LENGTH])
        tasks = (policy.scope(issuer, Task.objects.all()).filter(mine, case=case, status=Task.Status.OPEN)
                 .order_by("due_on", "pk").values("title", "due_on", "responsible")[:VIEW_LENGTH])
        todo = [{"what": row["description"], "due_on": row["due_on"], "yours": row["responsible"] != "client"}
                for row in steps]
        todo += [{"what": row["title"], "due_on": row["due_on"], "yours": row["responsible"] != "client"}
                 for row in tasks]
        todo.sort(key=lambda row: (row["due_on"], row["what"]))
        result["todo"] = todo
        result["appointments"] = list(
            policy.scope(issuer, Appointment.objects.all())
            .filter(case=case, status=Appointment.Status.PLANNED, ends_at__gte=timezone.now())
            .only("starts_at", "ends_at", "kind", "location", "room")
            .order_by("starts_at", "pk")[:VIEW_LENGTH])
    return result
