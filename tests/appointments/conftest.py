import pytest
from django.utils import timezone



@pytest.fixture
def soon():
    """Tomorrow 10:00 local time."""
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    return timezone.make_aware(timezone.datetime.combine(tomorrow, timezone.datetime.min.time().replace(hour=10)))
