"""Opening cases within the team's capacity; the waiting list when the team is full."""

from math import floor

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cases.models import Case
from lotse.organisations.models import Team
from lotse.privacy.guards import ensure_not_restricted


def team_capacity(team: Team) -> int | None:
    """How many open cases the team can carry; None means no limit is configured."""
    if not team.cases_per_post:
        return None
    return floor(float(team.full_time_posts) * team.cases_per_post)


def team_open_cases(team: Team) -> int:
    return Case.objects.filter(team=team, status=Case.Status.OPEN).count()


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
    case = Case.objects.create(
        person=person, team=team, offering=offering, priority=priority, requested_on=today,
        status=Case.Status.WAITING if full else Case.Status.OPEN, opened_on=None if full else today,
        created_by=actor)
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
    case.status = Case.Status.OPEN
    case.opened_on = timezone.localdate()
    case.save(update_fields=["status", "opened_on"])
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
