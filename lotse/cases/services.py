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
