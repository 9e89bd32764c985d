import pytest

from lotse.cases.models import Task
from lotse.contacts.demo import seed_demo
from lotse.contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(case, counsellor):
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    contacts = list(Contact.objects.filter(case=case).order_by("occurred_at"))
    assert len(contacts) == 2
    assert contacts[0].interpreter_present and "Arabisch" in contacts[0].interpreter_name
    assert contacts[0].topics.count() == 3
    assert Task.objects.filter(contact=contacts[0]).count() == 2
