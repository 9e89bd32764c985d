"""A counsellor runs a case from the first contact to closure in the browser, printing every document on the way:
conversation record, goal agreement (Arabic), appointment letter; axe on every page visited."""

import io
import re
import unicodedata
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone

from lotse.documents import texts
from tests.browser.conftest import assert_accessible, login
from tests.factories import make_org, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]



def fill_closure(page, goal, note: str) -> None:
    """The closure form: goals reached, every evaluation question yes, open items done."""
    page.select_option("#id_reason", "goals_reached")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.locator("input[name=open_items][value=done]").check()
    page.select_option(f"#id_goal_{goal.public_id}", "reached")
    page.fill("#id_note", note)

def _pdf_text(download) -> str:
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def _download(page, link_text: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).first.click()
    return _pdf_text(info.value)


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def test_a_case_from_opening_to_closure_with_every_document(page, live_server):
    from lotse.cases.models import Case, Task
    from lotse.intake.models import FirstContact
    from lotse.network.models import Partner
    from lotse.people.services import PersonData, person_create
    from lotse.planning.models import Goal, GoalAgreement

    world = make_org("A")
    counsellor = world.user("counsellor")
    person = person_create(actor=counsellor, team=world.team, data=PersonData(
        family_name="Haddad", given_names="Amal", name_original_script="أمل حداد", preferred_language="ara"))
    Partner.objects.create(organisation=world.organisation, name="Jobcenter Lindenau", partner_type="job_centre")
    login(page, live_server, counsellor, verified_device(counsellor))
    base = live_server.url

    # First contact in the office hour, linked to the registered person.
    page.goto(f"{base}/erstkontakte/neu/")
    page.locator("input[name=channel][value=office_hour]").check()
    page.locator("input[name=outcome][value=case_opened]").check()
    page.fill("#id_concern", "Sucht Arbeit und einen Deutschkurs.")
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    page.goto(f"{base}/erstkontakte/{FirstContact.objects.get().public_id}/")
    page.select_option("#id_person", str(person.public_id))
    _submit(page, "Verknüpfen")
    assert FirstContact.objects.get().person == person

    # Open the case from the person's page.
    page.goto(f"{base}/personen/{person.public_id}/")
    page.get_by_role("link", name="Fall eröffnen").click()
    _submit(page, "Fall eröffnen")
    case = Case.objects.get(person=person)
    assert page.url.endswith(f"/faelle/{case.public_id}/")
    assert_accessible(page)

    # A counselling contact with an agreement and the next appointment.
    page.get_by_role("link", name="Kontakt erfassen").first.click()
    assert_accessible(page)
    page.locator("input[name=topics]").first.check()
    page.fill("#id_agreement_1_title", "Anmeldung zum Sprachkurs mitbringen")
    page.select_option("#id_agreement_1_responsible", "client")
    page.fill("#id_agreement_1_due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    next_at = (timezone.localtime() + timedelta(days=14)).replace(hour=10, minute=0)
    page.fill("#id_next_appointment_at", next_at.strftime("%Y-%m-%dT%H:%M"))
    _submit(page, "Kontakt speichern")
    assert "/kontakte/" in page.url
    assert Task.objects.get(case=case).title == "Anmeldung zum Sprachkurs mitbringen"
    assert_accessible(page)
    record = _download(page, "Gesprächsprotokoll drucken")
    assert "Gesprächsprotokoll" in record and "Anmeldung zum Sprachkurs mitbringen" in record

    # Assessment, integration plan with a goal and a step.
    page.goto(f"{base}/faelle/{case.public_id}/einschaetzungen/neu/")
    page.select_option("#id_language_rating", "2")
    page.fill("#id_language_needs", "Deutschkurs B1")
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    assert "/einschaetzungen/" in page.url
    assert_accessible(page)
    page.goto(f"{base}/faelle/{case.public_id}/integrationsplan/ziele/neu/")
    page.select_option("#id_domain", "language")
    page.select_option("#id_category", "german")
    page.fill("#id_client_words", "Ich möchte Deutsch sprechen, um bei der Arbeit mitreden zu können.")
    page.fill("#id_target_on", (timezone.localdate() + timedelta(days=180)).isoformat())
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    goal = Goal.objects.get(plan__case=case)
    page.goto(f"{base}/ziele/{goal.public_id}/schritte/neu/")
    page.fill("#id_description", "Anmeldung beim Kursträger")
    page.locator("input[name=responsible][value=client]").check()
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=14)).isoformat())
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    assert "/integrationsplan/" in page.url
    assert_accessible(page)

    # The goal agreement in German and Arabic, then its signature.
    page.goto(f"{base}/faelle/{case.public_id}/zielvereinbarungen/neu/")
    page.select_option("#id_language", "ar")
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    agreement = GoalAgreement.objects.get(case=case)
    assert_accessible(page)
    with page.expect_download() as info:  # the link for German and the client's language, not "German only"
        page.locator(f"main a[aria-current=true][href*='/zielvereinbarungen/{agreement.public_id}/pdf/']").click()
    text = _pdf_text(info.value).replace("\u200c", "")
    assert "Zielvereinbarung" in text and "أمل حداد" in text
    assert texts.load("goal_agreement", "ar")["texts"]["title"] in text
    page.fill("#id_signed_by_client", "Amal Haddad")
    _submit(page, page.locator("form.lotse-form button[type=submit]").inner_text().strip())
    agreement.refresh_from_db()
    assert agreement.signed_on == timezone.localdate()

    # The appointment letter of the next appointment, from the case file.
    page.goto(f"{base}/faelle/{case.public_id}/")
    letter = _download(page, "Terminbrief")
    assert "Haddad" in letter

    # The worklist shows the case's entries and is accessible.
    page.goto(f"{base}/arbeitsliste/")
    assert_accessible(page)

    # Close with evaluation: open goals, steps and tasks are marked done.
    page.goto(f"{base}/faelle/{case.public_id}/abschliessen/")
    fill_closure(page, goal, "Sprachkurs begonnen, Ziel erreicht.")
    assert_accessible(page)
    _submit(page, "Fall abschließen")
    case.refresh_from_db()
    assert case.status == "closed" and case.closures.get().reason == "goals_reached"
    assert Goal.objects.get(pk=goal.pk).status == "reached"
    assert_accessible(page)


def test_a_routine_contact_by_keyboard_alone(page, live_server):
    from lotse.cases.services import case_request
    from lotse.contacts.models import Contact
    from lotse.people.services import PersonData, person_create

    world = make_org("A")
    counsellor = world.user("counsellor")
    person = person_create(actor=counsellor, team=world.team, data=PersonData(family_name="Ahmadi",
                                                                              given_names="Zainab"))
    case = case_request(actor=counsellor, person=person, offering=world.offering)
    login(page, live_server, counsellor, verified_device(counsellor))
    page.goto(f"{live_server.url}/faelle/{case.public_id}/kontakte/neu/")
    page.locator("#id_occurred_at").focus()  # date/time and duration are prefilled, type and outcome preset
    for _ in range(10):  # on to the first topic
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "topics":
            break
    assert page.evaluate("document.activeElement.name") == "topics"
    page.keyboard.press("Space")
    for _ in range(60):  # past the optional fields to "save"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.innerText").strip() == "Kontakt speichern"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    contact = Contact.objects.get(case=case)
    assert contact.duration_minutes == 30 and contact.kind == "office_hour" and contact.topics.count() == 1
    assert_accessible(page)
