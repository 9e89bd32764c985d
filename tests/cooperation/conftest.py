import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import translation

from lotse.cooperation import services
from lotse.network.services import partner_create


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages are compared in English; what German users read is checked with ``german``."""
    with translation.override("en"):
        yield



PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The same bytes on every call: the entries carry a fixed timestamp, not the current time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nothing")
    return buffer.getvalue()


@pytest.fixture
def admin(org_a):
    return org_a.user("org_admin")


@pytest.fixture
def jobcentre(org_a, lead):
    return partner_create(actor=lead, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre")


@pytest.fixture
def school(org_a, lead):
    return partner_create(actor=lead, organisation=org_a.organisation, name="Grundschule am Markt",
                          partner_type="school")


@pytest.fixture
def foreign_partner(org_b):
    return partner_create(actor=org_b.user("team_lead"), organisation=org_b.organisation, name="Jobcenter B",
                          partner_type="job_centre")


@pytest.fixture
def agreement_data(jobcentre, lead, today):
    def make(**extra):
        values = {"title": "Kooperation Jobcenter", "subject": "Gemeinsame Arbeitsmarktintegration",
                  "partners": [jobcentre], "starts_on": today - timedelta(days=30), "responsible": lead,
                  "status": "active", "division_of_tasks": "Jobcenter: Förderung; MBE: Begleitung"}
        values.update(extra)
        return services.AgreementData(**values)
    return make


@pytest.fixture
def make_agreement(org_a, lead, agreement_data):
    def make(actor=None, organisation=None, note="", **extra):
        return services.agreement_create(actor=actor or lead, organisation=organisation or org_a.organisation,
                                         data=agreement_data(**extra), note=note)
    return make


@pytest.fixture
def event_data(today):
    def make(**extra):
        values = {"kind": "network_meeting", "title": "Netzwerktreffen Integration", "date": today,
                  "participants": 14}
        values.update(extra)
        return services.EventData(**values)
    return make


@pytest.fixture
def make_event(org_a, counsellor, event_data):
    def make(actor=None, organisation=None, **extra):
        return services.event_create(actor=actor or counsellor, data=event_data(**extra),
                                     organisation=organisation or org_a.organisation)
    return make
