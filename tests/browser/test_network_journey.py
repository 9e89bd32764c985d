"""The network around a case in the browser: a referral to the job centre from sending to the whereabouts,
and a case conference from the invitation to the family's summary PDF (Arabic); axe on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_case_journey import _pdf_text
from tests.factories import make_org, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]", has_text=label).first.click()


@pytest.fixture
def world(db):
    from lotse.cases.services import case_request
    from lotse.consent.services import consent_record, release_record
    from lotse.network.models import PartnerContact, PartnerService
    from lotse.network.services import partner_create
    from lotse.people.services import PersonData, person_create

    world = make_org("A")
    counsellor = world.user("counsellor")
    person = person_create(actor=counsellor, team=world.team, data=PersonData(
        family_name="Haddad", given_names="Amal", name_original_script="أمل حداد", preferred_language="ara"))
    jobcentre = partner_create(actor=counsellor, organisation=world.organisation, name="Jobcenter Lindenau",
                               partner_type="job_centre")
    PartnerService.objects.create(partner=jobcentre, name="Integration Point")
    PartnerContact.objects.create(partner=jobcentre, name="Frau Berg", function="Integrationsfachkraft")
    school = partner_create(actor=counsellor, organisation=world.organisation, name="Grundschule am Markt",
                            partner_type="school")
    today = timezone.localdate()
    consent_record(actor=counsellor, person=person, purpose="sharing", given_on=today, form="paper")
    release_record(actor=counsellor, person=person, recipient=jobcentre, categories=["master_data", "work", "case"],
                   purpose="Vermittlung und Fallkonferenz", given_on=today, valid_until=today + timedelta(days=365),
                   form="paper")
    case = case_request(actor=counsellor, person=person, offering=world.offering)
    return {"world": world, "counsellor": counsellor, "person": person, "case": case, "jobcentre": jobcentre,
            "school": school}


def test_a_referral_from_sending_to_whereabouts(page, live_server, world):
    from lotse.consent.models import Disclosure
    from lotse.referrals.models import Referral

    counsellor, case, jobcentre = world["counsellor"], world["case"], world["jobcentre"]
    login(page, live_server, counsellor, verified_device(counsellor))
    base, today = live_server.url, timezone.localdate()

    # Without a release for the school, the referral there is refused and nothing is sent.
    page.goto(f"{base}/faelle/{case.public_id}/vermittlungen/neu/")
    assert_accessible(page)
    page.select_option("#id_partner", str(world["school"].public_id))
    page.locator("input[name=categories][value=master_data]").check()
    page.fill("#id_reason", "Anmeldung des Sohnes")
    _submit(page, "Vermittlung senden")
    assert page.get_by_text("Schweigepflichtentbindung", exact=False).first.is_visible()
    assert not Referral.objects.exists()
    assert Disclosure.objects.filter(recipient=world["school"], allowed=False).count() == 1
    assert_accessible(page)

    # To the job centre's Integration Point, with master data and work.
    page.select_option("#id_partner", str(jobcentre.public_id))
    page.locator("input[name=categories][value=work]").check()
    page.fill("#id_reason", "Unterstützung bei der Arbeitssuche, Anerkennung des Berufsabschlusses")
    _submit(page, "Vermittlung senden")
    referral = Referral.objects.get()
    assert referral.partner == jobcentre and page.url.endswith(f"/vermittlungen/{referral.public_id}/")
    assert_accessible(page)

    letter = _pdf_text(_download(page, f"/vermittlungen/{referral.public_id}/brief-partner/"))
    assert "Jobcenter Lindenau" in letter and "Haddad" in letter

    # Accepted, appointment, outcome, whereabouts: each step on its own page.
    for step, fill, button in (
        ("rueckmeldung", {"#id_accepted_on": today.isoformat()}, "Speichern"),
        ("termin", {"#id_appointment_on": today.isoformat()}, "Termin speichern"),
    ):
        page.goto(f"{base}/vermittlungen/{referral.public_id}/{step}/")
        for selector, value in fill.items():
            page.fill(selector, value)
        _submit(page, button)
        assert_accessible(page)
    referral.refresh_from_db()
    assert referral.accepted_on == today and referral.appointment_on == today

    page.goto(f"{base}/vermittlungen/{referral.public_id}/ergebnis/")
    page.locator("input[name=outcome][value=took_place]").check()
    page.fill("#id_outcome_on", today.isoformat())
    _submit(page, "Ergebnis speichern")
    page.goto(f"{base}/vermittlungen/{referral.public_id}/verbleib/")
    assert_accessible(page)
    page.locator("input[name=whereabouts][value=stayed]").check()
    page.fill("#id_whereabouts_on", today.isoformat())
    _submit(page, "Verbleib speichern")
    referral.refresh_from_db()
    assert referral.outcome == "took_place" and referral.whereabouts == "stayed"
    assert page.get_by_text("Verbleib", exact=False).first.is_visible()
    assert_accessible(page)

    # The figures per partner count it.
    page.goto(f"{base}/vermittlungen/auswertung/")
    assert page.get_by_role("rowheader", name="Jobcenter Lindenau").first.is_visible()
    assert_accessible(page)


def _download(page, href_part: str) -> object:
    with page.expect_download() as info:
        page.locator(f"a[href*='{href_part}']").first.click()
    return info.value


def test_a_case_conference_from_invitation_to_the_family_summary(page, live_server, world):
    from lotse.conferences.models import Conference, Decision

    counsellor, case, jobcentre = world["counsellor"], world["case"], world["jobcentre"]
    contact = jobcentre.contacts.get()
    login(page, live_server, counsellor, verified_device(counsellor))
    base = live_server.url
    when = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0)

    page.goto(f"{base}/faelle/{case.public_id}/fallkonferenzen/neu/")
    assert_accessible(page)
    page.fill("#id_title", "Arbeitsaufnahme und Kinderbetreuung")
    page.fill("#id_scheduled_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_location", "Caritas-Haus, Raum 1.04")
    page.fill("#id_agenda", "Stand der Arbeitssuche\nKinderbetreuung während des Sprachkurses")
    _submit(page, "Fallkonferenz planen")
    conference = Conference.objects.get()
    assert page.url.endswith(f"/fallkonferenzen/{conference.public_id}/")
    assert_accessible(page)

    # The school has no release: it cannot be invited. Frau Berg of the job centre can.
    page.goto(f"{base}/fallkonferenzen/{conference.public_id}/teilnehmende/neu/?art=partner")
    page.select_option("#id_partner", f"p:{world['school'].public_id}")
    _submit(page, "Einladen")
    assert page.get_by_text("Schweigepflichtentbindung", exact=False).first.is_visible()
    assert not conference.participants.filter(partner=world["school"]).exists()
    page.select_option("#id_partner", f"c:{contact.public_id}")
    page.fill("#id_role", "Integrationsfachkraft")
    _submit(page, "Einladen")
    page.goto(f"{base}/fallkonferenzen/{conference.public_id}/teilnehmende/neu/?art=familie")
    _submit(page, "Einladen")
    assert conference.participants.count() == 2
    page.goto(f"{base}/fallkonferenzen/{conference.public_id}/")
    assert page.locator("#invitation-text").input_value().count("Stand der Arbeitssuche") == 1
    assert_accessible(page)

    # Minutes with attendance, then a decision for the job centre.
    page.goto(f"{base}/fallkonferenzen/{conference.public_id}/protokoll/")
    for box in page.locator("input[name=attended]").all():
        box.check()
    page.fill("#id_minutes", "Interne Notiz: Familie wirkt belastet.")
    _submit(page, "Protokoll speichern")
    page.goto(f"{base}/fallkonferenzen/{conference.public_id}/beschluesse/neu/")
    assert_accessible(page)
    page.fill("#id_text", "Termin zur Anerkennungsberatung vereinbaren")
    page.select_option("#id_responsible", str(conference.participants.get(partner_contact=contact).public_id))
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=14)).isoformat())
    _submit(page, "Beschluss erfassen")
    assert Decision.objects.filter(conference=conference).count() == 1
    assert_accessible(page)

    summary = _pdf_text(_download(page, f"/fallkonferenzen/{conference.public_id}/zusammenfassung/?sprache=ar"))
    assert "Termin zur Anerkennungsberatung vereinbaren" in summary and "أمل حداد" in summary
    assert "Interne Notiz" not in summary
