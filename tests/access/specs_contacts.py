"""Access specs of the counselling-contact URLs (merged into tests/access/specs.py)."""

from lotse.organisations.models import Role
from tests.access.specs_cases import open_case
from tests.access.walker import SYSADMIN, Spec

CASEWORK = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
TOPIC_KEEPERS = frozenset({Role.ORG_ADMIN, SYSADMIN})


def _topic(fx):
    """A topic of org A's own catalogue."""
    from lotse.intake.models import Topic

    topic = fx.extra.get("topic")
    if topic is None:
        topic = Topic.objects.create(programme="mbe", organisation=fx.a.organisation, code="mbe-walker-thema",
                                     label="Walker-Thema", sort_order=99)
        fx.extra["topic"] = topic
    return {"code": topic.code}


def _contact(fx):
    from django.utils import timezone

    from lotse.contacts.models import Contact

    contact = fx.extra.get("contact")
    if contact is None:
        case = open_case(fx)
        contact = Contact.objects.create(case=case, occurred_at=timezone.now(), duration_minutes=30,
                                         kind="office_hour", author=fx.a.user(Role.COUNSELLOR), notes="Notiz")
        fx.extra["contact"] = contact
    return {"public_id": contact.public_id}


case = lambda fx: {"public_id": open_case(fx).public_id}  # noqa: E731
BODY = '{"occurred_at": "2000-01-01T10:00:00+01:00", "duration_minutes": 30, "kind": "phone", "outcome": "not_reached"}'

SPECS = {
    "contacts:contact_list": Spec(allowed=CASEWORK, kwargs=case),
    "contacts:contact_create": Spec(allowed=CASEWORK, kwargs=case),
    "contacts:contact_detail": Spec(allowed=CASEWORK, kwargs=_contact),
    "contacts:contact_edit": Spec(allowed=CASEWORK, kwargs=_contact),
    "contacts:contact_document": Spec(allowed=CASEWORK, kwargs=_contact),
    "contacts:topic_list": Spec(allowed=TOPIC_KEEPERS),
    "contacts:topic_create": Spec(allowed=TOPIC_KEEPERS),
    "contacts:topic_edit": Spec(allowed=TOPIC_KEEPERS, kwargs=_topic),
    "api:contact_list": Spec(allowed=CASEWORK, api=True, kwargs=case),
    "api:contact_create": Spec(allowed=CASEWORK, api=True, kwargs=case, method="POST", body=BODY),
    "api:contact_detail": Spec(allowed=CASEWORK, api=True, kwargs=_contact),
    "api:contact_update": Spec(allowed=CASEWORK, api=True, kwargs=_contact, method="PUT",
                               body=BODY.replace("}", ', "version": 1}')),
}
