"""The family's summary (conference_summary): every language, Arabic in the text layer, decisions in, minutes out."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from lotse.conferences import services
from lotse.documents import services as documents, texts
from lotse.people.models import Person
from tests.documents.test_render import _normalise, _text

pytestmark = pytest.mark.django_db

MINUTES = "Vertraulich: Streit zwischen den Eltern über die Kita"


@pytest.fixture
def held(begun, add, counsellor, contact, release, case, goal, today):
    Person.objects.filter(pk=case.person_id).update(name_original_script="أمل حداد")
    berg = add(begun, kind="partner", partner_contact=contact, role="Fallmanagerin Jobcenter")
    amal = add(begun, kind="family", person=case.person, role="Klientin")
    add(begun, kind="other", name="Herr Abwesend", role="Pate")
    staff = begun.participants.get(kind="staff")
    services.conference_record_minutes(actor=counsellor, conference=begun, version=1, held_on=today, minutes=MINUTES,
                                       attended=[staff, berg, amal])
    services.decision_create(actor=counsellor, conference=begun, data=services.DecisionData(
        text="Bildungsgutschein ausstellen", responsible=berg, due_on=today + timedelta(days=14), goal=goal))
    services.decision_create(actor=counsellor, conference=begun, data=services.DecisionData(
        text="Zeugnisse mitbringen", responsible=amal, due_on=today + timedelta(days=21)))
    begun.refresh_from_db()
    return begun


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_renders_in_every_language_with_decisions_and_without_the_minutes(held, counsellor, language):
    pdf = documents.document_render(kind="conference_summary", obj=held, language=language, actor=counsellor)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Zusammenfassung der Fallkonferenz" in text
    for words in ("Bildungsgutschein ausstellen", "Zeugnisse mitbringen", "Frau Berg", "Jobcenter Lindenau",
                  "Amal Haddad", "Sprachkurs B1", "Kinderbetreuung", "Rückkehr in Arbeit",
                  held.case.person.file_number):
        assert _normalise(words) in text, (language, words)
    assert "Vertraulich" not in text and "Streit" not in text
    assert "Herr Abwesend" not in text  # did not take part
    if language != "de":
        translated = texts.load("conference_summary", language)["texts"]
        assert _normalise(translated["title"]) in text, language


def test_the_arabic_version_has_arabic_text_in_logical_order(held, counsellor):
    text = _text(documents.document_render(kind="conference_summary", obj=held, language="ar", actor=counsellor))
    for words in ("ملخص اجتماع الحالة", "من كان حاضرًا؟", "ماذا قررنا؟", "أمل حداد"):
        assert _normalise(words) in text, words
    assert "ملخص اجتماع الحالة"[::-1] not in text
    assert "Bildungsgutschein ausstellen" in text


def test_a_planned_conference_lists_the_invited_and_the_agenda(conference, counsellor, add, case):
    add(conference, kind="family", person=case.person)
    text = _text(documents.document_render(kind="conference_summary", obj=conference, language="de",
                                           actor=counsellor))
    assert "Wer ist eingeladen?" in text and "Amal Haddad" in text and "Arbeitssuche" in text
    assert "Was haben wir beschlossen?" not in text


def test_without_agenda_the_categories_are_listed(counsellor, case, consent, data):
    conference = services.conference_create(actor=counsellor, case=case, data=data(agenda="", categories=["work"]))
    text = _text(documents.document_render(kind="conference_summary", obj=conference, language="en",
                                           actor=counsellor))
    assert "Arbeit und Sozialleistungen" in text and "Work and social benefits" in text


def test_a_cancelled_conference_has_no_summary(conference, counsellor):
    services.conference_cancel(actor=counsellor, conference=conference, version=1)
    conference.refresh_from_db()
    with pytest.raises(ValidationError):
        documents.document_render(kind="conference_summary", obj=conference, language="de", actor=counsellor)


def test_every_language_has_the_same_keys():
    german = texts.load("conference_summary", "de")["texts"]
    for language in texts.LANGUAGES:
        loaded = texts.load("conference_summary", language)["texts"]
        assert set(loaded) == set(german), language
        for group in ("kinds", "category_labels"):
            assert set(loaded[group]) == set(german[group]), (language, group)
