"""Cases: opening within the team's capacity (else the waiting list), owner and deputy, phases, family
members counselled together, tasks, closure with evaluation, hand-over, reopening and follow-up."""

from math import floor

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.models import (
    Case,
    CaseMember,
    Closure,
    ClosureReason,
    Indicator,
    IndicatorValue,
    Phase,
    PhaseChange,
    Task,
)
from lotse.core.versioning import bump, ensure_current
from lotse.organisations.models import Role, Team
from lotse.organisations.programme_settings import programme_settings
from lotse.privacy.guards import ensure_not_restricted


def team_capacity(team: Team) -> int | None:
    """How many open cases the team can carry; None means no limit is configured."""
    if not team.cases_per_post:
        return None
    return floor(float(team.full_time_posts) * team.cases_per_post)


def team_open_cases(team: Team) -> int:
    return Case.objects.filter(team=team, status=Case.Status.OPEN).count()


def _open(case: Case, *, actor, today) -> None:
    """Start the programme clock: clearing phase, time limit from the programme's settings."""
    case.status = Case.Status.OPEN
    case.opened_on = today
    case.phase = Phase.CLEARING
    case.phase_since = today
    case.time_limit_on = programme_settings(case.offering).time_limit_from(today)
    case.save(update_fields=["status", "opened_on", "phase", "phase_since", "time_limit_on"])
    PhaseChange.objects.create(case=case, from_phase="", to_phase=Phase.CLEARING, changed_on=today,
                               changed_by=actor)


@transaction.atomic
def case_request(*, actor, person, offering, priority: int = Case.Priority.NORMAL) -> Case:
    """Open a case for the person in the programme, or queue it when the team is at capacity."""
    team = Team.objects.select_for_update().get(pk=person.team_id)
    if team.pk not in policy.client_team_ids(actor):
        policy.deny(actor, "case.request")
    ensure_not_restricted(person)
    if not team.offerings.filter(pk=offering.pk, is_active=True).exists():
        raise ValidationError({"offering": _("The team does not run this programme.")})
    if priority not in Case.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if Case.objects.filter(person=person, offering=offering, status__in=[Case.Status.WAITING, Case.Status.OPEN]).exists():
        raise ValidationError({"offering": _("The person already has an open or waiting case in this programme.")})
    capacity = team_capacity(team)
    today = timezone.localdate()
    full = capacity is not None and team_open_cases(team) >= capacity
    owner = actor if policy.works_in_team(actor, team) else None
    case = Case.objects.create(
        person=person, team=team, offering=offering, priority=priority, requested_on=today,
        status=Case.Status.WAITING if full else Case.Status.OPEN, owner=owner, created_by=actor)
    if not full:
        _open(case, actor=actor, today=today)
    audit_record(actor=actor, action="case.waiting" if full else "case.opened", category=Category.WRITE, obj=person,
                 organisation=person.organisation, details={"case": str(case.public_id), "programme": offering.programme})
    return case


