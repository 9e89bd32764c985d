import pytest

from lotse.appointments.demo import seed_demo
from lotse.appointments.models import Appointment, OfficeHour

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(case, counsellor):
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    assert OfficeHour.objects.filter(user=counsellor).count() == 2
    appointments = list(Appointment.objects.filter(case=case))
    assert len(appointments) == 2
    assert [a.interpreter_language.code if a.interpreter_language else None for a in appointments] == ["ara", None]
    assert {h.weekday for h in OfficeHour.objects.all()} == {1, 3}
