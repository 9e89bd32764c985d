"""Access specs of the consent URLs (merged into tests/access/specs.py)."""

import json

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def _person(fx):
    return {"public_id": fx.extra["person"].public_id}


SPECS = {
    "consent:person_consents": Spec(allowed=CASEWORK, kwargs=_person),
    "consent:consent_create": Spec(allowed=CASEWORK, kwargs=_person),
    "consent:release_create": Spec(allowed=CASEWORK, kwargs=_person),
    "consent:consent_withdraw": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.extra["consent"].public_id}),
    "consent:release_revoke": Spec(allowed=CASEWORK, kwargs=lambda fx: {"public_id": fx.extra["release"].public_id}),
    "api:person_consents": Spec(allowed=CASEWORK, api=True, kwargs=_person),
    "api:person_releases": Spec(allowed=CASEWORK, api=True, kwargs=_person),
    "api:consent_create": Spec(allowed=CASEWORK, api=True, kwargs=_person, method="POST",
                               body='{"purpose": "statistics", "given_on": "2026-01-02", "form": "paper"}'),
    "api:release_create": Spec(allowed=CASEWORK, api=True, kwargs=_person, method="POST", body=lambda fx: json.dumps({
        "recipient": str(fx.extra["partner"].public_id), "categories": ["work"], "purpose": "Vermittlung",
        "given_on": "2026-01-02", "valid_until": "2099-01-01", "form": "paper"})),
}