@transaction.atomic
def case_admit(*, actor, case: Case) -> Case:
    """Take a case from the waiting list (team lead); refused while the team is full."""
    team = Team.objects.select_for_update().get(pk=case.team_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.WAITING:
        raise ValidationError(_("This case is not on the waiting list."))
    capacity = team_capacity(team)
    if capacity is not None and team_open_cases(team) >= capacity:
        raise ValidationError(_("The team is at capacity (%(capacity)d cases). Close a case or raise the capacity "
                                "first.") % {"capacity": capacity})
    _open(case, actor=actor, today=timezone.localdate())
    audit_record(actor=actor, action="case.admitted", category=Category.WRITE, obj=case.person,
                 organisation=case.person.organisation, details={"case": str(case.public_id)})
    return case


TASK_TITLE_MAX = 500


def _task_values(*, case: Case, title: str, responsible: str, responsible_partner, responsible_user,
                 due_on) -> dict:
    from lotse.cases.models import Responsible

    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Please say what is to be done.")
    elif len(title) > TASK_TITLE_MAX:
        errors["title"] = _("Please use at most %(max)d characters.") % {"max": TASK_TITLE_MAX}
    if responsible not in Responsible.values:
        errors["responsible"] = _("Please say who is responsible: the client, the counsellor or a partner.")
    elif responsible == Responsible.PARTNER and responsible_partner is None:
        errors["responsible_partner"] = _("Please choose the partner who is responsible.")
    if responsible_partner is not None and responsible_partner.organisation_id != case.team.organisation_id:
        errors["responsible_partner"] = _("Please choose a partner of your organisation.")
    if due_on is None:
        errors["due_on"] = _("Please enter by when it is to be done.")
    if errors:
        raise ValidationError(errors)
    if responsible != Responsible.PARTNER:
        responsible_partner = None
    if responsible == Responsible.COUNSELLOR and responsible_user is None:
        responsible_user = case.owner
    return {"title": title, "responsible": responsible, "responsible_partner": responsible_partner,
            "responsible_user": responsible_user if responsible == Responsible.COUNSELLOR else None,
            "due_on": due_on}


def task_create(*, actor, case: Case, title: str, responsible: str, due_on, responsible_partner=None,
                responsible_user=None, source: str = "manual", contact=None) -> "Task":
    """A task in the case ("wer macht was bis wann"). Runs inside the caller's transaction when there is
    one (a contact with agreements), else in its own."""
    from lotse.cases.casework import case_for_work
    from lotse.cases.models import Task

    with transaction.atomic():
        case = case_for_work(actor=actor, case=case)
        if source not in Task.Source.values:
            raise ValidationError(_("Unknown source of the task."))
        values = _task_values(case=case, title=title, responsible=responsible,
                              responsible_partner=responsible_partner, responsible_user=responsible_user,
                              due_on=due_on)
        earliest = timezone.localtime(contact.occurred_at).date() if contact is not None else timezone.localdate()
        if values["due_on"] < earliest:
            raise ValidationError({"due_on": _("The date by when it is to be done lies in the past.")})
        task = Task.objects.create(case=case, source=source, contact=contact, created_by=actor, **values)
        audit_record(actor=actor, action="task.created", category=Category.WRITE, obj=case.person,
                     organisation=case.person.organisation,
                     details={"case": str(case.public_id), "task": str(task.public_id), "source": source})
    return task


def _staff_of(team: Team, user, field: str) -> None:
    if user is not None and not policy.works_in_team(user, team):
        raise ValidationError({field: _("Please choose a counsellor or the team lead of the case's team.")})


@transaction.atomic
def case_update(*, actor, case: Case, version: int, owner, deputy, priority: int, own_flat_since=None) -> Case:
    """Case owner, deputy, priority and (SIM) the date the client moved into their own flat."""
    from lotse.cases.casework import case_for_work

    locked = case_for_work(actor=actor, case=case, allow_closed=True)
    ensure_current(locked, version)
    _staff_of(locked.team, owner, "owner")
    _staff_of(locked.team, deputy, "deputy")
    if owner is not None and deputy is not None and owner.pk == deputy.pk:
        raise ValidationError({"deputy": _("The deputy must be someone other than the case owner.")})
    if priority not in Case.Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if own_flat_since is not None and own_flat_since > timezone.localdate():
        raise ValidationError({"own_flat_since": _("The date lies in the future.")})
    values = {"owner_id": owner.pk if owner else None, "deputy_id": deputy.pk if deputy else None,
              "priority": priority, "own_flat_since": own_flat_since}
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, values[name])
        bump(locked, fields=[name.removesuffix("_id") for name in changed])
        audit_record(actor=actor, action="case.updated", category=Category.WRITE, obj=locked.person,
                     organisation=locked.person.organisation,
                     details={"case": str(locked.public_id), "fields": sorted(n.removesuffix("_id") for n in changed)})
    return locked


