"""Access specs of the life-situation URLs (merged into tests/access/specs.py): like every part of the person
file, for the counsellors and the lead of the person's team."""

from lotse.organisations.models import Role
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def _person(fx):
    return {"public_id": fx.extra["person"].public_id}


SPECS = {
    "people:life_situation_add": Spec(allowed=CASEWORK, kwargs=_person),
    "api:life_situation_list": Spec(allowed=CASEWORK, api=True, kwargs=_person),
    "api:life_situation_record": Spec(allowed=CASEWORK, api=True, kwargs=_person, method="POST",
                                      body='{"accommodation": "shared", "livelihood": "asylblg"}'),
}
