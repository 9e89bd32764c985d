"""Access specs of the case URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def _waiting_case(fx):
    from lotse.cases.models import Case

    case = fx.extra.get("waiting_case")
    if case is None:
        person = fx.extra["person"]
        case = Case.objects.create(person=person, team=person.team, offering=fx.a.offering, status="waiting",
                                   requested_on=person.created_at.date())
        fx.extra["waiting_case"] = case
    return {"public_id": case.public_id}


SPECS = {
    "cases:case_request": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.extra["person"].public_id}),
    "cases:waiting_list": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.a.team.public_id}),
    "cases:case_admit": Spec(allowed=frozenset({Role.TEAM_LEAD}), method="POST", kwargs=_waiting_case),
}
