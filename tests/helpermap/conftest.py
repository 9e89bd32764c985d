
import pytest
from django.utils import translation

from lotse.helpermap import services
from lotse.network.services import partner_create


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages are compared in English; what German users read is checked with ``german``."""
    with translation.override("en"):
        yield



@pytest.fixture
def jobcentre(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


@pytest.fixture
def doctor(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Praxis Dr. Yilmaz",
                          partner_type="doctor")


@pytest.fixture
def foreign_partner(org_b):
    return partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Jobcenter B",
                          partner_type="job_centre")


@pytest.fixture
def add_helper(case, counsellor, today):
    def add(actor=None, target=None, **extra):
        values = {"role": "Arbeitsvermittlung", "since": today}
        values.update(extra)
        return services.helper_entry_create(actor=actor or counsellor, case=target or case,
                                            data=services.HelperData(**values))
    return add
