import json
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from lotse.cases import services as case_services
from lotse.helpermap import services
from lotse.network.services import partner_create

TR = Path(__file__).resolve().parents[2] / ".tr" / "helpermap.json"


def german(text: str) -> str:
    """What a German user reads: the compiled catalogue, or (until the lead merges it) .tr/helpermap.json."""
    with translation.override("de"):
        translated = gettext(text)
    if translated == text and TR.exists():
        translated = json.loads(TR.read_text(encoding="utf-8")).get(text, text)
    return translated


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages are compared in English; what German users read is checked with :func:`german` and
    :func:`shown`."""
    with translation.override("en"):
        yield


def shown(text: str) -> str:
    with translation.override("de"):
        return gettext(text)


@pytest.fixture
def case(org_a, make_person, counsellor):
    return case_services.case_request(actor=counsellor, person=make_person(), offering=org_a.offering)


@pytest.fixture
def today():
    return timezone.localdate()


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
