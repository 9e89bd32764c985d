"""Access specs of this app's URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

TEAM_CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})

SPECS: dict = {
    "documents:person_document": Spec(
        allowed=TEAM_CASEWORK,
        kwargs=lambda fx: {"public_id": fx.extra["person"].public_id, "kind": "consent_form"}),
    "documents:release_document": Spec(
        allowed=TEAM_CASEWORK, kwargs=lambda fx: {"public_id": fx.extra["release"].public_id}),
}
