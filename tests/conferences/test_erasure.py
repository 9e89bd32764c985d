"""Erasure (Art. 17) and the Art. 15 export with network data: a family member who took part in a case
conference of someone else's case can be erased; the conference keeps an anonymous participant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.cases.models import CaseMember
from lotse.conferences import services
from lotse.conferences.models import Decision, Participant, ParticipantKind
from lotse.consent.services import consent_record
from lotse.privacy.export import collect
from lotse.privacy.services import person_erase

pytestmark = pytest.mark.django_db


def test_a_conference_participant_can_be_erased_and_the_decision_stays(case, member, counsellor):
    today = timezone.localdate()
    for person in (case.person, member):
        consent_record(actor=counsellor, person=person, purpose="sharing", given_on=today, form="paper")
    conference = services.conference_create(actor=counsellor, case=case, data=services.ConferenceData(
        title="Schulwechsel", scheduled_at=timezone.now() - timedelta(hours=1), categories=["case"],
        persons=[case.person, member], agenda="Schule"))
    karim = services.participant_add(actor=counsellor, conference=conference, data=services.ParticipantData(
        kind=ParticipantKind.FAMILY, person=member, role="Sohn"))
    services.decision_create(actor=counsellor, conference=conference, data=services.DecisionData(
        text="Anmeldung an der Realschule", responsible=karim, due_on=today + timedelta(days=7)))
    assert [row["title"] for row in collect(member)["case_conferences"]] == ["Schulwechsel"]

    CaseMember.objects.filter(person=member).update(until=today)
    person_erase(actor=counsellor, person=member, reason="Antrag auf Löschung")

    karim = Participant.objects.get(pk=karim.pk)
    assert karim.person_id is None and karim.kind == ParticipantKind.OTHER and "Karim" not in karim.name
    assert Decision.objects.get().responsible == karim
