import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from lotse.audit.models import AuditEvent, AuditEventRecord
from lotse.intake.models import FirstContact, Topic
from lotse.intake.selectors import first_contact_count
from lotse.intake.services import FirstContactData, first_contact_link_person, first_contact_record
from tests.factories import login

pytestmark = pytest.mark.django_db
CREATE = reverse("intake:first_contact_create")
LIST = reverse("intake:first_contact_list")
TODAY = timezone.localdate()


def de(msgid: str, **params) -> str:
    """The German text of one of our msgids, as the page shows it (translated or not yet)."""
    with override("de"):
        return gettext(msgid) % params if params else gettext(msgid)


def _html(response):
    return response.content.decode()


def _post(client, **fields):
    data = {"date": TODAY.strftime("%d.%m.%Y"), "channel": "office_hour", "outcome": "answered", **fields}
    return client.post(CREATE, data)


def _record(actor, team, **fields):
    values = {"channel": "office_hour", "outcome": "answered", **fields}
    return first_contact_record(actor=actor, team=team, data=FirstContactData(**values))


def test_topics_and_rules_are_seeded():
    assert Topic.objects.filter(programme="mbe").count() == 11
    assert Topic.objects.filter(programme="im", label="Schulden und Finanzen").exists()


def test_fast_entry_form_has_date_prefilled_and_focus_on_the_channel(cclient, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = cclient.get(CREATE)
    html = _html(response)
    assert response.status_code == 200
    assert f'value="{TODAY.strftime("%d.%m.%Y")}"' in html
    focused = re.findall(r"<input[^>]*autofocus[^>]*>", html)
    assert len(focused) == 1 and 'value="office_hour"' in focused[0] and 'id="id_channel_0"' in focused[0]
    assert 'name="team" value="' in html  # one team: hidden, nothing to choose
    assert "Wohnungssuche" in html and "Anträge" not in html  # the MBE catalogue of the team's programme


def test_anonymous_walk_in_is_recorded_listed_and_audited(cclient, org_a, counsellor, django_assert_max_num_queries):
    topic = Topic.objects.get(code="mbe-housing")
    with django_assert_max_num_queries(25):
        response = _post(cclient, concern="Sucht eine Wohnung\nund einen Sprachkurs", topics=[topic.code],
                         language="ara", interpreter="on")
    assert response.status_code == 302 and response["Location"] == LIST + "?gespeichert=1"
    contact = FirstContact.objects.get()
    assert contact.person is None and contact.team == org_a.team and contact.organisation == org_a.organisation
    assert contact.date == TODAY and contact.recorded_by == counsellor and contact.interpreter
    assert list(contact.topics.all()) == [topic] and contact.language == "ara"
    assert contact.concern == "Sucht eine Wohnung\nund einen Sprachkurs"
    event = AuditEvent.objects.get(action="first_contact.recorded")
    assert event.details["anonymous"] is True and event.object_id == str(contact.public_id)
    page = cclient.get(response["Location"])
    html = _html(page)
    assert de("The first contact has been recorded.") in html
    assert 'id="record-another"' in html and "autofocus" in html.split('id="record-another"')[1][:120]
    assert de("anonymous") in html


def test_referral_and_referred_elsewhere_with_their_texts(cclient):
    response = _post(cclient, channel="referral", referred_by="Jobcenter Lindenau", outcome="referred",
                     referred_to="Schuldnerberatung")
    assert response.status_code == 302
    contact = FirstContact.objects.get()
    assert (contact.referred_by, contact.referred_to) == ("Jobcenter Lindenau", "Schuldnerberatung")


FUTURE = (TODAY + timedelta(days=1)).strftime("%d.%m.%Y")


@pytest.mark.parametrize("fields, field, message", [
    ({"date": FUTURE}, "date", de("The date of the first contact cannot be in the future.")),
    ({"date": "31.12.1999"}, "date", de("The date of the first contact cannot be before 2000.")),
    ({"date": "31.02.2024"}, "date", "gültiges Datum"),
    ({"channel": ""}, "channel", "Dieses Feld ist zwingend erforderlich."),
    ({"channel": "pigeon"}, "channel", "gültige Auswahl"),
    ({"outcome": ""}, "outcome", "Dieses Feld ist zwingend erforderlich."),
    ({"channel": "referral"}, "referred_by", de("Please enter which institution referred the person.")),
    ({"channel": "referral", "referred_by": "   "}, "referred_by",
     de("Please enter which institution referred the person.")),
    ({"outcome": "referred"}, "referred_to", de("Please enter the service the person was referred to.")),
    ({"topics": ["no-such-topic"]}, "topics", "gültige Auswahl"),
    ({"topics": ["im-debts"]}, "topics", "gültige Auswahl"),  # another programme's catalogue
    ({"concern": "x" * 10000}, "concern", "höchstens 4000 Zeichen"),
    ({"concern": "Hilfe\x07bitte"}, "concern", de("The text contains control characters. Please type it again "
                                                  "without copying it.")),
    ({"concern": "Hilfe \u202ebitte"}, "concern", de("The text contains control characters. Please type it again "
                                                     "without copying it.")),
    ({"referred_by": "x" * 201, "channel": "referral"}, "referred_by", "höchstens 200 Zeichen"),
    ({"language": "xx-nope"}, "language", "gültige Auswahl"),
])
def test_bad_input_gives_a_german_message_and_saves_nothing(cclient, fields, field, message,
                                                            django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = _post(cclient, **fields)
    assert response.status_code == 422
    html = _html(response)
    assert f'id="id_{field}_error"' in html or f'id="id_{field}_0_error"' in html or message in html, html[
        html.find("kern-error"):][:400]
    assert message in html, html[html.find("kern-error"):][:400]
    assert not FirstContact.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"date": TODAY + timedelta(days=1)}, "date"),
    ({"date": date(1999, 12, 31)}, "date"),
    ({"channel": "pigeon"}, "channel"),
    ({"outcome": "maybe"}, "outcome"),
    ({"channel": "referral"}, "referred_by"),
    ({"outcome": "referred", "referred_to": "\t "}, "referred_to"),
    ({"topics": ["no-such-topic"]}, "topics"),
    ({"concern": "x" * 10000}, "concern"),
    ({"concern": "a\x00b"}, "concern"),
    ({"referred_to": "x\ny"}, "referred_to"),
    ({"language": "zzz"}, "language"),
])
def test_service_refuses_bad_values(org_a, counsellor, fields, field):
    with pytest.raises(ValidationError) as error:
        _record(counsellor, org_a.team, **fields)
    assert field in error.value.message_dict
    assert not FirstContact.objects.exists()


