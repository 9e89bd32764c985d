"""The conversation record (Gesprächsprotokoll): every language, Arabic text layer, never the notes."""

import io
import json
import re
import unicodedata
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.contacts.services import Agreement
from lotse.documents import texts

pytestmark = pytest.mark.django_db

TEXTS = texts.TEXT_DIR
NOTE = "Streng vertraulich: Schulden beim Vermieter"


def _normalise(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).replace("\u200c", "")
    return re.sub(r"\s+", " ", value)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return _normalise(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def recorded(make_contact):
    due = timezone.localdate() + timedelta(days=4)
    return make_contact(notes=NOTE, notes_confidential=False, occasion="Jobsuche",
                        agreements=[Agreement(title="Lebenslauf mitbringen", responsible="client", due_on=due)])


def _url(contact, language=None):
    url = reverse("contacts:contact_document", args=[contact.public_id])
    return f"{url}?sprache={language}" if language is not None else url


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_the_record_renders_in_every_language_without_the_notes(cclient, recorded, language,
                                                                  django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = cclient.get(_url(recorded, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Lebenslauf mitbringen" in text
    assert "Schulden" not in text and NOTE not in text


def test_the_arabic_record_has_the_arabic_title_and_the_agreement(cclient, recorded):
    title = json.loads((TEXTS / "conversation_record.ar.json").read_text(encoding="utf-8"))["texts"]["title"]
    response = cclient.get(_url(recorded, "ar"))
    assert response.status_code == 200
    text = _text(response.content)
    assert _normalise(title) in text
    assert "Lebenslauf mitbringen" in text and "Jobsuche" in text


def test_confidential_notes_never_reach_the_record_even_for_the_author(cclient, make_contact):
    contact = make_contact(notes=NOTE, notes_confidential=True)
    for language in ("de", "ar"):
        response = cclient.get(_url(contact, language))
        assert response.status_code == 200
        assert "Schulden" not in _text(response.content)


@pytest.mark.parametrize("language", ["xx", "de-DE", "<script>", "d" * 300])
def test_an_unknown_language_is_a_400_page(cclient, recorded, language):
    response = cclient.get(_url(recorded, language))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_without_a_language_the_persons_language_or_german_is_used(cclient, recorded):
    response = cclient.get(_url(recorded))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_another_organisation_gets_no_record(client, org_b, recorded):
    from tests.factories import login

    login(client, org_b.user("counsellor"))
    assert client.get(_url(recorded, "de")).status_code == 404
