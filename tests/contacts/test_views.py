"""Contact pages: create, detail, list, edit — with query counts, confidential notes, and two editors at once."""

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.appointments.models import Appointment
from lotse.cases.models import Task
from lotse.contacts import selectors
from lotse.contacts.models import Contact
from lotse.intake.models import Topic
from tests.contacts.conftest import form_data
from tests.factories import login

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "Gewalt in der Familie, nicht weitergeben"
PLACEHOLDER = "Vertrauliche Notiz: Nur die Verfasserin / der Verfasser und die Teamleitung können sie lesen."


class _Required(HTMLParser):
    """Names of the form controls the browser treats as required."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and "required" in attrs and attrs.get("type") != "hidden":
            self.names.append(attrs.get("name"))


def _required_names(html: str) -> list[str]:
    parser = _Required()
    parser.feed(html)
    return parser.names


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


# ---- create ------------------------------------------------------------------------------------------------

def test_create_page_get(cclient, case, django_assert_max_num_queries):
    url = reverse("contacts:contact_create", args=[case.public_id])
    with django_assert_max_num_queries(16):
        response = cclient.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beratungskontakt erfassen" in html
    assert 'name="agreement_3_title"' in html and 'name="agreement_4_title"' not in html


def test_a_routine_contact_needs_at_most_five_required_inputs(cclient, case):
    """Keyboard users tab through the required fields first: no more than five of them."""
    html = cclient.get(reverse("contacts:contact_create", args=[case.public_id])).content.decode()
    required = set(_required_names(html))
    assert required <= {"occurred_at", "duration_minutes", "kind", "outcome", "topics"}
    assert len(required) <= 5
    from lotse.contacts.forms import ContactForm
    from lotse.contacts.services import present_choices, topic_choices
    from lotse.network.models import Partner

    form = ContactForm(topics=topic_choices(case), persons=present_choices(case), partners=Partner.objects.none())
    assert len([name for name, field in form.fields.items() if field.required]) <= 5
    # Prefilled where sensible: only the topics need a choice for a routine office-hour contact.
    assert form.initial["occurred_at"] and form["duration_minutes"].value() == 30
    assert form["kind"].value() == "office_hour" and form["outcome"].value() == "took_place"


def test_create_page_post_records_the_contact(cclient, case, partner, django_assert_max_num_queries):
    url = reverse("contacts:contact_create", args=[case.public_id])
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    next_at = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(topics=["mbe-labour", "mbe-housing"], agreement_rows="3",
                     agreement_1_title="Lebenslauf mitbringen", agreement_1_responsible="client", agreement_1_due_on=due,
                     agreement_2_title="Termin beim Jobcenter", agreement_2_responsible="partner",
                     agreement_2_partner=str(partner.public_id), agreement_2_due_on=due,
                     next_appointment_at=next_at)
    with django_assert_max_num_queries(60):
        response = cclient.post(url, data)
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact_detail", args=[contact.public_id])
    assert sorted(contact.topics.values_list("code", flat=True)) == ["mbe-housing", "mbe-labour"]
    assert contact.tasks.count() == 2 and Appointment.objects.get().contact == contact
    page = cclient.get(response["Location"]).content.decode()
    assert "Der Kontakt wurde erfasst." in page


def test_create_page_post_with_errors_saves_nothing_and_shows_german_errors(cclient, case):
    url = reverse("contacts:contact_create", args=[case.public_id])
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = cclient.post(url, form_data(occurred_at=future, agreement_rows="3",
                                           agreement_1_title="Lebenslauf", agreement_1_responsible=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Der Kontakt liegt in der Zukunft." in html
    assert not Contact.objects.exists() and not Task.objects.exists()
    response = cclient.post(url, form_data(agreement_rows="3", agreement_2_title="Lebenslauf",
                                           agreement_2_responsible=""))
    assert response.status_code == 422
    assert "Vereinbarung 2: Bitte geben Sie an, wer es übernimmt." in response.content.decode()
    assert not Contact.objects.exists() and not Task.objects.exists()


def test_add_agreement_row_shows_one_more_row_and_saves_nothing(cclient, case):
    url = reverse("contacts:contact_create", args=[case.public_id])
    response = cclient.post(url, form_data(agreement_rows="3", add_agreement="1"))
    assert response.status_code == 200
    assert 'name="agreement_4_title"' in response.content.decode()
    assert not Contact.objects.exists()


# ---- detail, list ------------------------------------------------------------------------------------------

def test_detail_page(cclient, make_contact, django_assert_max_num_queries):
    due = timezone.localdate() + timedelta(days=3)
    from lotse.contacts.services import Agreement

    contact = make_contact(notes="Bewerbung besprochen", occasion="Jobsuche",
                           agreements=[Agreement(title="Lebenslauf mitbringen", responsible="client", due_on=due)])
    with django_assert_max_num_queries(18):
        response = cclient.get(reverse("contacts:contact_detail", args=[contact.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bewerbung besprochen" in html and "Lebenslauf mitbringen" in html and "Jobsuche" in html


def test_detail_breadcrumb_date_is_the_local_date(cclient, case, counsellor):
    """A contact at 00:30 Berlin time (22:30 UTC the day before) is named by its local date."""
    occurred = datetime(2026, 7, 3, 0, 30, tzinfo=BERLIN)
    contact = Contact.objects.create(case=case, occurred_at=occurred, duration_minutes=30, kind="office_hour",
                                     author=counsellor)
    html = cclient.get(reverse("contacts:contact_detail", args=[contact.public_id])).content.decode()
    assert "02.07.2026" not in html
    assert "03.07.2026" in html


def _contacts(case, author, number):
    base = timezone.now() - timedelta(days=100)
    for index in range(number):
        contact = Contact.objects.create(case=case, occurred_at=base + timedelta(days=index), duration_minutes=30,
                                         kind="office_hour", author=author, notes=f"Notiz {index}",
                                         notes_confidential=index % 2 == 0)
        contact.topics.set(list(Topic.objects.filter(code__in=["mbe-labour", "mbe-housing"])))


def test_list_costs_the_same_queries_for_2_and_40_contacts(cclient, case, counsellor):
    url = reverse("contacts:contact_list", args=[case.public_id])
    _contacts(case, counsellor, 2)
    assert cclient.get(url).status_code == 200  # warm-up: session and per-process caches
    with CaptureQueriesContext(connection) as small:
        response = cclient.get(url)
    assert response.status_code == 200
    _contacts(case, counsellor, 38)
    with CaptureQueriesContext(connection) as large:
        response = cclient.get(url)
    assert response.status_code == 200
    assert len(large) == len(small) <= 20
    html = response.content.decode()
    assert len(set(re.findall(r"/kontakte/([0-9a-f-]{36})/", html))) == 40 and "?seite=" not in html
    _contacts(case, counsellor, 15)  # 55: more than one page of 50
    html = cclient.get(url).content.decode()
    cursor = re.search(r'href="\?seite=([^"]+)"', html).group(1)
    with CaptureQueriesContext(connection) as second:
        following = cclient.get(url, {"seite": cursor.replace("&amp;", "&")})
    assert following.status_code == 200 and len(second) == len(small)
    first_links = set(re.findall(r"/kontakte/([0-9a-f-]{36})/", html))
    second_links = set(re.findall(r"/kontakte/([0-9a-f-]{36})/", following.content.decode()))
    assert len(first_links) == 50 and len(second_links) == 5 and not first_links & second_links


def test_list_with_a_bad_cursor_starts_at_the_first_page(cclient, case, counsellor):
    _contacts(case, counsellor, 2)
    response = cclient.get(reverse("contacts:contact_list", args=[case.public_id]), {"seite": "<script>"})
    assert response.status_code == 200


# ---- edit --------------------------------------------------------------------------------------------------

def test_edit_page_get_and_post(cclient, make_contact, django_assert_max_num_queries):
    contact = make_contact()
    url = reverse("contacts:contact_edit", args=[contact.public_id])
    with django_assert_max_num_queries(16):
        response = cclient.get(url)
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()
    with django_assert_max_num_queries(40):
        response = cclient.post(url, form_data(contact, duration_minutes="45", occasion="Rückfrage"))
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:contact_detail", args=[contact.public_id])
    contact.refresh_from_db()
    assert contact.duration_minutes == 45 and contact.occasion == "Rückfrage" and contact.version == 2


def test_edit_without_version_changes_nothing(cclient, make_contact):
    contact = make_contact()
    data = form_data(contact, duration_minutes="45")
    del data["version"]
    response = cclient.post(reverse("contacts:contact_edit", args=[contact.public_id]), data)
    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.duration_minutes == 30 and contact.version == 1


def test_edit_without_version_tells_why(cclient, make_contact):
    contact = make_contact()
    data = form_data(contact, duration_minutes="45")
    del data["version"]
    response = cclient.post(reverse("contacts:contact_edit", args=[contact.public_id]), data)
    assert "Das Formular ist unvollständig" in response.content.decode()


def test_two_editors_at_once_the_second_gets_409_with_the_differences(case, counsellor, lead, make_contact):
    contact = make_contact()
    url = reverse("contacts:contact_edit", args=[contact.public_id])
    first, second = _client(counsellor), _client(lead)
    for client in (first, second):
        page = client.get(url)
        assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    response = first.post(url, form_data(contact, duration_minutes="45"))
    assert response.status_code == 302
    response = second.post(url, form_data(contact, duration_minutes="60", occasion="Team-Rückfrage"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "In der Zwischenzeit von jemand anderem geändert" in html
    assert "Dauer (Minuten)" in html
    # The form is re-armed with the current version, so a deliberate second save is possible.
    assert 'name="version" value="2"' in html
    stored = Contact.objects.get()
    assert stored.duration_minutes == 45 and stored.occasion == "" and stored.version == 2


# ---- confidential notes ------------------------------------------------------------------------------------

@pytest.fixture
def confidential(make_contact):
    return make_contact(notes=SECRET, notes_confidential=True)


def test_author_and_team_lead_read_confidential_notes(confidential, counsellor, lead):
    for user in (counsellor, lead):
        contact = selectors.contact_get(actor=user, public_id=confidential.public_id)
        assert contact.notes_visible
        html = _client(user).get(reverse("contacts:contact_detail", args=[confidential.public_id])).content.decode()
        assert SECRET in html and PLACEHOLDER not in html


def test_a_colleague_does_not_read_confidential_notes(confidential, colleague):
    contact = selectors.contact_get(actor=colleague, public_id=confidential.public_id)
    assert not contact.notes_visible
    client = _client(colleague)
    html = client.get(reverse("contacts:contact_detail", args=[confidential.public_id])).content.decode()
    assert PLACEHOLDER in html and SECRET not in html
    html = client.get(reverse("contacts:contact_edit", args=[confidential.public_id])).content.decode()
    assert SECRET not in html
    html = client.get(reverse("contacts:contact_list", args=[confidential.case.public_id])).content.decode()
    assert SECRET not in html


def test_a_colleague_saving_the_edit_form_keeps_the_confidential_notes(confidential, colleague):
    client = _client(colleague)
    url = reverse("contacts:contact_edit", args=[confidential.public_id])
    response = client.post(url, form_data(confidential, notes="", notes_confidential=None, duration_minutes="50"))
    assert response.status_code == 302
    stored = Contact.objects.get()
    assert stored.notes == SECRET and stored.notes_confidential and stored.duration_minutes == 50


# ---- access ------------------------------------------------------------------------------------------------

def test_another_organisation_gets_404(client, org_b, confidential, case):
    login(client, org_b.user("counsellor"))
    for url in (reverse("contacts:contact_detail", args=[confidential.public_id]),
                reverse("contacts:contact_edit", args=[confidential.public_id]),
                reverse("contacts:contact_document", args=[confidential.public_id]),
                reverse("contacts:contact_list", args=[case.public_id]),
                reverse("contacts:contact_create", args=[case.public_id])):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("contacts:contact_create", args=[case.public_id]), form_data())
    assert response.status_code == 404
    assert Contact.objects.count() == 1


def test_closed_case_refuses_new_contacts_on_the_page(cclient, case):
    from lotse.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    response = cclient.post(reverse("contacts:contact_create", args=[case.public_id]), form_data())
    assert response.status_code in (422, 404)
    assert not Contact.objects.exists()
