"""The goal agreement PDF: every language renders, the text layer carries German and the client's language."""

import io
import json
import re
import unicodedata

import pypdf
import pytest

from lotse.documents import services as documents
from lotse.documents import texts
from lotse.planning import services

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    value = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages)).replace("\u200c", "")
    return re.sub(r"\s+", " ", value)


def _normalise(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value).replace("\u200c", ""))


@pytest.fixture
def agreement(case, counsellor, add_goal, add_step, partner):
    goal = add_goal(case, client_words="Ich möchte Deutsch auf B1-Niveau lernen.")
    add_step(goal, responsible="client", description="Zum Einstufungstest gehen")
    add_step(goal, responsible="counsellor", description="Kursplätze erfragen")
    add_step(goal, responsible="partner", responsible_partner=partner, description="Bildungsgutschein prüfen")
    return services.agreement_create(actor=counsellor, case=case, language="ar")


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_goal_agreement_renders_in_every_language(agreement, language):
    pdf = documents.document_render(kind="goal_agreement", obj=agreement, language=language, actor=None)
    assert pdf.startswith(b"%PDF-1.7")
    text = _text(pdf)
    german = texts.load("goal_agreement", "de")["texts"]
    for expected in ("Zielvereinbarung", german["client_does"], german["partners_do"], "Zum Einstufungstest gehen",
                     "Kursplätze erfragen", "Jobcenter Lindenau", "Bildungsgutschein prüfen",
                     agreement.case.person.file_number):
        assert _normalise(expected) in text, (language, expected)
    if language != "de":
        translated = texts.load("goal_agreement", language)["texts"]
        for expected in (translated["title"], translated["signature_counsellor"]):
            assert _normalise(expected) in text, (language, expected)


def test_arabic_words_are_in_the_text_layer_in_logical_order(agreement):
    text = _text(documents.document_render(kind="goal_agreement", obj=agreement, language="ar", actor=None))
    for words in ("اتفاق الأهداف", "ما تقوم به أنت", "ما يقوم به مركز الاستشارة", "توقيع المستشارة أو المستشار"):
        assert words in text, words
    assert "اتفاق الأهداف"[::-1] not in text


def test_the_pdf_stays_with_its_plan_version_when_the_plan_changes(agreement, counsellor, add_step):
    goal = agreement.plan_version.plan.goals.get()
    add_step(goal, responsible="client", description="Neuer Schritt danach")
    text = _text(documents.document_render(kind="goal_agreement", obj=agreement, language="de", actor=None))
    assert "Neuer Schritt danach" not in text and "Zum Einstufungstest gehen" in text


@pytest.mark.parametrize("language", [code for code in texts.LANGUAGES if code != "de"])
def test_every_translation_has_the_german_keys_and_is_marked_as_draft(language):
    german = json.loads((texts.TEXT_DIR / "goal_agreement.de.json").read_text(encoding="utf-8"))
    translated = json.loads((texts.TEXT_DIR / f"goal_agreement.{language}.json").read_text(encoding="utf-8"))
    assert set(translated["texts"]) == set(german["texts"])
    assert translated["translation_status"] == texts.TRANSLATION_STATUS and translated["language"] == language
