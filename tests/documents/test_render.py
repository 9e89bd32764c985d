"""Client documents: every kind in every language, tagged PDF, correct text layer, command, views, audit."""

import io
import json
import re
import time
import unicodedata
from datetime import date, timedelta

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from lotse.audit.models import AuditEvent
from lotse.consent.models import Release
from lotse.documents import services, texts
from lotse.documents.fonts import LocalFontFetcher, allowed_font_files
from lotse.network.models import Partner
from lotse.organisations.models import Role
from lotse.people.models import DatePrecision
from lotse.people.services import PersonData, person_create
from tests.access.specs import SPECS
from tests.access.walker import build_fixture, walk
from tests.factories import login

LANGUAGES = texts.LANGUAGES
KINDS = ("consent_form", "information_sheet", "release_form")  # other apps test their own kinds


def _person(world, **extra):
    data = PersonData(family_name="Haddad", given_names="Amal", name_original_script="أمل حداد",
                      birth_date=date(1990, 5, 3), birth_date_precision=DatePrecision.EXACT, **extra)
    return person_create(actor=world.user(Role.COUNSELLOR), team=world.team, data=data)


def _release(person, **extra):
    partner = Partner.objects.create(organisation=person.organisation, name="Jobcenter Lindenau",
                                     partner_type="job_centre", contact="Frau Beispiel, 0123 456")
    values = {"categories": ["master_data", "work", "health"], "purpose": "Vermittlung in einen Sprachkurs",
              "direction": Release.Direction.MUTUAL, "text_version": "2026-11", "given_on": date(2026, 11, 1),
              "valid_until": date(2026, 11, 1) + timedelta(days=365), "form": "paper", **extra}
    return Release.objects.create(person=person, recipient=partner, **values)


@pytest.fixture
def person(org_a):
    return _person(org_a)


@pytest.fixture
def release(person):
    return _release(person)


def _object(kind, person, release):
    return release if kind == "release_form" else person


