import pytest

from lotse.helpermap.demo import seed_demo
from lotse.helpermap.models import HelperEntry
from lotse.helpermap.selectors import helper_map

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(case, counsellor, jobcentre):
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    assert HelperEntry.objects.filter(case=case).count() == 3
    kinds = [node.kind for node in helper_map(actor=counsellor, case=case)]
    assert kinds == ["authority", "education", "volunteers"]
