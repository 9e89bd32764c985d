"""Each kind exports exactly the rows its list page shows the user — every page of it, in the page's order —
never a foreign organisation's rows and never a confidential field."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from lotse.appointments.selectors import upcoming
from lotse.appointments.services import appointment_create
from lotse.audit.models import AuditEvent
from lotse.audit.selectors import audit_events_list
from lotse.cases.models import Case
from lotse.cases.selectors import case_list
from lotse.cases.services import case_request
from lotse.core.pagination import keyset_page
from lotse.exports.services import export_request
from lotse.exports.sources import EXPORT_SOURCES, read_parameters
from lotse.intake.selectors import first_contact_page
from lotse.intake.services import FirstContactData, first_contact_record
from lotse.organisations.selectors import staff_page
from lotse.people.selectors import person_page, person_search
from tests.exports.conftest import read
from tests.factories import german

pytestmark = pytest.mark.django_db


def _pages(select):
    """Every item of a keyset-paginated selector, following the cursors like a user clicking "next"."""
    items, cursor = [], None
    while True:
        page = select(cursor)
        items += list(page.items if hasattr(page, "items") else page.hits)
        cursor = page.next_cursor
        if not cursor:
            return items


def _export(actor, kind, parameters="", format="csv"):
    job = export_request(actor=actor, kind=kind, parameters=parameters, format=format)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job, read(job)


def _letters(number: int) -> str:
    """Two letters for a running number (names must not contain digits)."""
    return "abcdefghijklmnopqrstuvwxyz"[number // 26] + "abcdefghijklmnopqrstuvwxyz"[number % 26]


def _column(rows, heading):
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


# ---- persons ---------------------------------------------------------------------------------------------

def test_persons_are_the_pages_of_the_person_list(persons, counsellor, make_person):
    for i in range(55):  # more than one page of 50
        make_person(family_name="Zeynep" + _letters(i), given_names="Test")
    shown = _pages(lambda cursor: person_page(actor=counsellor, cursor=cursor))
    assert len(shown) == 58
    job, rows = _export(counsellor, "persons")
    assert _column(rows, "Aktenzeichen") == [person.file_number for person in shown]
    assert job.rows_total == job.rows_done == 58
    assert persons["foreign"].file_number not in _column(rows, "Aktenzeichen")


def test_person_search_exports_the_search_result(persons, counsellor):
    shown = _pages(lambda cursor: person_search(actor=counsellor, query="Haddad", cursor=cursor))
    assert [hit.person for hit in shown] == [persons["haddad"]]
    with translation.override("en"):
        job, rows = _export(counsellor, "persons", "q=Haddad&nach=abc")
    assert _column(rows, "Familienname") == ["Haddad"]
    assert job.parameters == {"q": "Haddad"}
    assert job.title == "Persons (search: “Haddad”)"


def test_person_export_holds_no_confidential_fields(persons, counsellor):
    for file_format in ("csv", "xlsx"):
        job, rows = _export(counsellor, "persons", format=file_format)
        cells = {str(cell) for row in rows for cell in row}
        assert not {"Diabetes Typ 2", "Jesidisch", "0151 1234567"} & cells
        assert not any("Gesundheit" in heading or "Religion" in heading for heading in rows[0])
        assert len(rows) == 4  # heading + the three persons of org A


def test_person_export_of_org_b_holds_only_org_b(persons, org_b):
    _job, rows = _export(org_b.user("counsellor"), "persons")
    assert _column(rows, "Familienname") == ["Fremd"]


# ---- cases -----------------------------------------------------------------------------------------------

@pytest.fixture
def cases(persons, counsellor, lead, org_a, org_b):
    mine = case_request(actor=counsellor, person=persons["haddad"], offering=org_a.offering)
    leads = case_request(actor=lead, person=persons["nasser"], offering=org_a.offering)
    closed = case_request(actor=counsellor, person=persons["abadi"], offering=org_a.offering)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    foreign = case_request(actor=org_b.user("counsellor"), person=persons["foreign"], offering=org_b.offering)
    return {"mine": mine, "leads": leads, "closed": closed, "foreign": foreign}


@pytest.mark.parametrize("query, mine, status, expected", [
    ("", True, "open", ["mine"]),
    ("alle=1", False, "open", ["leads", "mine"]),
    ("alle=1&status=closed", False, "closed", ["closed"]),
    ("alle=0&status=closed&seite=xyz", True, "closed", ["closed"]),
])
def test_cases_follow_the_case_list_filters(cases, counsellor, query, mine, status, expected):
    shown = _pages(lambda cursor: case_list(actor=counsellor, mine=mine, status=status, cursor=cursor))
    assert sorted(name for name, case in cases.items() if case in shown) == sorted(expected)
    _job, rows = _export(counsellor, "cases", query)
    assert _column(rows, "Aktenzeichen") == [case.person.file_number for case in shown]
    assert cases["foreign"].person.file_number not in _column(rows, "Aktenzeichen")


def test_case_export_columns(cases, counsellor):
    _job, rows = _export(counsellor, "cases", "alle=1", format="xlsx")
    record = dict(zip(rows[0], rows[_column(rows, "Hauptklient/in").index("Haddad, Amal") + 1]))
    assert record["Programm"] == "MBE A" and record["Team"] == "Team A"
    assert record["Status"] == german("open") and record["Phase"] == german("Clearing")
    assert record["Fallverantwortung"] == "CounsellorA NachnameA"
    assert record["Angefragt am"].date() == timezone.localdate()  # a real date cell in XLSX


# ---- first contacts --------------------------------------------------------------------------------------

def test_first_contacts_are_the_pages_of_the_list(persons, counsellor, org_a, org_b):
    today = timezone.localdate()
    for i in range(53):
        first_contact_record(actor=counsellor, team=org_a.team, data=FirstContactData(
            channel="phone", outcome="answered", date=today - timedelta(days=i % 7),
            concern="Schwanger, Arzt"))
    named = first_contact_record(actor=counsellor, team=org_a.team, person=persons["haddad"],
                                 data=FirstContactData(channel="office_hour", outcome="referred",
                                                       referred_to="=HYPERLINK(\"http://x\")"))
    first_contact_record(actor=org_b.user("counsellor"), team=org_b.team, data=FirstContactData(
        channel="phone", outcome="answered", referred_by="", referred_to=""))
    shown = _pages(lambda cursor: first_contact_page(actor=counsellor, cursor=cursor))
    job, rows = _export(counsellor, "first_contacts")
    assert len(rows) - 1 == len(shown) == 54 == job.rows_total
    assert _column(rows, "Datum") == [contact.date.strftime("%d.%m.%Y") for contact in shown]
    index = shown.index(named)
    assert rows[index + 1][rows[0].index("Person")] == "Haddad, Amal"
    assert rows[index + 1][rows[0].index("Verwiesen an")] == "'=HYPERLINK(\"http://x\")"  # neutralised
    assert not any("Schwanger" in cell for row in rows for cell in row)  # the concern stays in Lotse


# ---- appointments ----------------------------------------------------------------------------------------

def test_appointments_are_my_upcoming_ones(cases, counsellor, lead, org_a):
    tomorrow = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(9)))
    yesterday = tomorrow - timedelta(days=2)
    first = appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, starts_at=tomorrow,
                               case=cases["mine"], location="Beratungsstelle", room="2")
    internal = appointment_create(actor=counsellor, owner=counsellor, team=org_a.team,
                                  starts_at=tomorrow - timedelta(hours=2), note="Teamsitzung")
    appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, starts_at=yesterday)
    appointment_create(actor=lead, owner=lead, team=org_a.team, starts_at=tomorrow)
    shown = _pages(lambda cursor: upcoming(actor=counsellor, cursor=cursor))
    assert shown == [internal, first]
    job, rows = _export(counsellor, "appointments", format="xlsx")
    assert _column(rows, "Klient/in") == ["intern: Teamsitzung", "Haddad, Amal"]
    assert _column(rows, "Beginn")[1] == tomorrow.replace(tzinfo=None)
    assert _column(rows, "Raum") == [None, "2"]


# ---- staff and audit log ---------------------------------------------------------------------------------

def test_staff_export_is_the_staff_list_with_its_search(org_a, org_b):
    admin = org_a.user("org_admin")
    shown = _pages(lambda cursor: staff_page(actor=admin, cursor=cursor))
    _job, rows = _export(admin, "staff")
    assert _column(rows, "Benutzername") == [user.username for user in shown]
    assert len(shown) == 5 and "b-counsellor" not in _column(rows, "Benutzername")
    _job, rows = _export(admin, "staff", "q=counsellor")
    assert _column(rows, "Benutzername") == ["a-counsellor"]
    assert _column(rows, "Rollen") == [f"{german('Counsellor')} (Team A)"]


def test_audit_export_is_the_audit_log_of_the_organisation(persons, org_a, org_b):
    admin = org_a.user("org_admin")
    before = AuditEvent.objects.order_by("-id").first().id
    shown = keyset_page(audit_events_list(actor=admin, category="write"), ordering=("-id",),
                        page_size=10_000).items
    assert shown and all(event.organisation_id == org_a.organisation.pk for event in shown)
    _job, rows = _export(admin, "audit_events", "kategorie=write")
    exported = [row for row in rows[1:]]
    assert [row[rows[0].index("Aktion")] for row in exported] == [event.action for event in shown
                                                                 if event.id <= before]
    assert AuditEvent.objects.filter(organisation=org_b.organisation).exists()
    foreign = AuditEvent.objects.filter(organisation=org_b.organisation)
    foreign_ids = set(foreign.values_list("object_id", flat=True))
    assert not foreign_ids & {row[rows[0].index("Datensatz")] for row in exported} - {""}


# ---- who may export what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, kind", [
    ("coordinator", "persons"), ("org_admin", "persons"), ("accommodation", "cases"),
    ("accommodation", "appointments"), ("counsellor", "audit_events"), ("coordinator", "staff"),
    ("coordinator", "first_contacts"),
])
def test_a_list_the_user_may_not_see_is_refused(org_a, role, kind):
    with pytest.raises(PermissionDenied):
        export_request(actor=org_a.user(role), kind=kind, parameters="", format="csv")
    assert AuditEvent.objects.filter(action="access.denied", details__reason=f"export.{kind}").exists()


@pytest.mark.parametrize("kind, parameters, field", [
    ("nothing", "", "kind"),
    ("", "", "kind"),
    (["persons"], "", "kind"),
    ("persons", "", "format"),
    ("cases", "status=bogus", "parameters"),
    ("cases", "alle=2", "parameters"),
    ("persons", "q=" + "x" * 201, "parameters"),
    ("persons", "q=a%00b", "parameters"),
    ("persons", "x" * 2001, "parameters"),
    ("persons", ["q"], "parameters"),
    ("persons", {"q": ["a", "b"]}, "parameters"),
    ("persons", {"q": None}, "parameters"),
    ("audit_events", "kategorie=gossip", "parameters"),
    ("cohort_members", "", "parameters"),
    ("cohort_members", "cohort=not-a-uuid", "parameters"),
])
def test_bad_requests_are_refused_with_a_message(org_a, kind, parameters, field):
    actor = org_a.user("org_admin") if kind == "audit_events" else org_a.user("counsellor")
    file_format = "pdf" if field == "format" else "csv"
    with pytest.raises(ValidationError) as error:
        export_request(actor=actor, kind=kind, parameters=parameters, format=file_format)
    assert field in error.value.message_dict and error.value.messages[0]


def test_unknown_page_keys_are_ignored_and_paging_dropped():
    assert read_parameters("q=Haddad&nach=abc&utm_source=x") == {"q": "Haddad", "utm_source": "x"}
    assert read_parameters({"alle": 1}) == {"alle": "1"}
    assert EXPORT_SOURCES["persons"].clean(actor=None, raw={"q": "  Amal   Haddad ", "utm_source": "x"}) == {
        "q": "Amal Haddad"}


def test_a_target_group_out_of_scope_is_not_found(org_a, org_b):
    from lotse.cohorts.models import Cohort

    cohort = Cohort.objects.create(organisation=org_b.organisation, team=org_b.team, name="Fremd",
                                   created_by=org_b.user("counsellor"))
    with pytest.raises(Http404):
        export_request(actor=org_a.user("counsellor"), kind="cohort_members",
                       parameters=f"cohort={cohort.public_id}", format="csv")


# ---- members of a target group ---------------------------------------------------------------------------

def test_cohort_members_are_the_pages_of_the_group(persons, counsellor, org_a, org_b, make_person):
    from lotse.cohorts.models import Cohort
    from lotse.cohorts.selectors import cohort_members

    from lotse.people.services import PersonData, person_create

    for i in range(52):
        make_person(family_name="Yilmaz" + _letters(i))
    person_create(actor=org_a.user("accommodation"), team=org_a.accommodation_team,
                  data=PersonData(family_name="Unterkunft"))
    cohort = Cohort.objects.create(organisation=org_a.organisation, team=org_a.team, name="Alle im Team",
                                   criteria={}, created_by=counsellor)
    shown = _pages(lambda cursor: cohort_members(actor=counsellor, cohort=cohort, cursor=cursor))
    assert len(shown) == 55
    with translation.override("en"):
        job, rows = _export(counsellor, "cohort_members", f"cohort={cohort.public_id}", format="xlsx")
    assert job.title == "Target group “Alle im Team”"
    assert _column(rows, "Aktenzeichen") == [person.file_number for person in shown]
    assert not {"Fremd", "Unterkunft"} & set(_column(rows, "Familienname"))
    assert not any(cell in ("Diabetes Typ 2", "Jesidisch") for row in rows for cell in row)
    for other in (org_a.user("accommodation"), org_b.user("counsellor")):  # the group is not theirs
        with pytest.raises(Http404):
            export_request(actor=other, kind="cohort_members", parameters=f"cohort={cohort.public_id}",
                           format="csv")
    shared = Cohort.objects.create(organisation=org_a.organisation, name="Organisation", criteria={},
                                   created_by=org_a.user("team_lead"), is_shared=True)
    with pytest.raises(PermissionDenied):  # sees the organisation's group, but looks after nobody
        export_request(actor=org_a.user("org_admin"), kind="cohort_members",
                       parameters=f"cohort={shared.public_id}", format="csv")
    _job, rows = _export(org_a.user("team_lead"), "cohort_members", f"cohort={shared.public_id}")
    assert len(rows) == 1 + 55
