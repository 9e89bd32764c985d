from datetime import timedelta

import pytest

from lotse.consent.models import Release
from lotse.consent.services import release_record
from lotse.network.models import PartnerContact, PartnerService
from lotse.network.services import partner_create
from lotse.referrals import services
from lotse.referrals.services import ReferralData


@pytest.fixture
def partner(org_a, counsellor):
    partner = partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                             partner_type="job_centre", contact="Frau Berg, 07541 204-0")
    partner.street, partner.postal_code, partner.city = "Bahnhofstraße 12", "88045", "Lindenau"
    partner.phone, partner.email = "07541 204-0", "integration-point@jobcenter.invalid"
    partner.opening_hours = "Mo–Fr 8–12 Uhr, Do 14–18 Uhr"
    partner.save()
    return partner


@pytest.fixture
def service(partner):
    return PartnerService.objects.create(partner=partner, name="Integration Point")


@pytest.fixture
def partner_contact(partner):
    return PartnerContact.objects.create(partner=partner, name="Frau Berg", phone="07541 204-17")


@pytest.fixture
def make_release(counsellor, today):
    def make(person, partner, categories=("master_data", "work"), direction=Release.Direction.ONE_WAY,
             valid_until=None):
        return release_record(actor=counsellor, person=person, recipient=partner, categories=list(categories),
                              purpose="Vermittlung", given_on=today, form="paper", direction=direction,
                              valid_until=valid_until or today + timedelta(days=365))
    return make


@pytest.fixture
def release(case, partner, make_release):
    return make_release(case.person, partner)


@pytest.fixture
def data(case, partner, today):
    def make(**extra):
        values = {"person": case.person, "partner": partner, "reason": "Beratung zur Arbeitsaufnahme",
                  "categories": ["master_data", "work"], "sent_on": today}
        values.update(extra)
        return ReferralData(**values)
    return make


@pytest.fixture
def send(case, counsellor, data, release):
    """A referral sent through the service (the release covers master data and work)."""
    def make(actor=None, **extra):
        return services.referral_send(actor=actor or counsellor, case=case, data=data(**extra))
    return make


@pytest.fixture
def back_date(today):
    """Move a referral (and its case) into the past: dates a test can check by hand."""
    from lotse.cases.models import Case
    from lotse.referrals.models import Referral

    def move(referral, days, **fields):
        Case.objects.filter(pk=referral.case_id).update(opened_on=today - timedelta(days=days + 30))
        Referral.objects.filter(pk=referral.pk).update(sent_on=today - timedelta(days=days), **fields)
        referral.refresh_from_db()
        referral.case.refresh_from_db()
        return referral
    return move
