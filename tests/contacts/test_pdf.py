"""The conversation record (Gesprächsprotokoll): every language, Arabic in the text layer, no notes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lotse.contacts import services
from lotse.contacts.services import Agreement
from lotse.documents import services as documents, texts
from lotse.people.models import Person
from tests.documents.test_render import _normalise, _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(case, counsellor, data, partner, labour, housing):
    Person.objects.filter(pk=case.person_id).update(name_original_script="أمل حداد")
    due = timezone.localdate() + timedelta(days=7)
    return services.contact_create(
        actor=counsellor, case=case,
        data=data(topics=[labour, housing], occasion="Erstgespräch", interpreter_name="Frau Nasser",
                  persons_present=[case.person], notes="Streng vertraulich: Gewalt", notes_confidential=True,
                  next_appointment_at=timezone.now() + timedelta(days=14)),
        agreements=[Agreement(title="Lebenslauf mitbringen", responsible="client", due_on=due),
                    Agreement(title="Anruf beim Jobcenter", responsible="partner", responsible_partner=partner,
                              due_on=due)])


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_renders_in_every_language_without_the_notes(contact, counsellor, language):
    pdf = documents.document_render(kind="conversation_record", obj=contact, language=language, actor=counsellor)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Gesprächsprotokoll" in text
    for words in ("Lebenslauf mitbringen", "Anruf beim Jobcenter", "Jobcenter Lindenau", "Erstgespräch",
                  "Arbeitsrecht und Arbeitsmarktzugang", "Frau Nasser", contact.case.person.file_number):
        assert _normalise(words) in text, (language, words)
    assert "vertraulich" not in text.lower() and "Gewalt" not in text
    if language != "de":
        translated = texts.load("conversation_record", language)["texts"]
        assert _normalise(translated["title"]) in text, language


def test_the_arabic_text_is_in_the_text_layer(contact, counsellor):
    text = _text(documents.document_render(kind="conversation_record", obj=contact, language="ar", actor=counsellor))
    for words in ("محضر المحادثة", "المواضيع التي نوقشت", "الموعد القادم", "توقيع المستشارة"):
        assert words in text, words
    assert "محضر المحادثة"[::-1] not in text


def test_every_language_has_the_same_keys():
    german = texts.load("conversation_record", "de")["texts"]
    for language in texts.LANGUAGES:
        loaded = texts.load("conversation_record", language)
        assert set(loaded["texts"]) == set(german), language
        assert set(loaded["texts"]["responsible"]) == set(german["responsible"]), language
