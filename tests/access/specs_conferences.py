"""Access specs of the case conference URLs (merged into tests/access/specs.py)."""

import json
from datetime import timedelta

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})


def conference(fx):
    """A planned conference tomorrow in the open case of the fixture, with one participant named by hand."""
    from django.utils import timezone

    from lotse.conferences.models import Conference, Participant

    found = fx.extra.get("conference")
    if found is None:
        case = open_case(fx)
        counsellor = fx.a.user(Role.COUNSELLOR)
        found = Conference.objects.create(case=case, title="Zugriffstest", invited_by=counsellor,
                                          scheduled_at=timezone.now() + timedelta(days=1), location="Raum 1",
                                          agenda="Punkt eins\nPunkt zwei")
        found.persons.set([case.person])
        fx.extra["participant"] = Participant.objects.create(conference=found, kind="other", name="Frau Vormund",
                                                             role="Vormund")
        fx.extra["conference"] = found
    return found


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731
conference_id = lambda fx: {"public_id": conference(fx).public_id}  # noqa: E731
participant_ids = lambda fx: {"public_id": conference(fx).public_id,  # noqa: E731
                              "participant_id": fx.extra["participant"].public_id}


def _decision_body(fx) -> str:
    from django.utils import timezone

    conference(fx)
    return json.dumps({"text": "Antrag stellen", "responsible": str(fx.extra["participant"].public_id),
                       "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})


SPECS = {
    "conferences:case_conference_list": Spec(allowed=CASEWORK, kwargs=case),
    "conferences:conference_create": Spec(allowed=CASEWORK, kwargs=case),
    "conferences:conference_detail": Spec(allowed=CASEWORK, kwargs=conference_id),
    "conferences:conference_edit": Spec(allowed=CASEWORK, kwargs=conference_id),
    "conferences:participant_add": Spec(allowed=CASEWORK, kwargs=conference_id),
    "conferences:participant_remove": Spec(allowed=CASEWORK, method="POST", kwargs=participant_ids),
    "conferences:conference_minutes": Spec(allowed=CASEWORK, kwargs=conference_id),
    "conferences:decision_create": Spec(allowed=CASEWORK, kwargs=conference_id),
    "conferences:conference_cancel": Spec(allowed=CASEWORK, method="POST", kwargs=conference_id),
    "conferences:conference_summary": Spec(allowed=CASEWORK, kwargs=conference_id),
    "api:conference_list": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:conference_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST",
                                  body='{"title": "x", "scheduled_at": "2000-01-01T10:00:00+01:00"}'),
    "api:conference_detail": Spec(allowed=CASEWORK, api=True, kwargs=conference_id),
    "api:conference_participant_add": Spec(allowed=CASEWORK, api=True, kwargs=conference_id, method="POST",
                                           body='{"kind": "other", "name": "Herr Beispiel", "role": "Pate"}'),
    "api:conference_decision_create": Spec(allowed=CASEWORK, api=True, kwargs=conference_id, method="POST",
                                           body=_decision_body),
}
