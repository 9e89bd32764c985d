import pytest

from lotse.cases import services as case_services
from lotse.cases.selectors import worklist
from lotse.cooperation.demo import seed_demo
from lotse.cooperation.models import CooperationAgreement, NetworkEvent

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_reminds_the_team_lead(org_a, make_person, counsellor, lead, jobcentre):
    from lotse.network.services import partner_create

    partner_create(actor=lead, organisation=org_a.organisation, name="Sprachschule",
                   partner_type="course_provider")
    case = case_services.case_request(actor=counsellor, person=make_person(), offering=org_a.offering)
    seed_demo(case=case, actor=counsellor)
    seed_demo(case=case, actor=counsellor)
    assert CooperationAgreement.objects.count() == 2 and NetworkEvent.objects.count() == 4
    labels = [entry.label for section in worklist(actor=lead)["sections"].values() for entry in section
              if entry.kind == "agreement_review"]
    assert labels == [
        "Review the cooperation agreement “Kooperationsvereinbarung Jobcenter – Migrationsberatung”"]
