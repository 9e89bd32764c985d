"""Cooperation agreements and network events: good and bad input, who may write, the recorded history,
the yearly review and the signed document checked by its content."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lotse.audit.models import AuditEvent
from lotse.cooperation import services
from lotse.cooperation.models import AgreementRevision, CooperationAgreement, NetworkEvent
from lotse.core.versioning import is_stale
from tests.cooperation.conftest import PDF, docx_bytes, odt_bytes, plain_zip
from tests.factories import german
from tests.factories import make_user

pytestmark = pytest.mark.django_db


# ---- creating an agreement -------------------------------------------------------------------------------

def test_create_records_the_agreement_its_first_revision_and_an_audit_event(make_agreement, jobcentre, lead):
    agreement = make_agreement(note="Unterzeichnet im Netzwerktreffen")
    assert agreement.review_on == agreement.starts_on.replace(year=agreement.starts_on.year + 1) or (
        agreement.starts_on.month == 2 and agreement.starts_on.day == 29)
    assert list(agreement.partners.all()) == [jobcentre] and agreement.created_by == lead
    revision = AgreementRevision.objects.get()
    assert (revision.number, revision.kind) == (1, "created")
    assert revision.note == "Unterzeichnet im Netzwerktreffen"
    assert revision.changes["title"] == {"old": "", "new": "Kooperation Jobcenter"}
    assert revision.changes["partners"]["new"] == "Jobcenter Lindenau"
    assert revision.changes["starts_on"]["new"] == agreement.starts_on.isoformat()
    assert revision.changes["responsible"]["new"] == str(lead)
    event = AuditEvent.objects.get(action="cooperation_agreement.created")
    assert event.object_id == str(agreement.public_id)


def test_review_date_defaults_to_one_year_after_the_start_also_after_29_february(make_agreement):
    assert make_agreement(starts_on=date(2024, 2, 29)).review_on == date(2025, 2, 28)
    assert make_agreement(starts_on=date(2025, 3, 1)).review_on == date(2026, 3, 1)
    chosen = make_agreement(starts_on=date(2025, 3, 1), review_on=date(2025, 9, 1))
    assert chosen.review_on == date(2025, 9, 1)


@pytest.mark.parametrize("extra, field", [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"subject": ""}, "subject"),
    ({"subject": "x" * 5001}, "subject"),
    ({"division_of_tasks": "x" * 10001}, "division_of_tasks"),
    ({"joint_tasks": "a\x00b"}, "joint_tasks"),
    ({"partners": []}, "partners"),
    ({"partners": ["not a partner"]}, "partners"),
    ({"starts_on": None}, "starts_on"),
    ({"starts_on": date(1980, 1, 1)}, "starts_on"),
    ({"starts_on": date(2025, 5, 1), "review_on": date(2025, 5, 1)}, "review_on"),
    ({"starts_on": date(2025, 5, 1), "review_on": date(2025, 4, 1)}, "review_on"),
    ({"review_on": date(2999, 1, 1)}, "review_on"),
    ({"status": "archived"}, "status"),
    ({"status": "ended"}, "ended_on"),
    ({"status": "ended", "starts_on": date(2025, 5, 1), "ended_on": date(2025, 4, 30)}, "ended_on"),
    ({"status": "active", "ended_on": date(2025, 4, 30)}, "ended_on"),
    ({"responsible": None}, "responsible"),
])
def test_bad_input_is_refused_with_a_field_message_and_nothing_is_stored(make_agreement, extra, field):
    with pytest.raises(ValidationError) as error:
        make_agreement(**extra)
    assert field in error.value.message_dict
    assert not CooperationAgreement.objects.exists() and not AgreementRevision.objects.exists()


def test_the_missing_partner_message_is_german(make_agreement):
    with pytest.raises(ValidationError) as error:
        make_agreement(partners=[])
    message = german(error.value.message_dict["partners"][0])
    assert message.startswith("Bitte wählen Sie mindestens einen Partner")


def test_partners_come_from_the_own_directory_only(make_agreement, foreign_partner, jobcentre):
    with pytest.raises(ValidationError) as error:
        make_agreement(partners=[jobcentre, foreign_partner])
    assert "partners" in error.value.message_dict
    jobcentre.is_active = False
    jobcentre.save()
    with pytest.raises(ValidationError):
        make_agreement(partners=[jobcentre])
    assert not CooperationAgreement.objects.exists()


def test_responsible_is_an_active_member_of_the_organisation(make_agreement, org_b, org_a):
    outsider = make_user("ohne-mitgliedschaft")
    inactive = org_a.user("counsellor")
    inactive.is_active = False
    inactive.save()
    for person in (org_b.user("team_lead"), outsider, inactive):
        with pytest.raises(ValidationError) as error:
            make_agreement(responsible=person)
        assert "responsible" in error.value.message_dict
    assert make_agreement(responsible=org_a.user("coordinator")).responsible == org_a.user("coordinator")


@pytest.mark.parametrize("role", ["counsellor", "coordinator", "accommodation"])
def test_only_team_leads_and_admins_keep_agreements(make_agreement, org_a, role):
    with pytest.raises(PermissionDenied):
        make_agreement(actor=org_a.user(role))
    assert make_agreement(actor=org_a.user("org_admin")).pk


def test_nobody_records_an_agreement_for_another_organisation(make_agreement, org_b):
    with pytest.raises(PermissionDenied):
        make_agreement(actor=org_b.user("team_lead"))
    assert not CooperationAgreement.objects.exists()


# ---- changing an agreement -------------------------------------------------------------------------------

def _update(agreement, actor, data, **extra):
    return services.agreement_update(actor=actor, agreement=agreement, version=agreement.version, data=data,
                                     **extra)


def test_every_change_is_recorded_with_old_and_new_values(make_agreement, agreement_data, lead, school,
                                                          jobcentre):
    agreement = make_agreement(status="draft")
    updated = _update(agreement, lead, agreement_data(status="draft", partners=[jobcentre, school],
                                                      joint_tasks="Gemeinsame Infoveranstaltung"),
                      note="Schule kommt dazu")
    assert updated.version == 2
    revision = AgreementRevision.objects.get(number=2)
    assert revision.kind == "changed" and revision.note == "Schule kommt dazu" and revision.changed_by == lead
    assert revision.changes == {
        "joint_tasks": {"old": "", "new": "Gemeinsame Infoveranstaltung"},
        "partners": {"old": "Jobcenter Lindenau", "new": "Grundschule am Markt; Jobcenter Lindenau"}}
    assert AuditEvent.objects.filter(action="cooperation_agreement.updated").get().details["fields"] == [
        "joint_tasks", "partners"]


def test_saving_without_a_change_records_nothing(make_agreement, agreement_data, lead):
    agreement = make_agreement()
    again = _update(agreement, lead, agreement_data())
    assert again.version == 1 and AgreementRevision.objects.count() == 1


def test_a_stale_version_is_refused(make_agreement, agreement_data, lead, admin):
    agreement = make_agreement(status="draft")
    _update(agreement, admin, agreement_data(status="draft", title="Neuer Titel"))
    with pytest.raises(ValidationError) as error:
        _update(agreement, lead, agreement_data(status="draft", title="Anderer Titel"))
    assert is_stale(error.value)
    assert CooperationAgreement.objects.get().title == "Neuer Titel"
    assert AgreementRevision.objects.count() == 2


def test_content_changes_of_an_agreement_in_force_need_the_written_agreement(make_agreement, agreement_data,
                                                                             lead, today):
    agreement = make_agreement(status="active")
    with pytest.raises(ValidationError) as error:
        _update(agreement, lead, agreement_data(subject="Neuer Zweck"))
    assert "agreed_in_writing_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _update(agreement, lead, agreement_data(subject="Neuer Zweck"),
                agreed_in_writing_on=today + timedelta(days=1))
    assert "agreed_in_writing_on" in error.value.message_dict
    assert CooperationAgreement.objects.get().subject == "Gemeinsame Arbeitsmarktintegration"
    _update(agreement, lead, agreement_data(subject="Neuer Zweck"), agreed_in_writing_on=today)
    revision = AgreementRevision.objects.get(number=2)
    assert revision.agreed_in_writing_on == today
    assert revision.changes["subject"] == {"old": "Gemeinsame Arbeitsmarktintegration", "new": "Neuer Zweck"}
    # The responsible person or the status are not content: no written agreement needed.
    agreement.refresh_from_db()
    _update(agreement, lead, agreement_data(subject="Neuer Zweck", status="under_review"))
    changes = AgreementRevision.objects.get(number=3).changes
    assert changes == {"status": {"old": "active", "new": "under_review"}}


def test_ending_an_agreement(make_agreement, agreement_data, lead, today):
    agreement = make_agreement()
    ended = _update(agreement, lead, agreement_data(status="ended", ended_on=today))
    assert ended.status == "ended" and ended.ended_on == today
    assert set(AgreementRevision.objects.get(number=2).changes) == {"status", "ended_on"}


# ---- the yearly review -----------------------------------------------------------------------------------

def _review(agreement, actor, **extra):
    return services.agreement_review_done(actor=actor, agreement=agreement, version=agreement.version,
                                          **extra)


def test_review_done_sets_the_next_review_a_year_later_and_is_recorded(make_agreement, lead, today):
    agreement = make_agreement(starts_on=date(2024, 3, 1), review_on=date(2025, 3, 1), status="under_review")
    reviewed = _review(agreement, lead, reviewed_on=date(2025, 2, 20), note="Alles läuft")
    assert reviewed.review_on == date(2026, 3, 1) and reviewed.last_reviewed_on == date(2025, 2, 20)
    assert reviewed.status == "active" and reviewed.version == 2
    revision = AgreementRevision.objects.get(number=2)
    assert (revision.kind, revision.reviewed_on, revision.review_due_on) == ("reviewed", date(2025, 2, 20),
                                                                             date(2025, 3, 1))
    assert revision.changes["review_on"] == {"old": "2025-03-01", "new": "2026-03-01"}
    assert revision.note == "Alles läuft"
    assert AuditEvent.objects.filter(action="cooperation_agreement.reviewed").exists()


def test_a_review_more_than_a_year_late_starts_a_new_cycle(make_agreement, lead):
    agreement = make_agreement(starts_on=date(2023, 1, 10), review_on=date(2024, 1, 10))
    assert _review(agreement, lead, reviewed_on=date(2025, 6, 1)).review_on == date(2026, 6, 1)
    on_cycle = services.next_review_after(due_on=date(2025, 3, 1), reviewed_on=date(2025, 4, 1))
    assert on_cycle == date(2026, 3, 1)


@pytest.mark.parametrize("status, reviewed, message_part", [
    ("draft", None, "in force"),
    ("ended", None, "in force"),
    ("active", "future", "future"),
    ("active", "before_start", "before the start"),
])
def test_review_refuses_bad_cases(make_agreement, lead, today, status, reviewed, message_part):
    extra = {"ended_on": today} if status == "ended" else {}
    agreement = make_agreement(status=status, **extra)
    reviewed_on = {"future": today + timedelta(days=1), None: None,
                   "before_start": agreement.starts_on - timedelta(days=1)}[reviewed]
    with pytest.raises(ValidationError) as error:
        _review(agreement, lead, reviewed_on=reviewed_on)
    assert message_part in error.value.message_dict["reviewed_on"][0]
    assert AgreementRevision.objects.count() == 1


def test_review_with_a_stale_version_is_refused(make_agreement, lead):
    agreement = make_agreement()
    _review(agreement, lead)
    with pytest.raises(ValidationError) as error:
        _review(agreement, lead)
    assert is_stale(error.value)


def test_counsellors_do_not_record_reviews(make_agreement, org_a):
    agreement = make_agreement()
    with pytest.raises(PermissionDenied):
        _review(agreement, org_a.user("counsellor"))


# ---- the signed document ---------------------------------------------------------------------------------

def _attach(agreement, actor, content, filename, **extra):
    return services.agreement_document_attach(actor=actor, agreement=agreement, version=agreement.version,
                                              content=content, filename=filename, **extra)


@pytest.mark.parametrize("content, filename, content_type", [
    (PDF, "Vereinbarung.PDF", "application/pdf"),
    (odt_bytes(), "vereinbarung.odt", "application/vnd.oasis.opendocument.text"),
    (docx_bytes(), "vereinbarung.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_pdf_odt_and_docx_are_stored_with_checksum(make_agreement, lead, content, filename, content_type):
    agreement = _attach(make_agreement(), lead, content, filename)
    stored = CooperationAgreement.objects.get()
    assert bytes(stored.document) == content and stored.document_type == content_type
    assert stored.document_size == len(content) and stored.document_name == filename
    assert stored.document_sha256 == hashlib.sha256(content).hexdigest() and agreement.version == 2
    revision = AgreementRevision.objects.get(number=2)
    assert revision.kind == "document"
    expected = f"{filename} (SHA-256 {stored.document_sha256})"
    assert revision.changes == {"document": {"old": "", "new": expected}}


@pytest.mark.parametrize("content, filename", [
    (b"MZ\x90\x00 this is a program", "vereinbarung.pdf"),
    (b"<html><script>alert(1)</script></html>", "vereinbarung.pdf"),
    (PDF, "vereinbarung.docx"),
    (docx_bytes(), "vereinbarung.pdf"),
    (odt_bytes(), "vereinbarung.docx"),
    (plain_zip(), "vereinbarung.docx"),
    (b"PK\x03\x04 broken zip", "vereinbarung.odt"),
    (PDF, "vereinbarung.exe"),
    (PDF, "vereinbarung"),
    (b"", "vereinbarung.pdf"),
    (None, "vereinbarung.pdf"),
])
def test_files_are_checked_by_their_content_not_only_the_extension(make_agreement, lead, content, filename):
    agreement = make_agreement()
    with pytest.raises(ValidationError) as error:
        _attach(agreement, lead, content, filename)
    assert "document" in error.value.message_dict
    stored = CooperationAgreement.objects.get()
    assert stored.document is None and stored.version == 1 and AgreementRevision.objects.count() == 1


def test_a_file_larger_than_ten_megabytes_is_refused(make_agreement, lead):
    agreement = make_agreement()
    content = PDF + b"0" * (services.DOCUMENT_MAX_BYTES - len(PDF) + 1)
    with pytest.raises(ValidationError) as error:
        _attach(agreement, lead, content, "gross.pdf")
    assert "10 MB" in error.value.message_dict["document"][0]
    exactly = PDF + b"0" * (services.DOCUMENT_MAX_BYTES - len(PDF))
    assert _attach(agreement, lead, exactly, "genau.pdf").document_size == services.DOCUMENT_MAX_BYTES


def test_replacing_the_document_keeps_the_old_name_and_hash_only(make_agreement, lead):
    agreement = _attach(make_agreement(), lead, PDF, "alt.pdf")
    replaced = _attach(agreement, lead, docx_bytes(), "neu.docx", note="Fassung 2027")
    old_hash, new_hash = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(docx_bytes()).hexdigest()
    revision = AgreementRevision.objects.get(number=3)
    assert revision.changes == {"document": {"old": f"alt.pdf (SHA-256 {old_hash})",
                                             "new": f"neu.docx (SHA-256 {new_hash})"}}
    assert bytes(CooperationAgreement.objects.get().document) == docx_bytes() and replaced.version == 3
    attached = AuditEvent.objects.filter(action="cooperation_agreement.document_attached").order_by("id")
    assert attached.last().details["replaced"] and not attached.first().details["replaced"]


def test_file_names_are_cleaned(make_agreement, lead):
    agreement = _attach(make_agreement(), lead, PDF, '..\\..\\etc/"Vertrag\r\n<2026>".pdf')
    assert agreement.document_name == "Vertrag2026.pdf"
    long = _attach(agreement, lead, PDF, "x" * 400 + ".pdf")
    assert len(long.document_name) == services.DOCUMENT_NAME_MAX and long.document_name.endswith(".pdf")


def test_a_stale_upload_is_refused(make_agreement, lead):
    agreement = make_agreement()
    _attach(agreement, lead, PDF, "a.pdf")
    with pytest.raises(ValidationError) as error:
        _attach(agreement, lead, PDF, "b.pdf")
    assert is_stale(error.value)
    assert CooperationAgreement.objects.get().document_name == "a.pdf"


# ---- network events --------------------------------------------------------------------------------------

def test_staff_record_events_with_partners(make_event, jobcentre, school, org_a, today):
    event = make_event(partners=[jobcentre, school], end_date=today + timedelta(days=6),
                       kind="intercultural_week")
    assert set(event.partners.all()) == {jobcentre, school} and event.recorded_by == org_a.user("counsellor")
    assert event.end_date == today + timedelta(days=6)
    assert AuditEvent.objects.filter(action="network_event.created", object_id=str(event.public_id)).exists()
    assert make_event(end_date=today).end_date is None  # one day: no end date


@pytest.mark.parametrize("extra, field", [
    ({"kind": "party"}, "kind"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"note": "x" * 2001}, "note"),
    ({"date": None}, "date"),
    ({"date": date(1989, 12, 31)}, "date"),
    ({"end_date": "before"}, "end_date"),
    ({"end_date": "too_long"}, "end_date"),
    ({"participants": -1}, "participants"),
    ({"participants": 100001}, "participants"),
    ({"participants": None}, "participants"),
    ({"participants": True}, "participants"),
    ({"participants": "12"}, "participants"),
    ({"partners": ["foreign"]}, "partners"),
])
def test_bad_event_input_is_refused(make_event, foreign_partner, today, extra, field):
    values = dict(extra)
    if values.get("end_date") == "before":
        values["end_date"] = today - timedelta(days=1)
    elif values.get("end_date") == "too_long":
        values["end_date"] = today + timedelta(days=367)
    if values.get("partners") == ["foreign"]:
        values["partners"] = [foreign_partner]
    with pytest.raises(ValidationError) as error:
        make_event(**values)
    assert field in error.value.message_dict
    assert not NetworkEvent.objects.exists()


def test_participants_limits_are_allowed(make_event):
    assert make_event(participants=0).participants == 0
    assert make_event(participants=100000).participants == 100000


def test_coordinators_see_events_but_do_not_record_them(make_event, org_a, org_b):
    with pytest.raises(PermissionDenied):
        make_event(actor=org_a.user("coordinator"))
    with pytest.raises(PermissionDenied):
        make_event(actor=org_b.user("counsellor"))
    assert make_event(actor=org_a.user("accommodation")).pk


def test_update_and_stale_update(make_event, event_data, org_a, jobcentre):
    event = make_event()
    updated = services.event_update(actor=org_a.user("team_lead"), event=event, version=1,
                                    data=event_data(participants=20, partners=[jobcentre]))
    assert updated.version == 2 and updated.participants == 20 and list(updated.partners.all()) == [jobcentre]
    fields = AuditEvent.objects.get(action="network_event.updated").details["fields"]
    assert fields == ["participants", "partners"]
    with pytest.raises(ValidationError) as error:
        services.event_update(actor=org_a.user("counsellor"), event=event, version=1,
                              data=event_data(participants=3))
    assert is_stale(error.value)
    assert NetworkEvent.objects.get().participants == 20


def test_delete_is_audited_and_needs_the_current_version(make_event, org_a):
    event = make_event(title="Ehrenamtstag")
    with pytest.raises(ValidationError):
        services.event_delete(actor=org_a.user("counsellor"), event=event, version=7)
    assert NetworkEvent.objects.exists()
    with pytest.raises(PermissionDenied):
        services.event_delete(actor=org_a.user("coordinator"), event=event, version=1)
    services.event_delete(actor=org_a.user("counsellor"), event=event, version=1)
    assert not NetworkEvent.objects.exists()
    audit = AuditEvent.objects.get(action="network_event.deleted")
    assert audit.details["title"] == "Ehrenamtstag" and audit.object_id == str(event.public_id)
