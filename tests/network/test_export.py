"""Export as CSV and XLSX with the import's columns: audited, safe against formulas, lossless round trip."""

import io

import pytest
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.network import importing, services
from lotse.network.models import Partner
from lotse.network.spreadsheets import HEADINGS, read_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(organisation, counsellor, partner):
    """A partner with everything an export carries, including values that look like formulas."""
    services.partner_update(actor=counsellor, partner=partner, version=1, data=services.PartnerData(
        name=partner.name, partner_type="job_centre", is_internal=True, street="Bahnhofstraße 12",
        postal_code="08045", city="Lindenau", phone="+49 7541 204-0", email="info@jobcenter.invalid",
        website="https://jobcenter.invalid", opening_hours="Mo–Fr 8–12 Uhr\nDo 14–17 Uhr",
        languages=["deu", "ara", "bfa"], contact="=HYPERLINK(\"http://evil.invalid\")",
        notes="Zeile eins\nZeile zwei; mit Semikolon"))
    services.service_create(actor=counsellor, partner=partner, name="Bürgergeld")
    services.service_create(actor=counsellor, partner=partner, name="Beratung, Begleitung; Vermittlung")
    services.contact_create(actor=counsellor, partner=partner, name="Frau Berg", function="",
                            phone="07541 204-118", email="berg@jc.invalid")
    services.contact_create(actor=counsellor, partner=partner, name="Herr Demir",
                            function="Integration Point")
    inactive = services.partner_create(actor=counsellor, organisation=organisation, name="Altes Amt",
                                       partner_type="other")
    services.partner_set_active(actor=counsellor, partner=inactive, version=1, active=False)
    return partner


def _snapshot(organisation):
    result = {}
    for partner in Partner.objects.filter(organisation=organisation).order_by("name"):
        result[partner.name] = (
            {name: getattr(partner, name) for name in ("partner_type", "is_internal", "street", "postal_code",
                                                        "city", "phone", "email", "website", "opening_hours",
                                                        "contact", "notes", "is_active")},
            sorted(partner.languages.values_list("code", flat=True)),
            sorted(partner.services.filter(is_active=True).values_list("name", flat=True)),
            sorted(partner.contacts.filter(is_active=True).values_list("name", "function", "phone", "email")))
    return result


def test_csv_export(cclient, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = cclient.get(reverse("network:partner_export_csv") + "?status=alle")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partner-')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADINGS)
    assert "'+49 7541 204-0" in text and '"\'=HYPERLINK(' in text
    assert "Altes Amt" in text
    event = AuditEvent.objects.get(action="partner.exported")
    assert event.details["format"] == "csv" and event.details["rows"] == 2


def test_export_follows_the_filters(cclient, directory):
    text = cclient.get(reverse("network:partner_export_csv")).content.decode("utf-8-sig")
    assert "Jobcenter Lindenau" in text and "Altes Amt" not in text  # active partners by default
    text = cclient.get(reverse("network:partner_export_csv") + "?q=demir").content.decode("utf-8-sig")
    assert "Jobcenter Lindenau" in text


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_changes_nothing(cclient, counsellor, organisation, directory, file_format):
    before = _snapshot(organisation)
    response = cclient.get(reverse(f"network:partner_export_{file_format}") + "?status=alle")
    table = read_bytes(response.content, name=f"partner.{file_format}")
    checked = importing.check_rows(organisation=organisation, rows=table.rows, update_existing=True)
    assert [(row.name, row.status, row.changes, row.messages) for row in checked] == [
        ("Altes Amt", "unchanged", [], []), ("Jobcenter Lindenau", "unchanged", [], [])]
    services.partner_import(actor=counsellor, organisation=organisation, rows=table.rows,
                            update_existing=True, only_if_all_valid=True)
    assert _snapshot(organisation) == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_into_another_organisation_copies_everything(client_for, counsellor, org_b, organisation,
                                                                 directory, file_format):
    client = client_for(counsellor)
    content = client.get(reverse(f"network:partner_export_{file_format}") + "?status=alle").content
    table = read_bytes(content, name=f"partner.{file_format}")
    services.partner_import(actor=org_b.user("counsellor"), organisation=org_b.organisation, rows=table.rows,
                            update_existing=True, only_if_all_valid=True)
    assert _snapshot(org_b.organisation) == _snapshot(organisation)


def test_xlsx_export(cclient, directory):
    import openpyxl

    response = cclient.get(reverse("network:partner_export_xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    assert rows[1][0] == "Jobcenter Lindenau" and rows[1][1] == "Jobcenter"
    assert rows[1][HEADINGS.index("PLZ")] == "08045"  # text, not a number without its leading zero
    assert all(cell.data_type == "s" for cell in sheet[2])
    assert AuditEvent.objects.get(action="partner.exported").details["format"] == "xlsx"


def test_coordinators_may_export_but_foreign_partners_never_appear(client_for, org_a, org_b, directory):
    services.partner_create(actor=org_b.user("counsellor"), organisation=org_b.organisation,
                            name="Fremdes Amt", partner_type="other")
    text = client_for(org_a.user("coordinator")).get(reverse("network:partner_export_csv")).content.decode(
        "utf-8-sig")
    assert "Jobcenter Lindenau" in text and "Fremdes Amt" not in text


def test_system_administrators_do_not_export(client_for, sysadmin, directory):
    assert client_for(sysadmin).get(reverse("network:partner_export_csv")).status_code == 403
