from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from lotse.cases.models import CaseMember
from lotse.conferences import services
from lotse.consent.services import consent_record, release_record
from lotse.network.models import PartnerContact
from lotse.network.services import partner_create


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def member(case, make_person):
    """Karim, co-counselled in the case."""
    person = make_person(given_names="Karim")
    CaseMember.objects.create(case=case, person=person, since=case.opened_on)
    return person


@pytest.fixture
def consent(case, counsellor, today):
    return consent_record(actor=counsellor, person=case.person, purpose="sharing", given_on=today - timedelta(days=10),
                          form="paper")


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


@pytest.fixture
def contact(partner):
    return PartnerContact.objects.create(partner=partner, name="Frau Berg", function="Fallmanagerin")


@pytest.fixture
def make_release(counsellor, today):
    def make(person, recipient, categories=("case",), valid_days=365):
        return release_record(actor=counsellor, person=person, recipient=recipient, categories=list(categories),
                              purpose="Fallkonferenz", given_on=today - timedelta(days=10),
                              valid_until=today + timedelta(days=valid_days), form="paper")
    return make


@pytest.fixture
def release(case, partner, make_release, consent):
    return make_release(case.person, partner)


@pytest.fixture
def data(today):
    def make(**extra):
        values = {"title": "Rückkehr in Arbeit", "scheduled_at": at(today + timedelta(days=7)),
                  "location": "Caritas-Haus, Raum 1.04", "categories": ["case"],
                  "agenda": "Sprachkurs B1\nKinderbetreuung\nArbeitssuche"}
        values.update(extra)
        return services.ConferenceData(**values)
    return make


@pytest.fixture
def conference(case, counsellor, consent, data):
    """Planned a week ahead; the counsellor who invited takes part."""
    return services.conference_create(actor=counsellor, case=case, data=data())


@pytest.fixture
def begun(case, counsellor, consent, data):
    """Planned for two hours ago: decisions can be recorded."""
    return services.conference_create(actor=counsellor, case=case,
                                      data=data(scheduled_at=timezone.now() - timedelta(hours=2)))


@pytest.fixture
def add(counsellor):
    def make(conference, actor=None, **values):
        return services.participant_add(actor=actor or counsellor, conference=conference,
                                        data=services.ParticipantData(**values))
    return make


@pytest.fixture
def goal(case, counsellor, today):
    from lotse.planning.services import goal_create

    return goal_create(actor=counsellor, case=case, version=0, domain="work", category="labour_market",
                       client_words="Ich möchte wieder in der Buchhaltung arbeiten.",
                       target_on=today + timedelta(days=180))
