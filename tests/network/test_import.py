"""Importing a partner list: per-row check, one transaction, nothing half-saved; the three steps on screen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from lotse.audit.models import AuditEvent
from lotse.network import importing, services
from lotse.network.models import Partner, PartnerContact, PartnerService
from lotse.network.spreadsheets import read_bytes
from tests.network.conftest import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [
    "Volkshochschule Lindenau;Integrationskursträger;Schulstraße 4;88045;Lindenau;07541 3300;vhs@x.invalid;"
    '"Arabisch, deu";"Integrationskurs; Alphabetisierungskurs";"Frau Öztürk; Herr Lang";"Leitung;–"',
    "Kita Sonnenblume;kita;Gartenweg 7;88046;Lindenau;;;;;;",
]


def _rows(*lines, **kwargs):
    return read_bytes(csv_bytes(*lines, **kwargs)).rows


def _check(organisation, *lines, update_existing=True, **kwargs):
    with translation.override("en"):
        return importing.check_rows(organisation=organisation, rows=_rows(*lines, **kwargs),
                                    update_existing=update_existing)


def test_good_rows_are_new(organisation):
    checked = _check(organisation, *GOOD)
    assert [(row.number, row.name, row.status, row.messages) for row in checked] == [
        (2, "Volkshochschule Lindenau", "new", []), (3, "Kita Sonnenblume", "new", [])]
    vhs = checked[0]
    assert vhs.partner_type == "course_provider"
    assert sorted(code.code for code in vhs.languages) == ["ara", "deu"]
    assert vhs.services == ["Integrationskurs", "Alphabetisierungskurs"]
    assert vhs.contacts == [{"name": "Frau Öztürk", "function": "Leitung", "phone": "", "email": ""},
                            {"name": "Herr Lang", "function": "", "phone": "", "email": ""}]


@pytest.mark.parametrize(("line", "expected"), [
    (";Kita;;;;;;;;;", "Name is missing."),
    ("Kita Regenbogen;;;;;;;;;;", "Art is missing."),
    ("Kita Regenbogen;Zauberschule;;;;;;;;;", "Art: unknown type “Zauberschule”"),
    ("Kita Regenbogen;Kita;;;;;keine-mail;;;;", "E-Mail: Please enter a valid e-mail address."),
    ("Kita Regenbogen;Kita;;123456789012;;;;;;;",
     "PLZ: This text can have at most 10 characters (it has 12)."),
    ("K" * 201 + ";Kita;;;;;;;;;", "Name: This text can have at most 200 characters (it has 201)."),
    ("Kita Regenbogen;Kita;;;;;;Klingonisch;;;", "Sprachen: unknown language “Klingonisch”."),
    ("Kita Regenbogen;Kita;;;;;;Bari;;;", "Sprachen: “Bari” is ambiguous"),
    ("Kita Regenbogen;Kita;;;;;;;;;Leitung", "Funktion: more entries than contact persons"),
    ('Kita Regenbogen;Kita;;;;;;;;"–;Herr Lang";"Leitung;Berater"', "Ansprechperson: entry 1 has no name."),
])
def test_row_errors_name_the_column(organisation, line, expected):
    [row] = _check(organisation, line)
    assert row.status == "error"
    assert any(expected in message for message in row.messages), row.messages


def test_language_code_in_brackets_resolves_ambiguous_names(organisation):
    [row] = _check(organisation, 'Kita Regenbogen;Kita;;;;;;"Bari (bfa); Persisch";;;')
    assert row.status == "new", row.messages
    assert sorted(code.code for code in row.languages) == ["bfa", "pes"]


def test_a_name_twice_in_the_file_is_an_error_of_the_later_rows(organisation):
    checked = _check(organisation, *GOOD, "KITA  Sonnenblume;Kita;;;;;;;;;")
    assert [row.status for row in checked] == ["new", "new", "error"]
    assert checked[2].messages == ["The name already appears in row 3 of the file."]


def test_partners_already_in_the_list_are_updated_or_skipped(organisation, counsellor, partner):
    line = "JOBCENTER LINDENAU;Jobcenter;Bahnhofstraße 12;;;07541 204-0;;;Bürgergeld;Frau Berg;Fallmanagerin"
    [row] = _check(organisation, line)
    assert row.status == "updated" and row.existing == partner
    assert row.changes == ["Straße", "Leistungen", "Ansprechperson"]
    [row] = _check(organisation, line, update_existing=False)
    assert row.status == "skipped"
    [row] = _check(organisation, "Jobcenter Lindenau;job_centre;;;Lindenau;07541 204-0;;;;;")
    assert row.status == "unchanged"


def test_the_check_costs_constant_queries(organisation, counsellor, partner, django_assert_max_num_queries):
    lines = [f"Partner {n};Kita;Weg {n};;;;p{n}@x.invalid;Arabisch;Leistung {n};Frau {n};Leitung"
             for n in range(300)]
    rows = _rows(*lines, "Jobcenter Lindenau;Jobcenter;;;;;;;;;")
    with django_assert_max_num_queries(8):
        checked = importing.check_rows(organisation=organisation, rows=rows, update_existing=True)
    assert len(checked) == 301


def test_import_creates_and_completes_in_one_go(organisation, counsellor, partner):
    services.service_create(actor=counsellor, partner=partner, name="Bürgergeld")
    jobcentre = ('Jobcenter Lindenau;Jobcenter;Bahnhofstraße 12;;;;;Türkisch;"bürgergeld; Integration Point";'
                 'Frau Berg;Fallmanagerin')
    rows = _rows(*GOOD, jobcentre, "Fehlerhaft;Zauberschule;;;;;;;;;")
    counts = services.partner_import(actor=counsellor, organisation=organisation, rows=rows,
                                     update_existing=True, only_if_all_valid=False)
    assert counts == {"new": 2, "updated": 1, "unchanged": 0, "skipped": 0, "error": 1}
    vhs = Partner.objects.get(name="Volkshochschule Lindenau")
    assert vhs.partner_type == "course_provider" and vhs.is_active and not vhs.is_internal
    assert sorted(vhs.services.values_list("name", flat=True)) == ["Alphabetisierungskurs",
                                                                   "Integrationskurs"]
    assert list(vhs.contacts.order_by("name").values_list("name", "function")) == [
        ("Frau Öztürk", "Leitung"), ("Herr Lang", "")]
    partner.refresh_from_db()
    # empty cells keep stored values
    assert partner.street == "Bahnhofstraße 12" and partner.city == "Lindenau"
    assert partner.version == 3  # service added before, import now
    assert sorted(partner.services.values_list("name", flat=True)) == ["Bürgergeld", "Integration Point"]
    assert list(partner.languages.values_list("code", flat=True)) == ["tur"]
    assert not Partner.objects.filter(name="Fehlerhaft").exists()
    event = AuditEvent.objects.get(action="partner.imported")
    assert event.details["new"] == 2 and event.details["error"] == 1
    assert event.organisation_id == organisation.pk


def test_only_if_all_valid_imports_nothing_when_a_row_has_errors(organisation, counsellor, partner):
    rows = _rows(*GOOD, "Jobcenter Lindenau;Jobcenter;Neue Straße 1;;;;;;;;", ";Kita;;;;;;;;;")
    with pytest.raises(ValidationError) as error:
        services.partner_import(actor=counsellor, organisation=organisation, rows=rows, update_existing=True,
                                only_if_all_valid=True)
    assert "Es wurde nichts importiert: 1 Zeile ist fehlerhaft." in " ".join(error.value.messages)
    assert list(Partner.objects.values_list("name", flat=True)) == ["Jobcenter Lindenau"]
    partner.refresh_from_db()
    assert partner.street == "" and partner.version == 1
    assert not AuditEvent.objects.filter(action="partner.imported").exists()


def test_a_failure_in_the_middle_leaves_nothing_half_saved(organisation, counsellor, partner, monkeypatch):
    original = services._import_new
    calls = []

    def failing(organisation, row):
        calls.append(row.number)
        if len(calls) == 2:
            raise RuntimeError("Datenbank weg")
        original(organisation, row)

    monkeypatch.setattr(services, "_import_new", failing)
    rows = _rows(*GOOD, "Jobcenter Lindenau;Jobcenter;Neue Straße 1;;;;;;;;")
    with pytest.raises(RuntimeError):
        services.partner_import(actor=counsellor, organisation=organisation, rows=rows, update_existing=True,
                                only_if_all_valid=False)
    assert list(Partner.objects.values_list("name", flat=True)) == ["Jobcenter Lindenau"]
    assert not PartnerService.objects.exists() and not PartnerContact.objects.exists()


def test_a_concurrent_duplicate_is_reported_and_nothing_saved(organisation, counsellor, monkeypatch):
    from django.db import IntegrityError

    def clash(organisation, row):
        raise IntegrityError("partner_unique_name_per_org")

    monkeypatch.setattr(services, "_import_new", clash)
    with pytest.raises(ValidationError):
        services.partner_import(actor=counsellor, organisation=organisation, rows=_rows(*GOOD),
                                update_existing=True, only_if_all_valid=False)
    assert not Partner.objects.exists()


def test_coordinators_cannot_import(org_a, organisation):
    with pytest.raises(PermissionDenied):
        services.partner_import(actor=org_a.user("coordinator"), organisation=organisation, rows=_rows(*GOOD),
                                update_existing=True, only_if_all_valid=False)
    assert not Partner.objects.exists()


# ---- the three steps in the browser ------------------------------------------------------------------------

def _upload(client, data, name="partner.csv", existing="update"):
    return client.post(reverse("network:partner_import"), {"file": upload(data, name), "existing": existing})


def test_upload_preview_confirm(cclient, organisation, partner, django_assert_max_num_queries):
    response = _upload(cclient, csv_bytes(*GOOD, "Jobcenter Lindenau;Jobcenter;;;;;;;Bürgergeld;;",
                                          ";Kita;;;;;;;;;"))
    assert response.status_code == 302 and response["Location"] == reverse("network:partner_import_preview")
    assert not Partner.objects.filter(name="Kita Sonnenblume").exists()  # nothing saved in step 1
    with django_assert_max_num_queries(20):
        response = cclient.get(reverse("network:partner_import_preview"))
    html = response.content.decode()
    assert response.status_code == 200
    for expected in ("Volkshochschule Lindenau", "Kita Sonnenblume", "Jobcenter Lindenau", "Leistungen"):
        assert expected in html
    assert html.count("<strong>") >= 1 and "Name" in html
    token = cclient.session["network_import"]["token"]
    response = cclient.post(reverse("network:partner_import_preview"), {"token": token, "mode": "all",
                                                                        "action": "import"})
    assert response.status_code == 422  # refused: one row has an error and "only if all rows are valid"
    assert Partner.objects.count() == 1
    response = cclient.post(reverse("network:partner_import_preview"), {"token": token, "mode": "valid",
                                                                        "action": "import"})
    assert response.status_code == 302 and response["Location"] == reverse("network:partner_list")
    assert Partner.objects.count() == 3
    assert partner.services.get().name == "Bürgergeld"
    assert "network_import" not in cclient.session
    assert "Es wartet keine Datei auf den Import." in cclient.get(
        reverse("network:partner_import_preview")).content.decode()


def test_skip_existing_leaves_them_alone(cclient, partner):
    _upload(cclient, csv_bytes("Jobcenter Lindenau;Kita;Neue Straße;;;;;;;;"), existing="skip")
    token = cclient.session["network_import"]["token"]
    cclient.post(reverse("network:partner_import_preview"),
                 {"token": token, "mode": "all", "action": "import"})
    partner.refresh_from_db()
    assert partner.partner_type == "job_centre" and partner.street == ""


def test_xlsx_upload(cclient):
    data = xlsx_bytes([["Name", "Art", "Sprachen"], ["Kita Sonnenblume", "Kita", "Türkisch; Arabisch"]])
    assert _upload(cclient, data, name="liste.xlsx").status_code == 302
    token = cclient.session["network_import"]["token"]
    cclient.post(reverse("network:partner_import_preview"),
                 {"token": token, "mode": "all", "action": "import"})
    assert sorted(Partner.objects.get().languages.values_list("code", flat=True)) == ["ara", "tur"]


@pytest.mark.parametrize(("data", "name"), [
    (b"Farbe;Form\r\nrot;rund\r\n", "partner.csv"),
    (b"PK\x03\x04kaputt", "partner.xlsx"),
    (b"\x00\x01\x02" * 100, "partner.csv"),
    (b"", "partner.csv"),
])
def test_bad_files_show_the_upload_form_again_with_a_message(cclient, data, name):
    response = _upload(cclient, data, name)
    assert response.status_code == 422
    assert "kern-alert--danger" in response.content.decode()
    assert "network_import" not in cclient.session
    assert not Partner.objects.exists()


def test_an_old_preview_cannot_be_confirmed(cclient):
    _upload(cclient, csv_bytes(*GOOD))
    old = cclient.session["network_import"]["token"]
    _upload(cclient, csv_bytes("Schule am Berg;Schule;;;;;;;;;"))
    response = cclient.post(reverse("network:partner_import_preview"), {"token": old, "mode": "all",
                                                                        "action": "import"})
    assert response.status_code == 422
    assert not Partner.objects.exists()


def test_discard_forgets_the_rows(cclient):
    _upload(cclient, csv_bytes(*GOOD))
    response = cclient.post(reverse("network:partner_import_preview"), {"action": "discard"})
    assert response.status_code == 302
    assert "network_import" not in cclient.session and not Partner.objects.exists()


def test_a_confirm_without_upload_saves_nothing(cclient):
    response = cclient.post(reverse("network:partner_import_preview"), {"token": "x", "mode": "all",
                                                                        "action": "import"})
    assert response.status_code == 200 and not Partner.objects.exists()


def test_coordinators_do_not_see_the_import(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("network:partner_import")).status_code == 403
    assert client.get(reverse("network:partner_import_preview")).status_code == 403
