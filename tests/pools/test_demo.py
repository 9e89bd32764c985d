import pytest

from lotse.consent.models import Release
from lotse.pools.demo import seed_demo
from lotse.pools.models import PoolMember, VolunteerAssignment

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(case, counsellor, org_a):
    seed_demo(organisation=org_a.organisation, case=case, actor=counsellor)
    seed_demo(organisation=org_a.organisation, case=case, actor=counsellor)
    interpreters = PoolMember.objects.filter(kind="interpreter")
    assert interpreters.count() == 5
    assert set(interpreters.values_list("language_rows__language__code", flat=True)) == {
        "ara", "deu", "pes", "tir", "tur", "ukr"}
    assert PoolMember.objects.filter(kind="volunteer").count() == 2
    assignment = VolunteerAssignment.objects.get()
    assert assignment.case == case and assignment.until is None
    assert Release.objects.filter(person=case.person, recipient=assignment.member.partner).count() == 1
