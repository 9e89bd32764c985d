"""Access rules of the intake models, registered with the central policy (imported from apps.ready)."""

from django.db.models import Q

from lotse.access import policy
from lotse.access.policy import Action, Grants
from lotse.organisations.models import TEAM_ROLES


def _client_teams(g: Grants) -> set[int]:
    """Same as for persons: the roles working in the team that holds the record, never admins or coordinators."""
    return g.teams_with(*TEAM_ROLES)


@policy.rule("intake.firstcontact")
def _first_contact(g: Grants, action: Action) -> Q:
    return Q(team_id__in=_client_teams(g))


@policy.rule("intake.eligibilitycheck")
def _eligibility_check(g: Grants, action: Action) -> Q:
    return Q(person__team_id__in=_client_teams(g), person__merged_into__isnull=True)
