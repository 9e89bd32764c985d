import pytest

from lotse.conferences.demo import seed_demo
from lotse.conferences.models import Conference, ConferenceStatus
from lotse.consent.models import Disclosure

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_uses_the_release(case, counsellor, partner, make_release, consent, goal):
    make_release(case.person, partner, categories=["master_data", "education", "work"], valid_days=20)
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    conference = Conference.objects.get(case=case)
    assert conference.status == ConferenceStatus.HELD
    assert {p.kind for p in conference.participants.all()} == {"staff", "partner", "family", "other"}
    assert conference.participants.get(kind="partner").partner_contact.name == "Frau Berg"
    decisions = list(conference.decisions.all())
    assert len(decisions) == 2 and all(d.step_id for d in decisions)
    assert Disclosure.objects.filter(recipient=partner, allowed=True).exists()
    assert not Disclosure.objects.filter(allowed=False).exists()


def test_demo_without_release_or_goals_still_works(case, counsellor, partner, consent):
    seed_demo(case=case, actor=counsellor)
    conference = Conference.objects.get(case=case)
    assert not conference.participants.filter(kind="partner").exists()
    assert all(d.task_id for d in conference.decisions.all()) and conference.decisions.count() == 2
