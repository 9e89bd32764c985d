"""Access specs of the helper map URLs (merged into tests/access/specs.py): case work of the team only."""

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def entry(fx):
    """A manual entry in the open case: the job centre of the fixture."""
    from lotse.helpermap.services import HelperData, helper_entry_create

    found = fx.extra.get("helper_entry")
    if found is None:
        case = open_case(fx)
        found = helper_entry_create(actor=fx.a.user(Role.COUNSELLOR), case=case, data=HelperData(
            role="Arbeitsvermittlung", since=case.opened_on, partner=fx.extra["partner"], name="Frau Schulz"))
        fx.extra["helper_entry"] = found
    return {"public_id": found.public_id}


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731

SPECS = {
    "helpermap:helper_map": Spec(allowed=CASEWORK, kwargs=case),
    "helpermap:entry_create": Spec(allowed=CASEWORK, kwargs=case),
    "helpermap:entry_edit": Spec(allowed=CASEWORK, kwargs=entry),
    "helpermap:entry_end": Spec(allowed=CASEWORK, kwargs=entry, method="POST"),
}
