"""The whole counselling journey in one browser session, and who may see it afterwards.

A counsellor logs in with the second factor, records an anonymous walk-in, registers a family of five with
Arabic names (one of them looks like a person already on file: the duplicate warning shows), opens an MBE
case, records consent and a release for the job centre, documents two sessions, an assessment and an
integration plan, prints the bilingual goal agreement, refers the client to the job centre, holds a case
conference and closes the case with its evaluation. Every page reached is recorded and checked with axe-core
in the state the user sees.

Then the team lead reads the month's controlling (exact figures), the coordinator only protected aggregates
and none of the recorded client pages, and the staff of another organisation none of the recorded pages.
Only the world is set up with services: organisations, users with TOTP devices, the job centre and the
person already on file.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import AXE_JS, assert_accessible, fresh_code
from tests.browser.test_case_journey import _pdf_text, fill_closure
from tests.factories import PASSWORD, german, make_org, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAIN_CLIENT = ("Haddad", "Amal", "أمل حداد", "12.05.1986")
FAMILY = [  # family name, given names, original script, date of birth
    ("Alhasan", "Muhammad", "محمد الحسن", "01.03.1980"),  # "Mohammed Al-Hassan" is on file: duplicate warning
    ("Alhasan", "Yusuf", "يوسف الحسن", "03.09.2010"),
    ("Alhasan", "Lina", "لينا الحسن", "20.02.2014"),
    ("Alhasan", "Sara", "سارة الحسن", "07.11.2019"),
]
CLIENT_NAMES = ("Haddad", "Alhasan", "حداد", "الحسن", "Al-Hassan")


@dataclass
class Journey:
    """One user's way through Lotse: each page reached is recorded (path and query) and checked with axe.

    axe-core is registered as an init script (DevTools ``Page.addScriptToEvaluateOnNewDocument``, outside the
    page's CSP like the ``page.evaluate`` in ``assert_accessible``), so it is not sent again for each of the
    hundred pages; ``assert_accessible`` finds it loaded and only runs it. The CSP stays enforced for the app.
    """

    page: object
    base: str
    user: object = None
    pages: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.add_init_script(path=str(AXE_JS))

    def arrived(self) -> str:
        assert self.page.url.startswith(self.base), self.page.url
        path = self.page.url[len(self.base):].split("#")[0]
        if path not in self.pages:
            self.pages.append(path)
        assert_accessible(self.page)
        return path

    def goto(self, path: str) -> str:
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: {response.status}"
        return self.arrived()

    def follow(self, locator) -> str:
        with self.page.expect_navigation():
            locator.click()
        return self.arrived()

    def link(self, msgid: str) -> str:
        return self.follow(self.page.locator("main").get_by_role("link", name=german(msgid)).first)

    def nav(self, msgid: str) -> str:
        navigation = self.page.locator("nav.lotse-nav")
        return self.follow(navigation.get_by_role("link", name=german(msgid), exact=True))

    def submit(self, msgid: str | None = None) -> str:
        """Send the page's form; a form shown again with errors fails here, with the errors in the message."""
        buttons = self.page.locator("main form button[type=submit]")
        button = buttons.filter(has_text=german(msgid)).first if msgid else \
            self.page.locator("main form.lotse-form button[type=submit]").first
        with self.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        errors = self.page.locator("main .kern-error, main [aria-invalid=true]")
        assert response.status < 400 and not errors.count(), (
            f"{self.page.url}: {response.status} " + " | ".join(errors.all_inner_texts()))
        return self.arrived()

    def download(self, locator) -> str:
        href = locator.get_attribute("href")
        self.downloads.append(href)
        with self.page.expect_download() as info:
            locator.click()
        return _pdf_text(info.value)


def log_in(journey: Journey, user, device) -> None:
    """Password, then the current TOTP code, through the real forms (both pages axe-checked)."""
    page, journey.user = journey.page, user
    journey.goto("/konto/anmelden/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    journey.submit()
    assert page.url.startswith(f"{journey.base}/konto/zwei-faktor/"), page.url
    page.locator("#id_token").fill(fresh_code(device))
    journey.submit()
    assert page.url == f"{journey.base}/", page.url


def _person_id(family_name: str, given_names: str) -> str:
    from lotse.people.models import Person

    return str(Person.objects.get(family_name=family_name, given_names=given_names).public_id)


def _register(journey: Journey, family_name, given_names, original, birth, *, language="") -> None:
    page = journey.page
    page.fill("#id_family_name", family_name)
    page.fill("#id_given_names", given_names)
    page.fill("#id_name_original_script", original)
    page.fill("#id_birth_date", birth)
    if language:
        page.select_option("#id_preferred_language", language)


def _denied_everywhere(journey: Journey, paths: list[str], downloads: list[str]) -> None:
    """Every recorded page and download with a public id answers 403 or 404 and shows no client name.

    Requested with the browser's session (quicker than rendering a hundred error pages); the first refusal of
    each status is also opened in the page, where its error page is checked with axe.
    """
    page, opened = journey.page, set()
    for path in paths + downloads:
        response = page.request.get(journey.base + path, max_redirects=0)
        status, body = response.status, response.text()
        assert status in (403, 404), f"{path} answered {status} for {journey.user}"
        shown = [name for name in CLIENT_NAMES if name in body]
        assert not shown, f"{path} shows {shown} to {journey.user}"
        if status not in opened:
            opened.add(status)
            assert page.goto(journey.base + path).status == status
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page)


def _monthly_report(journey: Journey, month: str) -> None:
    """From the start page through the statistics overview to this month's controlling."""
    page = journey.page
    journey.nav("Statistics")
    page.select_option("#id_kind", "monthly")
    page.fill("#id_period", month)
    journey.submit("Show report")
    assert "/statistik/monthly/" in page.url and f"period={month}" in page.url


def _cell(page, table: str, row: str) -> str:
    """The current month's value of a row of a report table."""
    return page.locator(f"#table-{table} tr[data-row='{row}'] td").first.inner_text().strip()


@pytest.fixture
def world(transactional_db):
    from lotse.network.models import PartnerContact
    from lotse.network.services import partner_create
    from lotse.organisations.models import Role
    from lotse.people.services import PersonData, person_create

    own, other = make_org("A"), make_org("B")
    counsellor = own.user(Role.COUNSELLOR)
    jobcentre = partner_create(actor=own.user(Role.ORG_ADMIN), organisation=own.organisation,
                               name="Jobcenter Lindenau", partner_type="job_centre")
    PartnerContact.objects.create(partner=jobcentre, name="Frau Berg", function="Integrationsfachkraft")
    existing = person_create(actor=counsellor, team=own.team, data=PersonData(
        family_name="Al-Hassan", given_names="Mohammed", birth_date=date(1980, 3, 1),
        birth_date_precision="exact"))
    return {"own": own, "other": other, "jobcentre": jobcentre, "existing": existing}


def test_the_whole_journey_and_who_sees_it_afterwards(new_page, live_server, world):
    from lotse.cases.models import Case
    from lotse.conferences.models import Conference, Decision
    from lotse.consent.models import Consent, Disclosure, Release
    from lotse.contacts.models import Contact
    from lotse.documents import texts
    from lotse.intake.models import FirstContact
    from lotse.organisations.models import Role
    from lotse.people.models import HouseholdMember, Person, Relationship
    from lotse.planning.models import Assessment, Goal, GoalAgreement, Step
    from lotse.referrals.models import Referral

    own, jobcentre = world["own"], world["jobcentre"]
    counsellor = own.user(Role.COUNSELLOR)
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    journey = Journey(new_page(), live_server.url)
    page = journey.page

    # 1. Login with the second factor.
    log_in(journey, counsellor, verified_device(counsellor))

    # 2. An anonymous walk-in: a first contact without a person.
    journey.nav("First contacts")
    journey.follow(page.locator("main a[href$='/erstkontakte/neu/']").first)
    page.locator("input[name=channel][value=office_hour]").check()
    page.locator("input[name=outcome][value=answered]").check()
    page.fill("#id_concern", "Fragt nach einem Deutschkurs.")
    page.locator("input[name=topics]").first.check()
    journey.submit()
    walk_in = FirstContact.objects.get()
    assert walk_in.person is None and walk_in.outcome == "answered"
    journey.follow(page.locator(f"main a[href$='/erstkontakte/{walk_in.public_id}/']"))

    # 3. The family of five: the main client, then four members; one of them looks like a person on file.
    journey.nav("Persons")
    register_path = journey.link("Register a person")
    _register(journey, *MAIN_CLIENT, language="ara")
    journey.submit()
    amal = Person.objects.get(family_name="Haddad")
    assert journey.page.url.endswith(f"/personen/{amal.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("أمل حداد")

    journey.goto(register_path)
    _register(journey, *FAMILY[0])
    with page.expect_navigation():
        page.locator("main form.lotse-form button[type=submit]").click()
    journey.arrived()
    warning = page.get_by_role("alert").filter(has_text=german("This person may already be registered"))
    expect(warning).to_be_visible()
    on_file = page.locator("main tr", has=page.locator(f"a[href='/personen/{world['existing'].public_id}/']"))
    expect(on_file).to_contain_text("Al-Hassan, Mohammed")
    expect(on_file).to_contain_text("01.03.1980")
    assert not Person.objects.filter(family_name="Alhasan").exists()
    page.get_by_label(german("I checked the possible duplicates: this is another person")).check()
    journey.submit()
    for member in FAMILY[1:]:
        journey.goto(register_path)
        _register(journey, *member)
        journey.submit()
    assert Person.objects.filter(team=own.team).count() == 6  # the family and the person already on file

    # Household with all five, and the relations: partners, parents of three children.
    journey.goto(f"/personen/{amal.public_id}/")
    journey.link("Create household")
    journey.submit()
    household_path = journey.pages[-1]
    for family_name, given_names, _original, _birth in FAMILY:
        page.select_option("#id_person", _person_id(family_name, given_names))
        journey.submit("Add")
    assert HouseholdMember.objects.filter(until__isnull=True).count() == 5
    muhammad = Person.objects.get(family_name="Alhasan", given_names="Muhammad")
    journey.goto(f"/personen/{amal.public_id}/")
    relations = (("partner", "Muhammad"), ("parent", "Yusuf"), ("parent", "Lina"), ("parent", "Sara"))
    for kind, given_names in relations:
        journey.link("Add family relation")
        page.select_option("#id_kind", kind)
        page.select_option("#id_relative", _person_id("Alhasan", given_names))
        journey.submit()
        assert page.url.endswith(f"/personen/{amal.public_id}/")
    assert set(Relationship.objects.filter(person=amal).values_list("kind", "relative__given_names")) == set(
        relations)
    journey.goto(household_path)
    expect(page.locator("main .lotse-genogram svg")).to_be_visible()

    # 4. The MBE case of the main client, with her husband counselled too.
    journey.goto(f"/personen/{amal.public_id}/")
    journey.link("Open a case")
    journey.submit("Open case")
    case = Case.objects.get(person=amal)
    assert case.status == "open" and case.offering.programme == "mbe"
    case_path = f"/faelle/{case.public_id}/"
    journey.link("Add a family member")
    page.select_option("#id_person", str(muhammad.public_id))
    journey.submit("Add")
    assert case.members.get().person == muhammad

    # 5. Consent to sharing and the release from confidentiality for the job centre.
    journey.link("Manage consents and releases")
    journey.link("Record consent")
    page.locator("input[name=purpose][value=sharing]").check()
    page.locator("input[name=form][value=paper]").check()
    journey.submit()
    journey.link("Record release")
    page.select_option("#id_recipient", str(jobcentre.public_id))
    for category in ("master_data", "work", "case"):
        page.locator(f"input[name=categories][value={category}]").check()
    page.fill("#id_purpose", "Vermittlung zum Jobcenter und Fallkonferenz")
    page.fill("#id_valid_until", (today + timedelta(days=365)).strftime("%d.%m.%Y"))
    page.locator("input[name=form][value=paper]").check()
    journey.submit()
    assert Consent.objects.get(person=amal).purpose == "sharing"
    assert Release.objects.get(person=amal).recipient == jobcentre

    # 6. Two counselling sessions.
    for kind, present in (("office_hour", True), ("phone", False)):
        journey.goto(case_path)
        journey.link("Record a contact")
        page.select_option("#id_kind", kind)
        page.locator("input[name=topics]").first.check()
        if present:
            page.locator(f"input[name=persons_present][value='{muhammad.public_id}']").check()
        journey.submit("Save contact")
        assert "/kontakte/" in page.url
    assert Contact.objects.filter(case=case).count() == 2

    # 7. Assessment and integration plan: a goal with a step.
    journey.goto(case_path)
    journey.link("New assessment")
    page.select_option("#id_language_rating", "2")
    page.fill("#id_language_needs", "Deutschkurs B1")
    journey.submit()
    assert Assessment.objects.filter(case=case).count() == 1
    journey.goto(case_path)
    journey.link("Open the integration plan")
    journey.link("New goal")
    page.select_option("#id_domain", "work")
    page.select_option("#id_category", "labour_market")
    page.fill("#id_client_words", "Ich möchte wieder als Buchhalterin arbeiten.")
    page.fill("#id_target_on", (today + timedelta(days=180)).isoformat())
    journey.submit()
    goal = Goal.objects.get(plan__case=case)
    journey.link("Add a step")
    page.fill("#id_description", "Zeugnisse übersetzen lassen")
    page.locator("input[name=responsible][value=client]").check()
    page.fill("#id_due_on", (today + timedelta(days=14)).isoformat())
    journey.submit()
    assert Step.objects.get(goal=goal).description == "Zeugnisse übersetzen lassen"

    # 8. The bilingual goal agreement, printed.
    journey.link("Make a goal agreement")
    page.select_option("#id_language", "ar")
    journey.submit()
    agreement = GoalAgreement.objects.get(case=case)
    pdf_link = f"/zielvereinbarungen/{agreement.public_id}/pdf/"
    chosen = page.locator(f"main a[aria-current=true][href*='{pdf_link}']")  # German and the chosen language
    expect(chosen).to_contain_text(german("German and %(name)s") % {"name": texts.language("ar").name})
    text = journey.download(chosen).replace("\u200c", "")
    arabic = texts.load("goal_agreement", "ar")["texts"]
    assert "Zielvereinbarung" in text and "Buchhalterin" in text and "أمل حداد" in text
    assert arabic["title"] in text and arabic["client_does"] in text
    page.fill("#id_signed_by_client", "Amal Haddad")
    journey.submit()
    agreement.refresh_from_db()
    assert agreement.signed_on == today

    # 9. The referral to the job centre, covered by the release.
    journey.goto(case_path)
    journey.link("New referral")
    page.select_option("#id_partner", str(jobcentre.public_id))
    page.locator("input[name=categories][value=work]").check()
    page.fill("#id_reason", "Unterstützung bei der Arbeitssuche, Anerkennung des Berufsabschlusses")
    journey.submit("Send referral")
    referral = Referral.objects.get(case=case)
    assert referral.partner == jobcentre and page.url.endswith(f"/vermittlungen/{referral.public_id}/")
    release = Release.objects.get(person=amal)
    assert Disclosure.objects.filter(recipient=jobcentre, release=release, allowed=True).exists()

    # 10. The case conference: planned, participants invited, held, a decision as a step of the plan.
    journey.goto(case_path)
    journey.link("Plan a case conference")
    page.fill("#id_title", "Arbeitsaufnahme und Kinderbetreuung")
    page.fill("#id_scheduled_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_location", "Beratungsstelle, Raum 1.04")
    journey.submit("Plan a case conference")
    conference = Conference.objects.get(case=case)
    conference_path = journey.pages[-1]
    berg = jobcentre.contacts.get()
    journey.follow(page.locator("main a[href*='teilnehmende/neu/?art=partner']"))
    page.select_option("#id_partner", f"c:{berg.public_id}")
    page.fill("#id_role", "Integrationsfachkraft")
    journey.submit("Invite")
    journey.goto(conference_path)
    journey.follow(page.locator("main a[href*='teilnehmende/neu/?art=familie']"))
    page.select_option("#id_person", str(amal.public_id))
    page.fill("#id_role", "Klientin")
    journey.submit("Invite")
    invited = conference.participants.exclude(kind="staff")
    assert {(one.kind, one.partner_contact_id, one.person_id) for one in invited} == {
        ("partner", berg.pk, None), ("family", None, amal.pk)}
    journey.goto(conference_path)
    journey.link("Record minutes and attendance")
    for box in page.locator("input[name=attended]").all():
        box.check()
    page.fill("#id_minutes", "Frau Berg prüft die Anerkennung; Kinderbetreuung über die Kita.")
    journey.submit()
    journey.goto(conference_path)
    journey.link("Record a decision")
    page.fill("#id_text", "Termin zur Anerkennungsberatung vereinbaren")
    page.select_option("#id_responsible", str(conference.participants.get(partner_contact=berg).public_id))
    page.fill("#id_due_on", (today + timedelta(days=14)).isoformat())
    page.select_option("#id_goal", str(goal.public_id))
    journey.submit()
    conference.refresh_from_db()
    assert conference.held_on is not None and Decision.objects.get(conference=conference).step is not None

    # 11. Closing with the evaluation: goal reached, open steps done.
    journey.goto(case_path)
    journey.link("Close case")
    fill_closure(page, goal, "Arbeitsstelle gefunden, Ziel erreicht.")
    assert_accessible(page)
    journey.submit("Close case")
    case.refresh_from_db()
    assert case.status == "closed" and case.closures.get().reason == "goals_reached"
    assert Goal.objects.get(pk=goal.pk).status == "reached"
    assert not Step.objects.filter(goal=goal).exclude(status="done").exists()

    recorded = [path for path in journey.pages if UUID.search(path)]
    for part in ("/erstkontakte/", "/personen/", "/haushalte/", "/faelle/", "/kontakte/", "/einschaetzungen/",
                 "/zielvereinbarungen/", "/vermittlungen/", "/fallkonferenzen/"):
        assert any(part in path for path in recorded), f"the journey recorded no page under {part}"
    assert len(journey.downloads) == 1

    # 12. The team lead: this month's controlling with exact figures.
    lead = Journey(new_page(), live_server.url)
    log_in(lead, own.user(Role.TEAM_LEAD), verified_device(own.user(Role.TEAM_LEAD)))
    _monthly_report(lead, month)
    expect(lead.page.locator("#internal-note")).to_be_visible()
    expect(lead.page.locator("#table-by_counsellor")).to_contain_text(counsellor.last_name)
    assert _cell(lead.page, "contacts_by_kind", "office_hour") == "1"
    assert _cell(lead.page, "contacts_by_kind", "phone") == "1"
    assert _cell(lead.page, "cases", "new") == "1" and _cell(lead.page, "cases", "closed") == "1"
    assert _cell(lead.page, "persons_reached", "family_members") == "1"
    assert _cell(lead.page, "referrals", "open") == "1"

    # 13. The coordinator: protected aggregates only, no client page.
    coordinator = own.user(Role.COORDINATOR)
    coordination = Journey(new_page(), live_server.url)
    log_in(coordination, coordinator, verified_device(coordinator))
    _monthly_report(coordination, month)
    expect(coordination.page.locator("#protected-note")).to_be_visible()
    for client_work in ("Persons", "Cases", "First contacts", "Worklist"):
        expect(coordination.page.locator("nav.lotse-nav")).not_to_contain_text(german(client_work))
    assert coordination.page.locator("#table-by_counsellor").count() == 0  # names of staff: internal only
    counts = [cell.strip() for cell in coordination.page.locator("td.reports-count").all_inner_texts()]
    assert "•" in counts and not [value for value in counts if re.fullmatch(r"[1-4]", value)]
    assert not [name for name in CLIENT_NAMES if name in coordination.page.locator("body").inner_text()]
    _denied_everywhere(coordination, recorded, journey.downloads)

    # 14. Another organisation's counsellor and administrator reach none of the pages.
    for role in (Role.COUNSELLOR, Role.ORG_ADMIN):
        stranger = world["other"].user(role)
        outsider = Journey(new_page(), live_server.url)
        log_in(outsider, stranger, verified_device(stranger))
        _denied_everywhere(outsider, recorded, journey.downloads)
