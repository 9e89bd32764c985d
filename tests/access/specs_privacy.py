"""Access specs of the client-rights URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def _person(fx):
    return {"public_id": fx.extra["person"].public_id}


SPECS = {
    "privacy:person_export": Spec(allowed=CASEWORK, kwargs=_person),
    "privacy:person_correction": Spec(allowed=CASEWORK, kwargs=_person),
    "privacy:person_restriction": Spec(allowed=CASEWORK, kwargs=_person),
    "privacy:person_erase": Spec(allowed=CASEWORK, kwargs=_person),
    "api:person_export": Spec(allowed=CASEWORK, api=True, kwargs=_person),
}