def test_concern_of_exactly_4000_characters_and_invisible_characters(org_a, counsellor):
    contact = _record(counsellor, org_a.team, concern="a" * 4000)
    assert len(contact.concern) == 4000
    contact = _record(counsellor, org_a.team, concern="Woh\u200bnung\ufeff")
    assert contact.concern == "Wohnung"


def test_roles_without_client_work_cannot_record(org_a, org_b):
    from django.core.exceptions import PermissionDenied

    for user, team in ((org_a.user("org_admin"), org_a.team), (org_a.user("coordinator"), org_a.team),
                       (org_a.user("counsellor"), org_b.team)):
        with pytest.raises(PermissionDenied):
            _record(user, team)
    assert not FirstContact.objects.exists()


def test_anonymous_first_contacts_are_counted(org_a, org_b, counsellor, make_person):
    person = make_person()
    _record(counsellor, org_a.team)
    _record(counsellor, org_a.team, date=TODAY - timedelta(days=40))
    linked = _record(counsellor, org_a.team)
    first_contact_link_person(actor=counsellor, first_contact=linked, person=person)
    _record(org_b.user("counsellor"), org_b.team)
    period = (TODAY - timedelta(days=30), TODAY)
    assert first_contact_count(organisation=org_a.organisation, period=period) == 2
    assert first_contact_count(organisation=org_a.organisation, period=(TODAY - timedelta(days=60), TODAY)) == 3
    assert first_contact_count(organisation=org_b.organisation, period=period) == 1


