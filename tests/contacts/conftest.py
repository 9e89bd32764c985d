from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.network.services import partner_create
from lotse.contacts.services import ContactData
from lotse.intake.models import Topic


@pytest.fixture
def colleague(org_a):
    """A second counsellor of the same team."""
    from lotse.organisations.models import Membership, Role
    from tests.factories import make_user

    user = make_user("kollegin-kontakte", first_name="Kollegin", last_name="Beispiel")
    Membership.objects.create(user=user, organisation=org_a.organisation, team=org_a.team, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def labour():
    return Topic.objects.get(code="mbe-labour")


@pytest.fixture
def housing():
    return Topic.objects.get(code="mbe-housing")


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


@pytest.fixture
def an_hour_ago():
    return timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)


@pytest.fixture
def data(an_hour_ago, labour):
    def make(**extra):
        values = {"occurred_at": an_hour_ago, "duration_minutes": 30, "kind": "office_hour", "topics": [labour]}
        values.update(extra)
        return ContactData(**values)
    return make


@pytest.fixture
def make_contact(case, counsellor, data):
    """A contact recorded through the service (so author, version and audit are real)."""
    from lotse.contacts import services

    def make(actor=None, agreements=None, **extra):
        return services.contact_create(actor=actor or counsellor, case=case, data=data(**extra),
                                       agreements=agreements)
    return make


def form_data(contact=None, **extra):
    """POST data of the contact form as a browser sends it (German field values, minute precision)."""
    from django.utils import timezone as tz

    occurred = tz.localtime(contact.occurred_at) if contact else tz.localtime() - timedelta(hours=1)
    values = {"occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
              "duration_minutes": str(contact.duration_minutes if contact else 30),
              "kind": contact.kind if contact else "office_hour",
              "outcome": contact.outcome if contact else "took_place",
              "topics": [topic.code for topic in contact.topics.all()] if contact else ["mbe-labour"],
              "occasion": "", "location": "", "interpreter_name": "", "others_present": "", "notes": "",
              "repeat_offer_on": ""}
    if contact is not None:
        values["version"] = str(contact.version)
        values["occasion"] = contact.occasion
        values["notes"] = contact.notes
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}
