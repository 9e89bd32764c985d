"""Access specs of the interpreter and volunteer pool URLs (merged into tests/access/specs.py)."""

import json

from lotse.organisations.models import Role
from tests.access.specs_appointments import appointment
from tests.access.specs_cases import open_case
from tests.access.walker import Spec

POOL_KEEPERS = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION, Role.ORG_ADMIN})
CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def _data(kind: str, name: str):
    from datetime import timedelta

    from django.utils import timezone

    from lotse.pools.services import LanguageEntry, MemberData

    return MemberData(kind=kind, name=name, languages=(LanguageEntry("ara", "native"),),
                      confidentiality_signed_on=timezone.localdate() - timedelta(days=30))


def interpreter(fx):
    """An interpreter for Arabic in org A's pool, confidentiality agreement signed."""
    from lotse.pools.services import pool_member_create

    found = fx.extra.get("interpreter")
    if found is None:
        found = pool_member_create(actor=fx.a.user(Role.COUNSELLOR), organisation=fx.a.organisation,
                                   data=_data("interpreter", "Rania Nasser"))
        fx.extra["interpreter"] = found
    return found


def assignment(fx):
    """A volunteer of org A's pool helping in the open case of the fixture."""
    from lotse.pools.services import pool_member_create, volunteer_assign

    found = fx.extra.get("volunteer_assignment")
    if found is None:
        counsellor = fx.a.user(Role.COUNSELLOR)
        volunteer = pool_member_create(actor=counsellor, organisation=fx.a.organisation,
                                       data=_data("volunteer", "Gisela Brandt"))
        found = volunteer_assign(actor=counsellor, case=open_case(fx), member=volunteer, purpose="Begleitung")
        fx.extra["volunteer_assignment"] = found
    return found


member_id = lambda fx: {"public_id": interpreter(fx).public_id}  # noqa: E731
appointment_id = lambda fx: {"public_id": appointment(fx).public_id}  # noqa: E731
assignment_id = lambda fx: {"public_id": assignment(fx).public_id}  # noqa: E731
case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731
BODY = json.dumps({"kind": "interpreter", "name": "Saba Tesfay", "languages": [{"code": "tir"}]})

SPECS = {
    "pools:pool_member_list": Spec(allowed=POOL_KEEPERS),
    "pools:pool_member_create": Spec(allowed=POOL_KEEPERS),
    "pools:pool_member_edit": Spec(allowed=POOL_KEEPERS, kwargs=member_id),
    "pools:pool_member_set_active": Spec(allowed=POOL_KEEPERS, method="POST", kwargs=member_id),
    "pools:interpreter_search": Spec(allowed=CASEWORK, kwargs=appointment_id),
    "pools:interpreter_book": Spec(allowed=CASEWORK, method="POST", kwargs=appointment_id),
    "pools:interpreter_cancel": Spec(allowed=CASEWORK, method="POST", kwargs=appointment_id),
    "pools:volunteer_assign": Spec(allowed=CASEWORK, kwargs=case),
    "pools:volunteer_assignment_end": Spec(allowed=CASEWORK, method="POST", kwargs=assignment_id),
    "pools:volunteer_link": Spec(allowed=CASEWORK, kwargs=assignment_id),
    "pools:volunteer_link_revoke": Spec(allowed=CASEWORK, method="POST", kwargs=assignment_id),
    "pools:volunteer_view": Spec(public=True),
    "api:pool_member_list": Spec(allowed=POOL_KEEPERS, api=True),
    "api:pool_member_detail": Spec(allowed=POOL_KEEPERS, api=True, kwargs=member_id),
    "api:pool_member_create": Spec(allowed=POOL_KEEPERS, api=True, method="POST", body=BODY),
}
