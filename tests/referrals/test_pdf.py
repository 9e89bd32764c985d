"""The referral letters: the client's in every language (no situation data), the partner's with only what was
released and sent, and refused without a release."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from lotse.codelists.models import Code
from lotse.consent.services import release_revoke
from lotse.documents import services as documents, texts
from lotse.people.models import Person
from tests.documents.test_render import _normalise, _text

pytestmark = pytest.mark.django_db

HEALTH = "Diabetes Typ 2"
PROFESSION = "Elektroniker für Betriebstechnik"
REASON = "Beratung zur Arbeitsaufnahme, Anerkennung des Abschlusses"


@pytest.fixture
def person(case):
    Person.objects.filter(pk=case.person_id).update(
        name_original_script="أمل حداد", birth_date=date(1990, 5, 3), birth_date_precision="exact",
        phone="0151 2345678",
        email="amal@example.invalid", address="Lindenweg 4, 88045 Lindenau", profession=PROFESSION,
        health_notes=HEALTH, school_qualification="Abitur (Syrien)",
        preferred_language=Code.objects.filter(code="ara").first())
    case.person.refresh_from_db()
    return case.person


@pytest.fixture
def referral(person, send, service, partner_contact, today):
    return send(reason=REASON, service=service, partner_contact=partner_contact, categories=["master_data"])


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_client_letter_in_every_language_shows_the_way_and_nothing_about_the_situation(referral, counsellor,
                                                                                        language):
    pdf = documents.document_render(kind="referral_letter_client", obj=referral, language=language,
                                    actor=counsellor)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for words in ("Ihre Vermittlung", "Jobcenter Lindenau", "Integration Point",
                  "Bahnhofstraße 12, 88045 Lindenau", "07541 204-0", "Mo–Fr 8–12 Uhr", "Frau Berg",
                  referral.person.file_number):
        assert _normalise(words) in text, (language, words)
    for secret in (HEALTH, PROFESSION, "Arbeitsaufnahme", "Abitur"):
        assert secret not in text, (language, secret)
    if language != "de":
        assert _normalise(texts.load("referral_letter_client", language)["texts"]["title"]) in text


def test_client_letter_shows_a_coming_appointment_with_its_weekday(referral, counsellor, today):
    from lotse.referrals.services import referral_appointment

    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    referral = referral_appointment(actor=counsellor, referral=referral, version=1, on=day)
    text = _text(documents.document_render(kind="referral_letter_client", obj=referral, language="ar",
                                           actor=counsellor))
    assert day.strftime("%d.%m.%Y") in text and "Montag" in text and "الاثنين" in text
    assert "Es gibt noch keinen Termin" not in text


def test_the_arabic_client_letter_has_arabic_text_in_the_text_layer(referral, counsellor):
    text = _text(documents.document_render(kind="referral_letter_client", obj=referral, language="ar",
                                           actor=counsellor))
    for words in ("إحالتك", "يرجى إحضار", "الاستشارة مجانية وسرية"):
        assert words in text, words
    assert "إحالتك"[::-1] not in text


def test_partner_letter_with_master_data_only(referral, counsellor):
    text = _text(documents.document_render(kind="referral_letter_partner", obj=referral, language="de",
                                           actor=counsellor))
    for words in ("Vermittlung", "Haddad", "03.05.1990", "0151 2345678", "amal@example.invalid",
                  "Lindenweg 4", REASON, "Stammdaten und Kontaktdaten", "Frau Berg", "Integration Point"):
        assert _normalise(words) in text, words
    for secret in (HEALTH, PROFESSION, "Abitur", "Gesundheit", "Arbeit und Sozialleistungen"):
        assert secret not in text, secret
    # The release is one-way: the partner is not asked for feedback.
    assert "nur für die Weitergabe an Sie" in text


def test_partner_letter_shows_each_released_category(person, send, counsellor, case, partner, make_release):
    make_release(person, partner, categories=("master_data", "work", "education", "health", "family"),
                 direction="mutual")
    referral = send(categories=["master_data", "work", "education", "health", "family"])
    text = _text(documents.document_render(kind="referral_letter_partner", obj=referral, language="de",
                                           actor=counsellor))
    for words in (PROFESSION, HEALTH, "Abitur (Syrien)", "Familie und Haushalt",
                  "Angaben aus diesem Bereich erhalten Sie bei Bedarf von uns", "in beide Richtungen"):
        assert _normalise(words) in text, words


def test_partner_letter_cannot_be_made_without_a_release(referral, counsellor, release, today):
    release_revoke(actor=counsellor, release=release, revoked_on=today)
    with pytest.raises(ValidationError):
        documents.document_render(kind="referral_letter_partner", obj=referral, language="de",
                                  actor=counsellor)


@pytest.mark.parametrize("kind", ["referral_letter_client", "referral_letter_partner"])
def test_every_language_has_the_german_keys(kind):
    german = texts.load(kind, "de")["texts"]
    for language in texts.LANGUAGES:
        loaded = json.loads((texts.TEXT_DIR / f"{kind}.{language}.json").read_text(encoding="utf-8"))
        assert set(loaded["texts"]) == set(german), language
        assert len(loaded["texts"]["bring" if kind.endswith("client") else "categories"]) == len(
            german["bring" if kind.endswith("client") else "categories"]), language