@transaction.atomic
def case_phase_change(*, actor, case: Case, version: int, phase: str, on, note: str = "") -> Case:
    """Move the case to another phase; closing has its own service (evaluation, open items)."""
    from lotse.cases.casework import case_for_work

    locked = case_for_work(actor=actor, case=case)
    ensure_current(locked, version)
    if phase not in Phase.values or phase == Phase.CLOSED:
        raise ValidationError({"phase": _("Please choose a phase. To close the case use “Close case”.")})
    if phase == locked.phase:
        raise ValidationError({"phase": _("The case is already in this phase.")})
    today = timezone.localdate()
    if on is None or on > today:
        raise ValidationError({"on": _("The date of the change must not lie in the future.")})
    earliest = locked.phase_since or locked.opened_on
    if earliest is not None and on < earliest:
        raise ValidationError({"on": _("The date lies before the start of the current phase (%(date)s).")
                               % {"date": earliest.strftime("%d.%m.%Y")}})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Please use at most %(max)d characters.") % {"max": 500}})
    PhaseChange.objects.create(case=locked, from_phase=locked.phase, to_phase=phase, changed_on=on, note=note,
                               changed_by=actor)
    previous = locked.phase
    locked.phase, locked.phase_since = phase, on
    bump(locked, fields=["phase", "phase_since"])
    audit_record(actor=actor, action="case.phase_changed", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation,
                 details={"case": str(locked.public_id), "from": previous, "to": phase})
    return locked


@transaction.atomic
def case_member_add(*, actor, case: Case, person) -> CaseMember:
    """A family member counselled together with the main client."""
    from lotse.cases.casework import case_for_work

    locked = case_for_work(actor=actor, case=case)
    if person.pk == locked.person_id:
        raise ValidationError({"person": _("This is the main client of the case.")})
    if person.team_id != locked.team_id or person.merged_into_id is not None:
        raise ValidationError({"person": _("Please choose a person of the case's team.")})
    ensure_not_restricted(person)
    if locked.members.filter(person=person, until__isnull=True).exists():
        raise ValidationError({"person": _("This person is already counselled in the case.")})
    member = CaseMember.objects.create(case=locked, person=person, since=timezone.localdate())
    audit_record(actor=actor, action="case.member_added", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation,
                 details={"case": str(locked.public_id), "member": str(person.public_id)})
    return member


@transaction.atomic
def case_member_end(*, actor, case: Case, member: CaseMember) -> CaseMember:
    from lotse.cases.casework import case_for_work

    locked = case_for_work(actor=actor, case=case)
    member = CaseMember.objects.select_for_update().filter(pk=member.pk, case=locked, until__isnull=True).first()
    if member is None:
        raise ValidationError(_("This person is no longer counselled in the case."))
    member.until = timezone.localdate()
    member.save(update_fields=["until"])
    audit_record(actor=actor, action="case.member_ended", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation,
                 details={"case": str(locked.public_id), "member": str(member.person.public_id)})
    return member


@transaction.atomic
def task_set_status(*, actor, task: Task, status: str, version: int) -> Task:
    """Mark a task done or discarded, or open it again."""
    from lotse.cases.casework import case_for_work

    case_for_work(actor=actor, case=task.case)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    ensure_current(locked, version)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == locked.status:
        return locked
    locked.status = status
    locked.done_on = timezone.localdate() if status == Task.Status.DONE else None
    bump(locked, fields=["status", "done_on"])
    audit_record(actor=actor, action="task.status_changed", category=Category.WRITE, obj=task.case.person,
                 organisation=task.case.person.organisation,
                 details={"case": str(task.case.public_id), "task": str(locked.public_id), "status": status})
    return locked


class OpenItems:
    DISCARD = "discard"
    DONE = "done"
    CHOICES = (DISCARD, DONE)


def open_items_count(case: Case) -> dict:
    from lotse.planning.selectors import plan_open_items

    items = plan_open_items(case=case)
    return {"steps": len(items["steps"]), "goals": len(items["goals"]),
            "tasks": case.tasks.filter(status=Task.Status.OPEN).count()}


