"""The appointment letter (Terminbrief): every language renders, Arabic is in the text layer, no case → refused."""

import io
import re
import unicodedata

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.appointments import services
from lotse.audit.models import AuditEvent
from lotse.documents import services as documents
from lotse.documents import texts

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    value = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages)).replace("\u200c", "")
    return re.sub(r"\s+", " ", value)


def _normalise(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value).replace("\u200c", ""))


@pytest.fixture
def appointment(case, counsellor, org_a, soon):
    return services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                       starts_at=soon, location="Caritas-Haus", room="1.04",
                                       interpreter_needed=True, interpreter_language="ara")


def test_texts_have_the_same_keys_in_every_language():
    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(item) for item in value]
        return None

    reference = shape(texts.load("appointment_letter", "de")["texts"])
    for language in texts.LANGUAGES:
        data = texts.load("appointment_letter", language)
        assert data["language"] == language and shape(data["texts"]) == reference
        if language != "de":
            assert data["translation_status"] == texts.TRANSLATION_STATUS


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_letter_renders_in_every_language(appointment, counsellor, language):
    pdf = documents.document_render(kind="appointment_letter", obj=appointment, language=language, actor=counsellor)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    german = texts.load("appointment_letter", "de")["texts"]
    assert _normalise(german["title"]) in text
    assert appointment.case.person.file_number in text
    assert "Caritas-Haus" in text and "1.04" in text and "10:00–10:30" in text
    assert _normalise(german["interpreter_heading"]) in text
    if language != "de":
        translated = texts.load("appointment_letter", language)["texts"]
        for expected in (translated["title"], translated["bring_heading"], translated["kinds"]["appointment"]):
            assert _normalise(expected) in text, (language, expected)


def test_arabic_is_in_the_text_layer(appointment, counsellor):
    text = _text(documents.document_render(kind="appointment_letter", obj=appointment, language="ar",
                                           actor=counsellor))
    for words in ("رسالة موعد", "يرجى إحضار", "إذا لم تتمكن من الحضور", "الترجمة الفورية"):
        assert words in text, words
    assert "رسالة موعد"[::-1] not in text
    assert AuditEvent.objects.filter(action="document.generated",
                                     details__object_id=str(appointment.public_id)).exists()


def test_no_interpreter_no_interpreter_note(case, counsellor, org_a, soon):
    plain = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, case=case,
                                        starts_at=soon, kind="home_visit")
    text = _text(documents.document_render(kind="appointment_letter", obj=plain, language="de", actor=counsellor))
    german = texts.load("appointment_letter", "de")["texts"]
    assert _normalise(german["interpreter_heading"]) not in text
    assert _normalise(german["places"]["home_visit"]) in text


def test_internal_appointment_is_refused_with_a_clear_message(counsellor, org_a, soon):
    internal = services.appointment_create(actor=counsellor, owner=counsellor, team=org_a.team, starts_at=soon)
    with pytest.raises(ValidationError) as error:
        documents.document_render(kind="appointment_letter", obj=internal, language="de", actor=counsellor)
    assert error.value.error_list[0].code == "no_case"


def test_view_serves_the_pdf(appointment, cclient, django_assert_max_num_queries):
    url = reverse("appointments:appointment_letter", args=[appointment.public_id])
    with django_assert_max_num_queries(25):
        response = cclient.get(url, {"sprache": "ar"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert cclient.get(url, {"sprache": "xx"}).status_code == 400
    chooser = cclient.get(url)
    assert chooser.status_code == 200 and 'name="sprache"' in chooser.content.decode()
