import pytest
from django.utils import timezone

from lotse.cases import services as case_services


@pytest.fixture
def case(org_a, make_person, counsellor):
    return case_services.case_request(actor=counsellor, person=make_person(), offering=org_a.offering)


@pytest.fixture
def lead(org_a):
    return org_a.user("team_lead")


@pytest.fixture
def soon():
    """Tomorrow 10:00 local time."""
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    return timezone.make_aware(timezone.datetime.combine(tomorrow, timezone.datetime.min.time().replace(hour=10)))