def _indicators(values: dict) -> dict:
    cleaned = {}
    for code, value in (values or {}).items():
        if code not in Indicator.values:
            raise ValidationError({"indicators": _("Unknown indicator.")})
        if value not in IndicatorValue.values:
            raise ValidationError({f"indicator_{code}": _("Please choose yes, partly, no or not applicable.")})
        cleaned[code] = value
    missing = [code for code in Indicator.values if code not in cleaned]
    if missing:
        raise ValidationError({f"indicator_{code}": _("Please evaluate this indicator.") for code in missing})
    return cleaned


def case_close(*, actor, case: Case, version: int, reason: str, note: str = "", indicators: dict,
               goal_evaluations: dict | None = None, open_items: str = "", follow_up_on=None,
               handover_to=None) -> Closure:
    """Close the case with the evaluation of goals and indicators.

    Steps and tasks still open must be dealt with explicitly (``open_items``: discard or mark done); a
    hand-over passes master data and the course of the counselling to the recipient and so needs a
    release for that recipient — checked (and recorded) before the closing transaction.
    """
    if reason == ClosureReason.HANDED_OVER:
        from lotse.consent.models import InformationCategory
        from lotse.consent.services import disclosure_check

        if handover_to is None:
            raise ValidationError({"handover_to": _("Please choose the service the case is handed over to.")})
        if handover_to.organisation_id != case.team.organisation_id:
            raise ValidationError({"handover_to": _("Please choose a partner of your organisation.")})
        disclosure_check(actor=actor, person=case.person, recipient=handover_to,
                         categories=[InformationCategory.MASTER_DATA, InformationCategory.CASE],
                         purpose=_("Hand-over of the case"))
    elif handover_to is not None:
        raise ValidationError({"handover_to": _("A recipient is only needed when the case is handed over.")})
    return _case_close(actor=actor, case=case, version=version, reason=reason, note=note, indicators=indicators,
                       goal_evaluations=goal_evaluations or {}, open_items=open_items, follow_up_on=follow_up_on,
                       handover_to=handover_to)


@transaction.atomic
def _case_close(*, actor, case, version, reason, note, indicators, goal_evaluations, open_items, follow_up_on,
                handover_to) -> Closure:
    from lotse.cases.casework import case_for_work
    from lotse.planning.services import goal_evaluate_many, plan_close_open_items

    locked = case_for_work(actor=actor, case=case)
    ensure_current(locked, version)
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = _("Please choose the reason for closing.")
    note = (note or "").strip()
    if len(note) > 5000:
        errors["note"] = _("Please use at most %(max)d characters.") % {"max": 5000}
    today = timezone.localdate()
    if follow_up_on is not None and follow_up_on <= today:
        errors["follow_up_on"] = _("The sustainability check must lie in the future.")
    if open_items and open_items not in OpenItems.CHOICES:
        errors["open_items"] = _("Please choose what happens to the open steps and tasks.")
    try:
        indicators = _indicators(indicators)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if goal_evaluations:
        goal_evaluate_many(actor=actor, case=locked, evaluations=goal_evaluations)
    counts = open_items_count(locked)
    if (counts["steps"] or counts["tasks"] or counts["goals"]) and not open_items:
        raise ValidationError({"open_items": _(
            "The case still has %(goals)d open goals, %(steps)d open steps and %(tasks)d open tasks. Please choose "
            "what happens to them.") % counts})
    if open_items:
        plan_close_open_items(actor=actor, case=locked,
                              outcome="done" if open_items == OpenItems.DONE else "discarded",
                              reason=str(ClosureReason(reason).label))
        locked.tasks.filter(status=Task.Status.OPEN).update(
            status=Task.Status.DONE if open_items == OpenItems.DONE else Task.Status.DISCARDED,
            done_on=today if open_items == OpenItems.DONE else None)
    if follow_up_on is None:
        follow_up_on = programme_settings(locked.offering).follow_up_from(today)
    closure = Closure.objects.create(case=locked, closed_on=today, reason=reason, note=note, indicators=indicators,
                                     open_items=open_items, follow_up_on=follow_up_on, handed_over_to=handover_to,
                                     closed_by=actor)
    PhaseChange.objects.create(case=locked, from_phase=locked.phase, to_phase=Phase.CLOSED, changed_on=today,
                               note=str(ClosureReason(reason).label), changed_by=actor)
    locked.status, locked.phase, locked.phase_since, locked.closed_on = Case.Status.CLOSED, Phase.CLOSED, today, today
    bump(locked, fields=["status", "phase", "phase_since", "closed_on"])
    audit_record(actor=actor, action="case.closed", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation,
                 details={"case": str(locked.public_id), "reason": reason, "open_items": open_items,
                          "handed_over_to": str(handover_to.public_id) if handover_to else None})
    return closure


