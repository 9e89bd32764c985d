from datetime import date, timedelta

import pytest
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.consent.services import release_record
from lotse.network.services import partner_create
from lotse.partnerreports import services

BIRTH = date(1994, 3, 17)


@pytest.fixture
def provider(org_a, counsellor):
    """The course provider that reports."""
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Sprachschule Lindenau",
                          partner_type="course_provider")


@pytest.fixture
def other_provider(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Volkshochschule Lindenau",
                          partner_type="course_provider")


@pytest.fixture
def person(make_person):
    return make_person(family_name="Haddad", given_names="Amal", birth_date=BIRTH,
                       birth_date_precision="exact")


@pytest.fixture
def case(org_a, person, counsellor):
    return case_services.case_request(actor=counsellor, person=person, offering=org_a.offering)


@pytest.fixture
def give_release(counsellor):
    def give(person, recipient, categories=("education",), valid_days=365, given_days_ago=30,
             direction="one_way"):
        today = timezone.localdate()
        return release_record(actor=counsellor, person=person, recipient=recipient,
                              categories=list(categories), purpose="Teilnahme am Integrationskurs",
                              given_on=today - timedelta(days=given_days_ago),
                              valid_until=today + timedelta(days=valid_days), form="paper",
                              direction=direction)
    return give


@pytest.fixture
def release(person, provider, give_release):
    return give_release(person, provider)


@pytest.fixture
def issued(provider, counsellor):
    """A report link of the provider and its token."""
    return services.link_create(actor=counsellor, partner=provider, label="Integrationskurs B1 vormittags")


@pytest.fixture
def link(issued):
    return issued[0]


@pytest.fixture
def token(issued):
    return issued[1]


def report_values(**extra) -> dict:
    """What a reporter enters, as service keyword arguments."""
    values = {"family_name": "Haddad", "given_names": "Amal", "birth_date": BIRTH, "kind": "absent",
              "occurred_on": timezone.localdate() - timedelta(days=1), "note": "Seit Montag nicht im Kurs."}
    values.update(extra)
    return values


def form_data(**extra) -> dict:
    """The report form's POST data as a browser sends it."""
    values = {key: value.isoformat() if isinstance(value, date) else value
              for key, value in report_values().items()}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}