def test_link_to_a_person_of_the_same_team(cclient, org_a, counsellor, make_person, django_assert_max_num_queries):
    person = make_person()
    contact = _record(counsellor, org_a.team)
    detail = reverse("intake:first_contact_detail", args=[contact.public_id])
    with django_assert_max_num_queries(16):
        page = cclient.get(detail)
    assert page.status_code == 200 and str(person.public_id) in _html(page)
    with django_assert_max_num_queries(25):
        response = cclient.post(reverse("intake:first_contact_link_person", args=[contact.public_id]),
                                {"person": str(person.public_id)})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.person == person
    assert AuditEvent.objects.filter(action="first_contact.person_linked", object_id=str(contact.public_id)).exists()
    page = cclient.get(detail)
    assert reverse("intake:person_eligibility", args=[person.public_id]) in _html(page)


def test_link_to_a_person_of_another_team_is_refused_with_404(cclient, org_a, org_b, counsellor, make_person):
    foreign = make_person("Nasser", "Omar", team=org_b.team, actor=org_b.user("counsellor"))
    contact = _record(counsellor, org_a.team)
    response = cclient.post(reverse("intake:first_contact_link_person", args=[contact.public_id]),
                            {"person": str(foreign.public_id)})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.person is None
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_link_refuses_a_person_of_another_own_team(org_a, counsellor, make_person):
    from lotse.organisations.models import Membership, Team

    second = Team.objects.create(organisation=org_a.organisation, name="Zweites Team")
    Membership.objects.create(user=counsellor, organisation=org_a.organisation, team=second, role="counsellor")
    from lotse.access.policy import forget

    forget(counsellor)
    person = make_person(team=second)
    contact = _record(counsellor, org_a.team)
    with pytest.raises(ValidationError) as error:
        first_contact_link_person(actor=counsellor, first_contact=contact, person=person)
    assert "person" in error.value.message_dict


def test_link_with_empty_or_bad_choice_shows_an_error(cclient, org_a, counsellor):
    contact = _record(counsellor, org_a.team)
    url = reverse("intake:first_contact_link_person", args=[contact.public_id])
    assert cclient.post(url, {}).status_code == 422
    assert cclient.post(url, {"person": "not-a-uuid"}).status_code == 422


def test_foreign_first_contact_is_404(client, org_a, org_b):
    contact = _record(org_b.user("counsellor"), org_b.team)
    login(client, org_a.user("counsellor"))
    assert client.get(reverse("intake:first_contact_detail", args=[contact.public_id])).status_code == 404


@pytest.mark.parametrize("size", [3, 60])
def test_list_costs_the_same_queries_for_3_and_60_records(client, org_a, counsellor, size, django_assert_num_queries):
    topics = list(Topic.objects.filter(programme="mbe")[:2])
    for i in range(size):
        contact = _record(counsellor, org_a.team, date=TODAY - timedelta(days=i % 20))
        contact.topics.set(topics)
    login(client, counsellor)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(11):
        response = client.get(LIST)
    assert response.status_code == 200
    shown = len(response.context["page"].items)
    assert shown == min(size, 50)
    event = AuditEvent.objects.filter(action="first_contact.listed").latest("id")
    assert AuditEventRecord.objects.filter(event=event).count() == shown


def test_list_pages_with_a_cursor_and_shows_only_own_team(client, org_a, org_b, counsellor):
    for i in range(55):
        _record(counsellor, org_a.team, date=TODAY - timedelta(days=i % 7))
    foreign = _record(org_b.user("counsellor"), org_b.team)
    login(client, counsellor)
    first = client.get(LIST).context["page"]
    assert len(first.items) == 50 and first.next_cursor
    second = client.get(LIST, {"nach": first.next_cursor}).context["page"]
    assert len(second.items) == 5 and second.next_cursor is None
    seen = {c.pk for c in first.items} | {c.pk for c in second.items}
    assert len(seen) == 55 and foreign.pk not in seen
    assert client.get(LIST, {"nach": "kaputt!"}).status_code == 200


def test_admins_and_coordinators_see_no_first_contacts(client, org_a):
    _record(org_a.user("counsellor"), org_a.team)
    for role in ("org_admin", "coordinator"):
        login(client, org_a.user(role))
        assert client.get(LIST).status_code == 403
        assert client.get(CREATE).status_code == 403
