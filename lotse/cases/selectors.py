from lotse.access import policy
from lotse.audit.services import audit_read_many
from lotse.cases.models import Case
from lotse.cases.services import team_capacity, team_open_cases


def cases_of(*, actor, person):
    return policy.scope(actor, Case.objects.select_related("offering", "team")).filter(person=person)


def case_get(*, actor, public_id) -> Case:
    return policy.get_or_404(actor, Case.objects.select_related("person", "team", "offering"), public_id=public_id)


def waiting_list(*, actor, team) -> dict:
    """The team's queue in the order cases are admitted: priority first, then the date of the request."""
    queue = list(policy.scope(actor, Case.objects.select_related("person", "offering")).filter(
        team=team, status=Case.Status.WAITING).order_by("-priority", "requested_on", "id"))
    audit_read_many(actor=actor, objects=[case.person for case in queue], object_type="people.person",
                    action="case.waiting_list_viewed", organisation=team.organisation)
    return {"queue": queue, "capacity": team_capacity(team), "open": team_open_cases(team)}