@transaction.atomic
def case_reopen(*, actor, case: Case, version: int, reason: str) -> Case:
    from lotse.cases.casework import case_for_work

    locked = case_for_work(actor=actor, case=case, allow_closed=True)
    ensure_current(locked, version)
    if locked.status != Case.Status.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for reopening.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Please use at most %(max)d characters.") % {"max": 500}})
    if Case.objects.filter(person=locked.person, offering=locked.offering,
                           status__in=[Case.Status.WAITING, Case.Status.OPEN]).exists():
        raise ValidationError(_("The person already has an open or waiting case in this programme."))
    today = timezone.localdate()
    closure = locked.closures.order_by("-closed_on", "-id").first()
    if closure is not None:
        closure.reopened_on, closure.reopen_reason = today, reason
        closure.save(update_fields=["reopened_on", "reopen_reason"])
    PhaseChange.objects.create(case=locked, from_phase=Phase.CLOSED, to_phase=Phase.COUNSELLING, changed_on=today,
                               note=reason, changed_by=actor)
    locked.status, locked.phase, locked.phase_since, locked.closed_on = Case.Status.OPEN, Phase.COUNSELLING, today, None
    bump(locked, fields=["status", "phase", "phase_since", "closed_on"])
    audit_record(actor=actor, action="case.reopened", category=Category.WRITE, obj=locked.person,
                 organisation=locked.person.organisation, details={"case": str(locked.public_id)})
    return locked


@transaction.atomic
def closure_follow_up_record(*, actor, closure: Closure, done_on, note: str) -> Closure:
    """The sustainability check some months after closure: how is the client doing?"""
    from lotse.cases.casework import case_for_work

    case_for_work(actor=actor, case=closure.case, allow_closed=True)
    locked = Closure.objects.select_for_update().get(pk=closure.pk)
    today = timezone.localdate()
    if done_on is None or done_on > today:
        raise ValidationError({"done_on": _("The date of the check must not lie in the future.")})
    if done_on < locked.closed_on:
        raise ValidationError({"done_on": _("The check cannot lie before the closure.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Please describe the result of the check.")})
    if len(note) > 5000:
        raise ValidationError({"note": _("Please use at most %(max)d characters.") % {"max": 5000}})
    locked.follow_up_done_on, locked.follow_up_note = done_on, note
    locked.save(update_fields=["follow_up_done_on", "follow_up_note"])
    audit_record(actor=actor, action="case.follow_up_recorded", category=Category.WRITE, obj=closure.case.person,
                 organisation=closure.case.person.organisation, details={"case": str(closure.case.public_id)})
    return locked


def erase_closed_cases(person) -> None:
    """Erasure (Art. 17): closed cases of the person go with everything in them; the person leaves the
    cases of others they were counselled in. Open cases block the erasure before this runs."""
    CaseMember.objects.filter(person=person).delete()
    Case.objects.filter(person=person, status=Case.Status.CLOSED).delete()
