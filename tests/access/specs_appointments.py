"""Access specs of the appointment, office hour and calendar URLs (merged into tests/access/specs.py)."""

import json
from datetime import timedelta

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import EVERYONE, Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
CLIENT_WORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION})


def appointment(fx):
    """A planned appointment tomorrow in the open case of the fixture, with an Arabic interpreter."""
    from django.utils import timezone

    from lotse.appointments.services import appointment_create

    found = fx.extra.get("appointment")
    if found is None:
        case = open_case(fx)
        counsellor = fx.a.user(Role.COUNSELLOR)
        starts = timezone.now().replace(microsecond=0) + timedelta(days=1)
        found = appointment_create(actor=counsellor, owner=counsellor, team=case.team, case=case, starts_at=starts,
                                   location="Caritas-Haus", room="1.04", interpreter_needed=True,
                                   interpreter_language="ara")
        fx.extra["appointment"] = found
    return found


def office_hour(fx):
    from django.utils import timezone

    from lotse.appointments.services import office_hour_create

    found = fx.extra.get("office_hour")
    if found is None:
        from datetime import time

        counsellor = fx.a.user(Role.COUNSELLOR)
        found = office_hour_create(actor=counsellor, team=fx.a.team, user=counsellor, weekday=1, starts_at=time(9),
                                   ends_at=time(12), location="Caritas-Haus", room="1.04",
                                   valid_from=timezone.localdate() - timedelta(days=14))
        fx.extra["office_hour"] = found
    return found


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731
appointment_id = lambda fx: {"public_id": appointment(fx).public_id}  # noqa: E731
office_hour_id = lambda fx: {"public_id": office_hour(fx).public_id}  # noqa: E731


def _new_appointment_body(fx) -> str:
    from django.utils import timezone

    starts = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return json.dumps({"starts_at": starts.isoformat(), "kind": "appointment"})


def _update_body(fx) -> str:
    from django.utils import timezone

    starts = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return json.dumps({"starts_at": starts.isoformat(), "room": "2.01", "version": 1})


SPECS = {
    "appointments:appointment_list": Spec(allowed=CASEWORK),
    "appointments:appointment_week": Spec(allowed=CASEWORK),
    "appointments:appointment_create": Spec(allowed=CASEWORK),
    "appointments:office_hours": Spec(allowed=CLIENT_WORK),
    "appointments:office_hour_create": Spec(allowed=CASEWORK),
    "appointments:office_hour_edit": Spec(allowed=CASEWORK, kwargs=office_hour_id),
    "appointments:office_hour_end": Spec(allowed=CASEWORK, method="POST", kwargs=office_hour_id),
    "appointments:calendar_settings": Spec(allowed=CASEWORK),
    "appointments:calendar_feed": Spec(public=True),
    "appointments:appointment_detail": Spec(allowed=CASEWORK, kwargs=appointment_id),
    "appointments:appointment_edit": Spec(allowed=CASEWORK, kwargs=appointment_id),
    "appointments:appointment_status": Spec(allowed=CASEWORK, method="POST", kwargs=appointment_id),
    "appointments:appointment_letter": Spec(allowed=CASEWORK, kwargs=appointment_id),
    "appointments:case_appointment_list": Spec(allowed=CASEWORK, kwargs=case),
    "appointments:case_appointment_create": Spec(allowed=CASEWORK, kwargs=case),
    "api:appointment_list": Spec(allowed=CASEWORK, api=True),
    "api:appointment_create": Spec(allowed=CASEWORK, api=True, method="POST", body=_new_appointment_body),
    "api:appointment_detail": Spec(allowed=CASEWORK, api=True, kwargs=appointment_id),
    "api:appointment_update": Spec(allowed=CASEWORK, api=True, method="PUT", kwargs=appointment_id,
                                   body=_update_body),
    "api:office_hour_list": Spec(allowed=EVERYONE, api=True),
}
