"""Recording and changing contacts: good paths and every bad path leaves nothing half-saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lotse.appointments.models import Appointment
from lotse.audit.models import AuditEvent
from lotse.cases import services as case_services
from lotse.cases.models import Case, Task
from lotse.network.services import partner_create
from lotse.contacts import services
from lotse.contacts.models import Contact
from lotse.contacts.services import Agreement
from lotse.intake.models import Topic
from lotse.organisations.models import Membership
from lotse.people.services import household_create_with_member, household_member_add

pytestmark = pytest.mark.django_db


def _nothing_saved():
    assert not Contact.objects.exists()
    assert not Task.objects.exists()
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(action="contact.created").exists()


def test_a_routine_contact_with_agreements_and_next_appointment(case, counsellor, data, partner, labour, housing):
    today = timezone.localdate()
    next_at = timezone.now().replace(microsecond=0) + timedelta(days=7)
    contact = services.contact_create(
        actor=counsellor, case=case, data=data(topics=[labour, housing], next_appointment_at=next_at,
                                               interpreter_name="Frau Nasser"),
        agreements=[Agreement(title="Lebenslauf mitbringen", responsible="client", due_on=today + timedelta(days=3)),
                    Agreement(title="", responsible="", due_on=None),  # empty rows are skipped
                    Agreement(title="Termin vereinbaren", responsible="partner", responsible_partner=partner,
                              due_on=today + timedelta(days=10))])
    assert contact.author == counsellor and contact.version == 1
    assert contact.interpreter_present  # a name implies the interpreter was there
    assert set(contact.topics.all()) == {labour, housing}
    tasks = list(contact.tasks.order_by("due_on"))
    assert [task.title for task in tasks] == ["Lebenslauf mitbringen", "Termin vereinbaren"]
    assert all(task.source == "contact" for task in tasks) and tasks[1].responsible_partner == partner
    appointment = Appointment.objects.get()
    assert appointment.contact == contact and appointment.case == case and appointment.starts_at == next_at
    assert AuditEvent.objects.filter(action="contact.created").exists()


def test_an_outreach_attempt_needs_no_topics(case, counsellor, data):
    contact = services.contact_create(actor=counsellor, case=case, data=data(kind="phone", outcome="not_reached",
                                                                             topics=[], duration_minutes=5))
    assert contact.outcome == "not_reached" and not contact.topics.exists()


def test_a_declined_offer_may_be_repeated(case, counsellor, data):
    repeat = timezone.localdate() + timedelta(days=14)
    contact = services.contact_create(actor=counsellor, case=case,
                                      data=data(outcome="declined", topics=[], repeat_offer_on=repeat))
    assert contact.repeat_offer_on == repeat


@pytest.mark.parametrize("extra, field", [
    ({"occurred_at": "future"}, "occurred_at"),
    ({"occurred_at": None}, "occurred_at"),
    ({"duration_minutes": None}, "duration_minutes"),
    ({"duration_minutes": 721}, "duration_minutes"),
    ({"duration_minutes": -1}, "duration_minutes"),
    ({"kind": "carrier_pigeon"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"outcome": "maybe"}, "outcome"),
    ({"topics": []}, "topics"),
    ({"repeat_offer_on": "future"}, "repeat_offer_on"),  # only for a declined offer
    ({"outcome": "declined", "topics": [], "repeat_offer_on": "past"}, "repeat_offer_on"),
    ({"notes": "x" * 20001}, "notes"),
    ({"location": "x" * 201}, "location"),
    ({"next_appointment_at": "past"}, "next_appointment_at"),
])
def test_bad_contacts_are_refused_with_a_field_error(case, counsellor, data, extra, field):
    now = timezone.now()
    moments = {"future": now + timedelta(hours=2), "past": now - timedelta(days=2)}
    days = {"future": timezone.localdate() + timedelta(days=5), "past": timezone.localdate() - timedelta(days=1)}
    for name, value in list(extra.items()):
        if isinstance(value, str) and value in moments:
            extra[name] = days[value] if name == "repeat_offer_on" else moments[value]
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(**extra))
    assert field in error.value.message_dict
    _nothing_saved()


def test_a_contact_in_the_future_gets_a_clear_german_message(case, counsellor, data, settings):
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(occurred_at=timezone.now() + timedelta(days=1)))
    assert "Zukunft" in error.value.message_dict["occurred_at"][0]


def test_topics_must_come_from_the_case_programme_catalogue(case, counsellor, data, org_b):
    im_topic = Topic.objects.filter(programme="im").first()
    foreign = Topic.objects.create(programme="mbe", organisation=org_b.organisation, code="mbe-fremd", label="Fremd")
    inactive = Topic.objects.create(programme="mbe", code="mbe-alt", label="Alt", is_active=False)
    for topic in (im_topic, foreign, inactive):
        with pytest.raises(ValidationError) as error:
            services.contact_create(actor=counsellor, case=case, data=data(topics=[topic]))
        assert "topics" in error.value.message_dict
    _nothing_saved()


def test_the_own_organisation_topics_can_be_chosen(case, counsellor, data, org_a):
    own = Topic.objects.create(programme="mbe", organisation=org_a.organisation, code="mbe-eigen", label="Eigen")
    assert own in services.topic_choices(case)
    contact = services.contact_create(actor=counsellor, case=case, data=data(topics=[own]))
    assert list(contact.topics.all()) == [own]


@pytest.mark.parametrize("row, message", [
    (Agreement(title="Lebenslauf", responsible="", due_on="soon"), "who"),
    (Agreement(title="", responsible="client", due_on="soon"), "what"),
    (Agreement(title="Lebenslauf", responsible="client", due_on=None), "by when"),
    (Agreement(title="Lebenslauf", responsible="partner", due_on="soon"), "partner"),
    (Agreement(title="Lebenslauf", responsible="client", due_on="past"), "past"),
])
def test_a_bad_agreement_row_saves_nothing(case, counsellor, data, row, message):
    today = timezone.localdate()
    if row.due_on == "soon":
        row.due_on = today + timedelta(days=3)
    elif row.due_on == "past":
        row.due_on = today - timedelta(days=3)
    good = Agreement(title="Erst gut", responsible="client", due_on=today + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(), agreements=[good, row])
    assert "agreement_2" in error.value.message_dict
    assert error.value.message_dict["agreement_2"][0].startswith("Vereinbarung 2")
    _nothing_saved()


def test_a_partner_of_another_organisation_is_refused(case, counsellor, data, org_b):
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremd",
                             partner_type="job_centre")
    row = Agreement(title="x", responsible="partner", responsible_partner=foreign,
                    due_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(), agreements=[row])
    assert "agreement_1" in error.value.message_dict
    _nothing_saved()


def test_a_user_who_lost_access_is_refused_and_nothing_is_saved(case, counsellor, data):
    Membership.objects.filter(user=counsellor).update(is_active=False)
    counsellor = type(counsellor).objects.get(pk=counsellor.pk)
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=counsellor, case=case, data=data())
    _nothing_saved()


def test_another_organisation_cannot_record_contacts(case, org_b, data):
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=org_b.user("counsellor"), case=case, data=data())
    _nothing_saved()


def test_a_restricted_person_cannot_get_contacts(case, counsellor, data):
    type(case.person).objects.filter(pk=case.person_id).update(restricted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data())
    assert error.value.code == "restricted"
    _nothing_saved()


def test_a_closed_case_gets_no_contacts(case, counsellor, data):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data())
    assert error.value.code == "case_not_open"
    _nothing_saved()


def test_persons_present_are_the_client_members_and_household(case, counsellor, data, make_person, org_b):
    spouse = make_person("Haddad", "Karim")
    child = make_person("Haddad", "Yusuf")
    stranger = make_person("Fremd", "Person")
    household = household_create_with_member(actor=counsellor, person=case.person, name="Familie Haddad",
                                             address="", since=timezone.localdate())
    household_member_add(actor=counsellor, household=household, person=child, since=timezone.localdate())
    case_services.case_member_add(actor=counsellor, case=case, person=spouse)
    choices = set(services.present_choices(case))
    assert choices == {case.person, spouse, child}
    contact = services.contact_create(actor=counsellor, case=case, data=data(persons_present=[case.person, child]))
    assert set(contact.persons_present.all()) == {case.person, child}
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(persons_present=[stranger]))
    assert "persons_present" in error.value.message_dict


# ---- changing --------------------------------------------------------------------------------------

def test_update_with_the_current_version_bumps_it(case, counsellor, data, housing):
    contact = services.contact_create(actor=counsellor, case=case, data=data())
    updated = services.contact_update(actor=counsellor, contact=contact, version=1,
                                      data=data(duration_minutes=45, topics=[housing], occasion="Rückfrage"))
    assert updated.version == 2 and updated.duration_minutes == 45 and list(updated.topics.all()) == [housing]
    event = AuditEvent.objects.get(action="contact.updated")
    assert event.details["fields"] == ["duration_minutes", "occasion", "topics"]


def test_update_with_a_stale_version_changes_nothing(case, counsellor, data):
    contact = services.contact_create(actor=counsellor, case=case, data=data())
    services.contact_update(actor=counsellor, contact=contact, version=1, data=data(duration_minutes=45))
    with pytest.raises(ValidationError) as error:
        services.contact_update(actor=counsellor, contact=contact, version=1, data=data(duration_minutes=60))
    assert error.value.code == "stale"
    assert Contact.objects.get().duration_minutes == 45


def test_a_colleague_cannot_overwrite_a_confidential_note(case, counsellor, colleague, data):
    contact = services.contact_create(actor=counsellor, case=case,
                                      data=data(notes="Gewalt in der Familie", notes_confidential=True))
    services.contact_update(actor=colleague, contact=contact, version=1,
                            data=data(notes="", notes_confidential=False, duration_minutes=40))
    contact.refresh_from_db()
    assert contact.notes == "Gewalt in der Familie" and contact.notes_confidential
    assert contact.duration_minutes == 40


def test_an_unchanged_save_keeps_the_version(case, counsellor, data):
    contact = services.contact_create(actor=counsellor, case=case, data=data())
    assert services.contact_update(actor=counsellor, contact=contact, version=1, data=data()).version == 1


# ---- German messages on the right field, nothing saved -----------------------------------------------------

def _german_refusal(*, actor, case, data, agreements=None) -> dict:
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.contact_create(actor=actor, case=case, data=data, agreements=agreements)
    _nothing_saved()
    return error.value.message_dict


@pytest.mark.parametrize("extra, field, german", [
    ({"occurred_at": "in_an_hour"}, "occurred_at",
     "Der Kontakt liegt in der Zukunft. Erfassen Sie ihn, nachdem er stattgefunden hat, oder planen Sie einen "
     "Termin."),
    ({"duration_minutes": None}, "duration_minutes", "Bitte geben Sie die Dauer in Minuten an (0 bis 720)."),
    ({"kind": "carrier_pigeon"}, "kind", "Bitte wählen Sie die Art des Kontakts."),
    ({"topics": "sim"}, "topics", "Bitte wählen Sie Themen aus dem Katalog des Programms dieses Falls."),
    ({"topics": []}, "topics", "Bitte wählen Sie mindestens ein Thema."),
    ({"repeat_offer_on": "next_week"}, "repeat_offer_on", "Nur ein abgelehntes Angebot kann erneut gemacht werden."),
    ({"outcome": "declined", "topics": [], "repeat_offer_on": "yesterday"}, "repeat_offer_on",
     "Das Datum für das erneute Angebot muss in der Zukunft liegen."),
    ({"outcome": "declined", "topics": [], "repeat_offer_on": "today"}, "repeat_offer_on",
     "Das Datum für das erneute Angebot muss in der Zukunft liegen."),
    ({"next_appointment_at": "an_hour_ago"}, "next_appointment_at", "Der nächste Termin muss in der Zukunft liegen."),
])
def test_bad_contacts_get_german_messages_on_their_field(case, counsellor, data, extra, field, german):
    now, today = timezone.now(), timezone.localdate()
    values = {"in_an_hour": now + timedelta(hours=1), "an_hour_ago": now - timedelta(hours=1),
              "next_week": today + timedelta(days=7), "yesterday": today - timedelta(days=1), "today": today,
              "sim": [Topic.objects.get(code="sim-local-structures")]}
    extra = {name: values.get(value, value) if isinstance(value, str) else value for name, value in extra.items()}
    errors = _german_refusal(actor=counsellor, case=case, data=data(**extra))
    assert errors[field] == [german]


def test_an_attempt_that_did_not_reach_the_person_needs_no_topic(case, counsellor, data):
    contact = services.contact_create(actor=counsellor, case=case,
                                      data=data(outcome="not_reached", topics=[], kind="phone"))
    assert contact.outcome == "not_reached"


@pytest.mark.parametrize("row, german", [
    ({"title": "Lebenslauf mitbringen", "responsible": ""},
     "Vereinbarung 1: Bitte geben Sie an, wer es übernimmt."),
    ({"title": "Termin beim Jobcenter", "responsible": "partner"},
     "Vereinbarung 1: Bitte wählen Sie den zuständigen Partner."),
    ({"title": "Lebenslauf mitbringen", "responsible": "client", "due_on": "past"},
     "Vereinbarung 1: Das Datum, bis wann es erledigt sein soll, liegt in der Vergangenheit."),
])
def test_bad_agreements_get_german_messages(case, counsellor, data, row, german):
    today = timezone.localdate()
    row = {"due_on": today + timedelta(days=3), **row}
    if row["due_on"] == "past":
        row["due_on"] = today - timedelta(days=2)
    errors = _german_refusal(actor=counsellor, case=case, data=data(), agreements=[Agreement(**row)])
    assert errors == {"agreement_1": [german]}


def test_a_foreign_partner_gets_a_german_message(case, counsellor, data, org_b):
    foreign = partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation, name="Fremd",
                             partner_type="job_centre")
    row = Agreement(title="Termin", responsible="partner", responsible_partner=foreign,
                    due_on=timezone.localdate() + timedelta(days=3))
    errors = _german_refusal(actor=counsellor, case=case, data=data(), agreements=[row])
    assert errors == {"agreement_1": ["Vereinbarung 1: Bitte wählen Sie einen Partner Ihrer Organisation."]}


def test_a_closed_case_gets_a_german_message(case, counsellor, data):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data())
    assert error.value.messages == ["Der Fall ist nicht offen. Bitte nehmen Sie ihn zuerst wieder auf."]
    _nothing_saved()


def test_a_restricted_person_gets_a_german_message(case, counsellor, data):
    from django.utils import translation

    type(case.person).objects.filter(pk=case.person_id).update(restricted_at=timezone.now(),
                                                               restriction_reason="Widerspruch")
    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data())
    assert "Art. 18" in error.value.messages[0] and "Widerspruch" in error.value.messages[0]
    _nothing_saved()


def test_a_bad_next_appointment_rolls_back_the_agreement_tasks(case, counsellor, data):
    """The appointment is the last thing created: its failure must take the tasks with it."""
    row = Agreement(title="Lebenslauf", responsible="client", due_on=timezone.localdate() + timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, agreements=[row],
                                data=data(next_appointment_at=timezone.now() - timedelta(minutes=1)))
    assert "next_appointment_at" in error.value.message_dict
    _nothing_saved()


def test_lost_access_meanwhile_saves_nothing_even_with_agreements(case, counsellor, data):
    row = Agreement(title="Lebenslauf", responsible="client", due_on=timezone.localdate() + timedelta(days=2))
    Membership.objects.filter(user=counsellor).update(is_active=False)
    counsellor = type(counsellor).objects.get(pk=counsellor.pk)  # a new request: memberships are read afresh
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=counsellor, case=case, agreements=[row],
                                data=data(next_appointment_at=timezone.now() + timedelta(days=3)))
    _nothing_saved()


def test_a_declined_contact_stays_editable_after_its_repeat_date(case, counsellor, data):
    contact = services.contact_create(actor=counsellor, case=case, data=data(
        outcome="declined", topics=[], repeat_offer_on=timezone.localdate() + timedelta(days=1)))
    Contact.objects.filter(pk=contact.pk).update(repeat_offer_on=timezone.localdate() - timedelta(days=1))
    contact.refresh_from_db()
    updated = services.contact_update(actor=counsellor, contact=contact, version=1, data=data(
        outcome="declined", topics=[], repeat_offer_on=contact.repeat_offer_on, occasion="Nachtrag"))
    assert updated.occasion == "Nachtrag"


def test_the_next_appointment_goes_to_the_recorder_when_the_owner_left(case, counsellor, lead, data):
    Membership.objects.filter(user=counsellor).update(is_active=False)
    contact = services.contact_create(actor=lead, case=case,
                                      data=data(next_appointment_at=timezone.now() + timedelta(days=3)))
    assert Appointment.objects.get().contact == contact


def test_a_contact_that_took_place_needs_a_topic_only_where_the_programme_has_a_catalogue(case, counsellor, data):
    with pytest.raises(ValidationError) as error:
        services.contact_create(actor=counsellor, case=case, data=data(topics=[]))
    assert "topics" in error.value.message_dict
    _nothing_saved()
    Topic.objects.filter(programme=case.offering.programme).update(is_active=False)
    assert not services.topic_choices(case).exists()
    contact = services.contact_create(actor=counsellor, case=case, data=data(topics=[]))
    assert contact.outcome == "took_place" and not contact.topics.exists()
