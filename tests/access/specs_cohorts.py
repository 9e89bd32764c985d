"""Access specs of the target-group URLs (merged into tests/access/specs.py).

Everyone with a role in an organisation keeps target groups (system administrators without one do not). The
fixture group is a shared group of team A, written by its counsellor: the team (counsellor, lead) sees it,
only the author changes it. Organisation-wide groups and the protected count are tested in tests/cohorts."""

from lotse.organisations.models import Role
from tests.access.walker import ROLES, Spec

MEMBERS = frozenset(ROLES)
TEAM = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
AUTHOR = frozenset({Role.COUNSELLOR})


def cohort(fx):
    from lotse.cohorts.services import CohortData, cohort_create

    found = fx.extra.get("cohort")
    if found is None:
        found = cohort_create(actor=fx.a.user(Role.COUNSELLOR), data=CohortData(
            name="Langzeitgeduldete", scope=f"team:{fx.a.team.public_id}", is_shared=True, unit="families",
            criteria={"status_types": ["duldung"], "status_min_years": 5, "livelihood": ["asylblg"]}))
        fx.extra["cohort"] = found
    return {"public_id": found.public_id}


SPECS = {
    "cohorts:cohort_list": Spec(allowed=MEMBERS),
    "cohorts:cohort_create": Spec(allowed=MEMBERS),
    "cohorts:cohort_detail": Spec(allowed=TEAM, kwargs=cohort),
    "cohorts:cohort_edit": Spec(allowed=AUTHOR, kwargs=cohort),
    "cohorts:cohort_delete": Spec(allowed=AUTHOR, kwargs=cohort),
    "api:cohort_list": Spec(allowed=MEMBERS, api=True),
    "api:cohort_detail": Spec(allowed=TEAM, api=True, kwargs=cohort),
    "api:cohort_members": Spec(allowed=TEAM, api=True, kwargs=cohort),
}