def _text(pdf: bytes) -> str:
    """The PDF's text layer as a screen reader or copy-and-paste gets it, normalised for comparison.

    NFKC folds Arabic presentation forms back to letters; ZWNJ (Persian half-space) is dropped by
    pypdf, so it is dropped from the expectation too; whitespace collapses because line breaks differ.
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return _normalise(" ".join(page.extract_text() for page in reader.pages))


def _normalise(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).replace("\u200c", "")
    return re.sub(r"\s+", " ", value)


def _catalog(pdf: bytes):
    return pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]


# ---- rendering -------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind, language, person, release):
    started = time.perf_counter()
    pdf = services.document_render(kind=kind, obj=_object(kind, person, release), language=language,
                                   actor=person.created_by)
    elapsed = time.perf_counter() - started
    assert pdf.startswith(b"%PDF-1.7")
    assert elapsed < 5, f"{kind}/{language} took {elapsed:.2f} s"  # about 0.2-1.2 s; generous for busy CI
    text = _text(pdf)
    german = texts.load(kind, "de")["texts"]
    assert _normalise(german["title"]) in text
    assert person.file_number in text
    if language != "de":
        translated = texts.load(kind, language)["texts"]
        common = texts.load("common", language)["texts"]
        # Titles and labels are single lines: they must come out in logical order, letter for letter.
        for expected in (translated["title"], common["file_number"], common["place_date"]):
            assert _normalise(expected) in text, (language, expected)


@pytest.mark.django_db
def test_arabic_text_is_shaped_and_extracted_in_logical_order(person, release):
    consent = _text(services.document_render(kind="consent_form", obj=person, language="ar", actor=None))
    for words in ("الموافقة على معالجة البيانات الشخصية", "نعم، أوافق", "لا، لا أوافق", "رقم الملف",
                  "توثيق الاستشارة", "إحصاءات مجهولة الهوية", "أمل حداد"):
        assert words in consent, words
    # The reversed (visual-order) string must not be what a reader gets.
    assert "الموافقة على معالجة البيانات الشخصية"[::-1] not in consent
    released = _text(services.document_render(kind="release_form", obj=release, language="ar", actor=None))
    assert "الإعفاء من واجب الكتمان" in released
    # Brackets are mirrored glyphs in RTL, so their text layer is reversed; compare the words only.
    assert "بيانات محمية بشكل خاص" in released


@pytest.mark.django_db
def test_pashto_farsi_tigrinya_ukrainian_and_german_words_are_in_the_text_layer(person):
    def words(language):
        return _text(services.document_render(kind="information_sheet", obj=person, language=language, actor=None))

    assert "ستاسو د معلوماتو د پروسس په اړه معلومات" in words("ps")
    assert "اطلاعات درباره پردازش داده‌های شما".replace("\u200c", "") in words("fa")
    tigrinya = words("ti")
    assert "ሓበሬታ ብዛዕባ ምስራሕ ሓበሬታኹም" in tigrinya
    assert "ጥርዓን" in tigrinya
    ukrainian = words("uk")
    assert "Інформація про обробку ваших даних" in ukrainian
    assert "Які у вас права?" in ukrainian
    for german in ("Informationen zur Verarbeitung Ihrer Daten", "Art. 77 DSGVO", "Welche Rechte haben Sie?",
                   "Widerruf Ihrer Einwilligung"):
        assert german in ukrainian


@pytest.mark.django_db
def test_pdf_is_tagged_with_language_and_title(person):
    pdf = services.document_render(kind="consent_form", obj=person, language="ar", actor=None)
    catalog = _catalog(pdf)
    # pypdf answers with BooleanObject, which compares equal to True but is not True.
    assert catalog["/MarkInfo"]["/Marked"] == True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "de"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.title == f"Einwilligung in die Verarbeitung personenbezogener Daten – {person.file_number}"
    structure = catalog["/StructTreeRoot"]["/K"]
    assert structure  # a document element with headings, paragraphs and lists below it


@pytest.mark.django_db
def test_consent_form_has_a_section_with_choices_for_every_purpose(person):
    from lotse.consent.models import Purpose

    text = _text(services.document_render(kind="consent_form", obj=person, language="de", actor=None))
    german = texts.load("consent_form", "de")["texts"]
    for purpose in Purpose:
        assert german["purposes"][purpose.value]["title"] in text
    assert text.count("Ja, ich willige ein.") == len(Purpose)
    assert "Unterschrift der gesetzlichen Vertretung" in text
    assert "Textfassung 2026-11" in text


@pytest.mark.django_db
def test_release_form_lists_only_the_released_categories(release):
    text = _text(services.document_render(kind="release_form", obj=release, language="de", actor=None))
    for included in ("Stammdaten und Kontaktdaten", "Arbeit und Sozialleistungen",
                     "Gesundheit (besonders geschützte Daten)", "Jobcenter Lindenau",
                     "Vermittlung in einen Sprachkurs", "In beide Richtungen", "01.11.2027"):
        assert included in text
    assert "Finanzen und Schulden" not in text
    assert "Art. 9 DSGVO" in text  # health needs the explicit-consent note


def test_unsupported_language_and_unknown_kind_are_refused():
    with pytest.raises(ValidationError) as error:
        services.document_validate(kind="consent_form", language="xx")
    assert "in der Sprache „xx“ nicht verfügbar" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.document_validate(kind="birthday_card", language="de")
    assert "Unbekannte Dokumentart „birthday_card“" in error.value.messages[0]


@pytest.mark.django_db
def test_render_refuses_a_language_or_an_object_of_the_wrong_kind(person):
    with pytest.raises(ValidationError, match="nicht verfügbar"):
        services.document_render(kind="information_sheet", obj=person, language="zz", actor=None)
    with pytest.raises(ValidationError, match="aus einem Datensatz consent.release erstellt"):
        services.document_render(kind="release_form", obj=person, language="de", actor=None)
    assert not AuditEvent.objects.filter(action="document.generated").exists()


@pytest.mark.django_db
def test_rendering_writes_one_audit_event_on_the_person(person, release):
    counsellor = person.created_by
    services.document_render(kind="consent_form", obj=person, language="uk", actor=counsellor)
    services.document_render(kind="release_form", obj=release, language="ti", actor=None)
    events = list(AuditEvent.objects.filter(action="document.generated").order_by("id"))
    assert len(events) == 2
    first, second = events
    assert (first.category, first.object_type, first.object_id) == ("read", "people.person", str(person.public_id))
    assert first.details == {"kind": "consent_form", "language": "uk"}
    assert first.actor_id == counsellor.pk
    assert second.actor_id is None and second.actor_label == "render_document"
    assert second.object_id == str(person.public_id)
    assert second.details == {"kind": "release_form", "language": "ti", "object_type": "consent.release",
                              "object_id": str(release.public_id)}


# ---- texts and fonts -------------------------------------------------------------------------------

def _shape(tree):
    if isinstance(tree, dict):
        return {key: _shape(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_shape(value) for value in tree]
    return "text"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "de"])
@pytest.mark.parametrize("name", ["common", *services.KINDS])
def test_every_translation_has_the_german_keys_and_is_marked_as_draft(name, language):
    german = json.loads((texts.TEXT_DIR / f"{name}.de.json").read_text(encoding="utf-8"))
    translated = json.loads((texts.TEXT_DIR / f"{name}.{language}.json").read_text(encoding="utf-8"))
    assert _shape(translated["texts"]) == _shape(german["texts"])
    assert translated["translation_status"] == texts.TRANSLATION_STATUS
    assert translated["language"] == language
    placeholders = set(re.findall(r"\{(\w+)\}", json.dumps(german["texts"])))
    assert set(re.findall(r"\{(\w+)\}", json.dumps(translated["texts"], ensure_ascii=False))) <= placeholders


def test_font_fetcher_allows_only_the_bundled_fonts(tmp_path):
    fetcher = LocalFontFetcher()
    font = next(iter(allowed_font_files()))
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"wOFF"
    other = tmp_path / "secret.txt"
    other.write_text("no")
    for url in ("https://fonts.example.org/x.woff", other.as_uri(), "file:///etc/passwd", "data:text/plain,x"):
        with pytest.raises(ValueError, match="not allowed"):
            fetcher.fetch(url)


# ---- command ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_command_writes_the_pdf(person, release, tmp_path):
    target = tmp_path / "einwilligung.pdf"
    out = io.StringIO()
    call_command("render_document", "consent_form", "--object", str(person.public_id), "--language", "fa",
                 "--output", str(target), stdout=out)
    assert target.read_bytes().startswith(b"%PDF")
    assert "Wrote" in out.getvalue()
    release_target = tmp_path / "freigabe.pdf"
    call_command("render_document", "release_form", "--object", str(release.public_id), "--language", "de",
                 "--output", str(release_target), stdout=io.StringIO())
    assert release_target.read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="document.generated", actor_label="render_document").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "object_id", "language", "output", "message"), [
    ("letter", "person", "de", "ok", "Unbekannte Dokumentart"),
    ("consent_form", "person", "xx", "ok", "nicht verfügbar"),
    ("consent_form", "00000000-0000-0000-0000-000000000000", "de", "ok", "No people.person with public id"),
    ("consent_form", "not-a-uuid", "de", "ok", "No people.person with public id"),
    ("release_form", "person", "de", "ok", "No consent.release with public id"),
    ("consent_form", "person", "de", "missing/dir/out.pdf", "Cannot write"),
    ("consent_form", "person", "de", ".", "Cannot write"),
])
def test_command_fails_with_a_clear_message(person, tmp_path, kind, object_id, language, output, message):
    object_id = str(person.public_id) if object_id == "person" else object_id
    target = tmp_path / "out.pdf" if output == "ok" else tmp_path / output
    with pytest.raises(CommandError, match=message):
        call_command("render_document", kind, "--object", object_id, "--language", language,
                     "--output", str(target), stdout=io.StringIO())
    assert not (tmp_path / "out.pdf").exists()


# ---- views -----------------------------------------------------------------------------------------

def _person_url(person, kind="consent_form", language=None):
    url = reverse("documents:person_document", kwargs={"public_id": person.public_id, "kind": kind})
    return f"{url}?sprache={language}" if language else url


@pytest.mark.django_db
def test_counsellor_downloads_the_pdf(client, org_a, person, django_assert_max_num_queries):
    login(client, org_a.user(Role.COUNSELLOR))
    # Mostly person_get (policy, prefetches, audited read) plus the document's own audit event.
    with django_assert_max_num_queries(22):
        response = client.get(_person_url(person, "information_sheet", "ar"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="information_sheet_{person.file_number}_ar.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="document.generated").get()
    assert event.actor_id == org_a.user(Role.COUNSELLOR).pk
    assert event.details == {"kind": "information_sheet", "language": "ar"}


@pytest.mark.django_db
def test_team_lead_downloads_in_german_by_default(client, org_a, person, django_assert_max_num_queries):
    login(client, org_a.user(Role.TEAM_LEAD))
    with django_assert_max_num_queries(22):
        response = client.get(_person_url(person))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'_{person.file_number}_de.pdf"')


@pytest.mark.django_db
def test_foreign_team_gets_404(client, org_b, person, django_assert_max_num_queries):
    login(client, org_b.user(Role.COUNSELLOR))
    with django_assert_max_num_queries(16):
        response = client.get(_person_url(person, language="ar"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="document.generated").exists()


@pytest.mark.django_db
def test_unsupported_language_is_a_400_page(client, org_a, person, django_assert_max_num_queries):
    login(client, org_a.user(Role.COUNSELLOR))
    with django_assert_max_num_queries(8):
        response = client.get(_person_url(person, language="kl"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "kl" in response.content.decode()
    assert not AuditEvent.objects.filter(action="document.generated").exists()


@pytest.mark.django_db
def test_unknown_kind_is_404(client, org_a, person, django_assert_max_num_queries):
    login(client, org_a.user(Role.COUNSELLOR))
    with django_assert_max_num_queries(8):
        response = client.get(_person_url(person, kind="release_form"))
    assert response.status_code == 404


@pytest.mark.django_db
def test_release_document_for_owner_team_and_404_for_foreign(client, org_a, org_b, release,
                                                             django_assert_max_num_queries):
    url = reverse("documents:release_document", kwargs={"public_id": release.public_id}) + "?sprache=ti"
    login(client, org_a.user(Role.COUNSELLOR))
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "ካብ ግዴታ ምስጢር ምሓዝ ምፍታሕ" in _text(response.content)

    foreign = type(client)()
    login(foreign, org_b.user(Role.TEAM_LEAD))
    with django_assert_max_num_queries(15):
        response = foreign.get(url)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="document.generated").count() == 1


@pytest.mark.django_db
def test_walker_on_document_urls(org_a, org_b, sysadmin):
    fx = build_fixture(org_a, org_b, sysadmin)
    problems = walk(SPECS, fx, only={"documents:person_document", "documents:release_document"})
    assert [str(problem) for problem in problems] == []
