from datetime import timedelta

import pytest

from lotse.cases.models import Case
from lotse.cases.selectors import worklist
from lotse.consent.models import Disclosure
from lotse.referrals.demo import seed_demo
from lotse.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(case, counsellor, partner, make_release, today):
    Case.objects.filter(pk=case.pk).update(opened_on=today - timedelta(days=35))
    case.refresh_from_db()
    make_release(case.person, partner, categories=("master_data", "education", "work"))
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    referrals = list(Referral.objects.filter(case=case).order_by("sent_on"))
    assert [(r.status, r.outcome) for r in referrals] == [("outcome", "took_place"), ("sent", "")]
    assert referrals[0].whereabouts_due_on == referrals[0].outcome_on + timedelta(weeks=12)
    assert Disclosure.objects.filter(allowed=True).count() == 2
    kinds = [entry.kind for entries in worklist(actor=counsellor)["sections"].values() for entry in entries]
    assert "referral_feedback" in kinds


def test_demo_does_nothing_without_a_release(case, counsellor, partner):
    seed_demo(case=case, actor=counsellor)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_demo_on_the_seeded_haddad_case():
    from lotse.core.demo import seed_demo as seed_everything

    seed_everything(statistics=False)
    case = Case.objects.get(person__family_name="Haddad", person__given_names="Amal", status="open")
    seed_demo(case=case, actor=case.owner)
    assert Referral.objects.filter(case=case).count() == 2
    assert all(referral.partner.name == "Jobcenter Landkreis Lindenau"
               for referral in Referral.objects.filter(case=case))
