"""Manual helper entries: partner or free name, dates, closed cases and lost access, stale versions,
ending."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lotse.audit.models import AuditEvent
from lotse.cases.models import Case
from lotse.core.versioning import is_stale
from lotse.helpermap import services
from lotse.helpermap.models import HelperEntry
from tests.factories import german

pytestmark = pytest.mark.django_db


def test_a_partner_with_a_contact_person(add_helper, jobcentre, case, counsellor, today):
    entry = add_helper(partner=jobcentre, name="  Frau   Schulz ", last_contact_on=today, note="Tel. 123")
    assert (entry.partner, entry.name) == (jobcentre, "Frau Schulz")
    assert (entry.role, entry.since) == ("Arbeitsvermittlung", today)
    assert entry.created_by == counsellor and entry.version == 1
    event = AuditEvent.objects.get(action="helper_entry.created")
    assert event.object_id == str(case.person.public_id)
    assert event.details["partner"] == str(jobcentre.public_id)


def test_a_free_name_with_organisation_and_group(add_helper):
    entry = add_helper(name="Frau Müller", organisation="Patenschaftsprojekt", kind="volunteers",
                       role="Patin")
    assert (entry.partner, entry.name) == (None, "Frau Müller")
    assert (entry.organisation, entry.kind) == ("Patenschaftsprojekt", "volunteers")


@pytest.mark.parametrize("extra, field", [
    ({}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "Frau M", "role": ""}, "role"),
    ({"name": "Frau M", "role": "x" * 201}, "role"),
    ({"name": "Frau M", "organisation": "x" * 201}, "organisation"),
    ({"name": "Frau M", "note": "x" * 501}, "note"),
    ({"name": "Frau\x00M"}, "name"),
    ({"name": "Frau M", "kind": "spy"}, "kind"),
    ({"name": "Frau M", "since": None}, "since"),
    ({"name": "Frau M", "since": "tomorrow"}, "since"),
    ({"name": "Frau M", "since": date(1900, 1, 1)}, "since"),
    ({"name": "Frau M", "last_contact_on": "tomorrow"}, "last_contact_on"),
    ({"name": "Frau M", "last_contact_on": "before"}, "last_contact_on"),
    ({"name": "Frau M", "partner": "foreign"}, "partner"),
    ({"name": "Frau M", "partner": "not a partner"}, "partner"),
    ({"partner": "own", "organisation": "Jobcenter"}, "organisation"),
])
def test_bad_input_is_refused_with_a_field_message(add_helper, foreign_partner, jobcentre, today, extra,
                                                   field):
    values = dict(extra)
    for key, value in list(values.items()):
        if value == "tomorrow":
            values[key] = today + timedelta(days=1)
        elif value == "before":
            values[key] = today - timedelta(days=1)
        elif value == "foreign":
            values[key] = foreign_partner
        elif value == "own":
            values[key] = jobcentre
    with pytest.raises(ValidationError) as error:
        add_helper(**values)
    assert field in error.value.message_dict
    assert not HelperEntry.objects.exists()


def test_the_message_without_partner_or_name_is_german(add_helper):
    with pytest.raises(ValidationError) as error:
        add_helper()
    assert german(error.value.message_dict["name"][0]).startswith("Bitte wählen Sie einen Partner")


def test_an_inactive_partner_is_refused_for_new_entries_but_kept_on_old_ones(add_helper, jobcentre,
                                                                             counsellor):
    entry = add_helper(partner=jobcentre)
    jobcentre.is_active = False
    jobcentre.save()
    with pytest.raises(ValidationError):
        add_helper(partner=jobcentre)
    updated = services.helper_entry_update(actor=counsellor, entry=entry, version=1, data=services.HelperData(
        role="Leistungsabteilung", since=entry.since, partner=jobcentre))
    assert updated.role == "Leistungsabteilung" and updated.version == 2


def test_closed_cases_and_strangers_are_refused(add_helper, case, org_a, org_b):
    with pytest.raises(PermissionDenied):
        add_helper(actor=org_b.user("counsellor"), name="Frau M")
    with pytest.raises(PermissionDenied):
        add_helper(actor=org_a.user("accommodation"), name="Frau M")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    with pytest.raises(ValidationError):
        add_helper(name="Frau M")
    assert not HelperEntry.objects.exists()


def test_update_records_the_fields_and_refuses_a_stale_version(add_helper, counsellor, org_a, today):
    entry = add_helper(name="Frau Müller", role="Patin")
    lead = org_a.user("team_lead")
    services.helper_entry_update(actor=lead, entry=entry, version=1, data=services.HelperData(
        name="Frau Müller", role="Patin und Lesementorin", since=entry.since, last_contact_on=today))
    event = AuditEvent.objects.get(action="helper_entry.updated")
    assert event.details["fields"] == ["last_contact_on", "role"]
    with pytest.raises(ValidationError) as error:
        services.helper_entry_update(actor=counsellor, entry=entry, version=1, data=services.HelperData(
            name="Frau Müller", role="Patin", since=entry.since))
    assert is_stale(error.value)
    assert HelperEntry.objects.get().role == "Patin und Lesementorin"


def test_end_an_entry_once(add_helper, counsellor, today):
    entry = add_helper(name="Frau Müller", since=today - timedelta(days=10))
    with pytest.raises(ValidationError):
        services.helper_entry_end(actor=counsellor, entry=entry, version=1, until=today - timedelta(days=11))
    with pytest.raises(ValidationError):
        services.helper_entry_end(actor=counsellor, entry=entry, version=1, until=today + timedelta(days=1))
    ended = services.helper_entry_end(actor=counsellor, entry=entry, version=1)
    assert ended.until == today and ended.version == 2
    with pytest.raises(ValidationError):
        services.helper_entry_end(actor=counsellor, entry=entry, version=2)
    with pytest.raises(ValidationError) as error:
        services.helper_entry_end(actor=counsellor, entry=entry, version=1)
    assert is_stale(error.value)
    assert AuditEvent.objects.filter(action="helper_entry.ended").count() == 1
