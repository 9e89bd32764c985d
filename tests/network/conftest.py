import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lotse.network.services import partner_create
from tests.factories import login


@pytest.fixture
def organisation(org_a):
    return org_a.organisation


@pytest.fixture
def partner(org_a, counsellor):
    return partner_create(actor=counsellor, organisation=org_a.organisation, name="Jobcenter Lindenau",
                          partner_type="job_centre", phone="07541 204-0", city="Lindenau")


@pytest.fixture
def coordinator(org_a):
    return org_a.user("coordinator")


@pytest.fixture
def client_for(client):
    def make(user):
        login(client, user)
        return client
    return make


HEADER = "Name;Art;Straße;PLZ;Ort;Telefon;E-Mail;Sprachen;Leistungen;Ansprechperson;Funktion"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    text = "\r\n".join([header, *lines]) + "\r\n"
    if delimiter != ";":
        text = text.replace(";", delimiter)
    return text.encode(encoding)


def upload(data: bytes, name: str = "partner.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
