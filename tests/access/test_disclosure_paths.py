"""Issue #6 acceptance: every path on which client data leaves the team refuses without a valid release for the
recipient — referral, case conference, partner report, volunteer view, hand-over. One test per path, each also
showing that the same step succeeds once the release is there (so the refusal is the release's doing)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.models import Case, Indicator, Task
from lotse.consent.models import Disclosure
from lotse.consent.services import DisclosureRefused, consent_record, release_record
from lotse.network.services import partner_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def case(org_a, make_person, counsellor):
    person = make_person(birth_date=date(1990, 4, 12))
    consent_record(actor=counsellor, person=person, purpose="sharing", given_on=TODAY, form="paper")
    return case_services.case_request(actor=counsellor, person=person, offering=org_a.offering)


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="VHS Lindenau",
                          partner_type="course_provider")


def _release(counsellor, person, recipient, categories):
    return release_record(actor=counsellor, person=person, recipient=recipient, categories=categories,
                          purpose="Zusammenarbeit", given_on=TODAY, valid_until=TODAY + timedelta(days=180),
                          form="paper")


def _refusals(recipient) -> int:
    return Disclosure.objects.filter(recipient=recipient, allowed=False).count()


def test_referral_is_refused_without_a_release(case, counsellor, partner, cclient):
    from lotse.referrals.models import Referral

    url = reverse("referrals:referral_create", args=[case.public_id])
    form = {"person": str(case.person.public_id), "partner": str(partner.public_id), "categories": ["master_data"],
            "reason": "Anmeldung Integrationskurs", "sent_on": TODAY.isoformat()}
    response = cclient.post(url, form)
    assert response.status_code == 422 and "Schweigepflichtentbindung" in response.content.decode()
    assert not Referral.objects.exists() and _refusals(partner) == 1

    _release(counsellor, case.person, partner, ["master_data"])
    assert cclient.post(url, form).status_code == 302
    assert Referral.objects.get().partner == partner


def test_conference_participant_is_refused_without_a_release(case, counsellor, partner):
    from lotse.conferences import services
    from lotse.conferences.models import Participant

    conference = services.conference_create(actor=counsellor, case=case, data=services.ConferenceData(
        title="Kursabbruch verhindern", scheduled_at=timezone.make_aware(datetime.combine(TODAY + timedelta(days=3),
                                                                                          time(10))),
        categories=["case"]))
    data = services.ParticipantData(kind="partner", partner=partner, role="Kursleitung")
    with pytest.raises(DisclosureRefused):
        services.participant_add(actor=counsellor, conference=conference, data=data)
    assert not Participant.objects.filter(conference=conference, partner=partner).exists()
    assert _refusals(partner) == 1

    _release(counsellor, case.person, partner, ["case"])
    assert services.participant_add(actor=counsellor, conference=conference, data=data).partner == partner


def test_partner_report_is_not_accepted_without_a_release(case, counsellor, partner):
    from lotse.partnerreports import services
    from lotse.partnerreports.models import PartnerReport

    link, _token = services.link_create(actor=counsellor, partner=partner, label="Kursbüro")
    report = {"family_name": "Haddad", "given_names": "Amal", "birth_date": date(1990, 4, 12),
              "kind": "absent", "occurred_on": TODAY - timedelta(days=1), "note": ""}
    assert services.report_submit(link=link, **report) == services.Outcome.NOT_ACCEPTED
    assert not PartnerReport.objects.exists()
    assert not Task.objects.filter(case=case, source=Task.Source.PARTNER_REPORT).exists()

    _release(counsellor, case.person, partner, ["education"])
    assert services.report_submit(link=link, **report) == services.Outcome.ACCEPTED
    assert Task.objects.get(case=case, source=Task.Source.PARTNER_REPORT).responsible_user == case.owner


def test_volunteer_view_shows_nothing_without_a_release(case, counsellor, org_a, client):
    from lotse.pools import services
    from lotse.pools.services import LanguageEntry, MemberData

    volunteer = services.pool_member_create(actor=counsellor, organisation=org_a.organisation, data=MemberData(
        kind="volunteer", name="Gisela Brandt", languages=(LanguageEntry("deu", "native"),),
        confidentiality_signed_on=TODAY - timedelta(days=30)))
    assignment = services.volunteer_assign(actor=counsellor, case=case, member=volunteer, purpose="Begleitung")
    _assignment, token = services.volunteer_link_create(actor=counsellor, assignment=assignment)
    url = reverse("pools:volunteer_view", args=[token])

    page = client.get(url).content.decode()
    assert "Haddad" not in page and "Amal" not in page
    assert _refusals(volunteer.partner) == 1

    _release(counsellor, case.person, volunteer.partner, ["master_data"])
    assert "Haddad" in client.get(url).content.decode()


def test_hand_over_is_refused_without_a_release(case, counsellor, org_a):
    asd = partner_create(actor=counsellor, organisation=org_a.organisation, name="ASD Lindenau",
                         partner_type="youth_office")
    close = {"reason": "handed_over", "indicators": {code: "yes" for code in Indicator.values}, "handover_to": asd}
    with pytest.raises(DisclosureRefused):
        case_services.case_close(actor=counsellor, case=case, version=Case.objects.get(pk=case.pk).version, **close)
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN and _refusals(asd) == 1

    _release(counsellor, case.person, asd, ["master_data", "case"])
    closure = case_services.case_close(actor=counsellor, case=case, version=Case.objects.get(pk=case.pk).version,
                                       **close)
    assert closure.handed_over_to == asd
