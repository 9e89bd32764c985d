import csv
import io

import pytest


@pytest.fixture(autouse=True)
def _inline_exports(settings):
    """Tests produce every export inline unless a test lowers the threshold itself."""
    settings.LOTSE_EXPORT_INLINE_ROWS = 10**9
    settings.LOTSE_EXPORT_BATCH_SIZE = 500


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(content: bytes) -> list[list]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def read(job) -> list[list]:
    """The rows of a finished export's file (heading row first)."""
    content = bytes(job.content)
    return read_csv(content) if job.format == "csv" else read_xlsx(content)


@pytest.fixture
def persons(org_a, org_b, make_person):
    """Three persons of org A's team (one with health and religion recorded) and one of org B."""
    from lotse.people.services import PersonData, person_create

    haddad = make_person(health_notes="Diabetes Typ 2", religion="Jesidisch", phone="0151 1234567")
    nasser = make_person(family_name="Nasser", given_names="Omar")
    abadi = make_person(family_name="Abadi", given_names="Lina")
    foreign = person_create(actor=org_b.user("counsellor"), team=org_b.team,
                            data=PersonData(family_name="Fremd", given_names="Berta"))
    return {"haddad": haddad, "nasser": nasser, "abadi": abadi, "foreign": foreign}
