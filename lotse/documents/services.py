"""Client documents as PDF: consent form, release from confidentiality, information sheet (Art. 13 GDPR).

A document kind is registered in :data:`KINDS` with the model it is made from and a context builder.
Other apps add their kinds in a ``printables`` module (discovered when the apps are ready) by calling
:func:`register_kind`, and bring a text file per language and a template ``documents/<kind>.html``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.consent.models import InformationCategory, Purpose
from lotse.documents import texts
from lotse.documents.fonts import FONT_STACK
from lotse.documents.pdf import html_to_pdf
from lotse.people.models import DatePrecision

COMMAND_LINE_ACTOR = "render_document"


@dataclass(frozen=True)
class DocumentKind:
    model_label: str
    build_context: Callable[[object, str], dict]
    person_of: Callable[[object], object]


def _date(value, precision: str = DatePrecision.EXACT) -> str:
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%m.%Y}"
    return f"{value:%d.%m.%Y}"


def format_date(value, precision: str = DatePrecision.EXACT) -> str:
    """Dates in documents are German (dd.mm.yyyy) in both languages; partial dates show what is known."""
    return _date(value, precision)


def base_context(kind: str, person, language: str, values: dict) -> dict:
    """What every document template gets: texts of the kind and ``common`` as pairs, person, fonts."""
    return _base_context(kind, person, language, values)


def _base_context(kind: str, person, language: str, values: dict) -> dict:
    values = {"organisation": person.organisation.name, "consent_age": settings.LOTSE_CONSENT_AGE, **values}
    kind_texts = texts.bilingual(kind, language, values)
    return {
        "kind": kind,
        "language": texts.language(language),
        "bilingual": language != texts.REFERENCE_LANGUAGE,
        "common": texts.bilingual("common", language, values),
        "texts": kind_texts,
        "title": f"{kind_texts['title'].de} – {person.file_number}",
        "organisation": person.organisation.name,
        "person": {
            "name": person.display_name,
            "name_original_script": person.name_original_script,
            "birth_date": _date(person.birth_date, person.birth_date_precision),
            "file_number": person.file_number,
        },
        "text_version": settings.LOTSE_CONSENT_TEXT_VERSION,
        "font_stack": FONT_STACK,
    }


def _consent_form(person, language: str) -> dict:
    context = _base_context("consent_form", person, language, {})
    purposes = context["texts"]["purposes"]
    context["purposes"] = [purposes[purpose.value] for purpose in Purpose]
    return context


def _information_sheet(person, language: str) -> dict:
    context = _base_context("information_sheet", person, language, {})
    context["sections"] = list(context["texts"]["sections"].values())
    return context


def _release_form(release, language: str) -> dict:
    context = _base_context("release_form", release.person, language, {})
    labels = context["texts"]["category_labels"]
    chosen = [category for category in InformationCategory if category.value in release.categories]
    context["release"] = {
        "recipient": release.recipient.name,
        "recipient_contact": release.recipient.contact,
        "categories": [labels[category.value] for category in chosen],
        "includes_health": InformationCategory.HEALTH in chosen,
        "purpose": release.purpose,
        "direction": context["texts"]["directions"][release.direction],
        "given_on": _date(release.given_on),
        "valid_until": _date(release.valid_until),
        "guardian_name": release.guardian_name if release.by_guardian else "",
    }
    context["text_version"] = release.text_version or settings.LOTSE_CONSENT_TEXT_VERSION
    return context


KINDS: dict[str, DocumentKind] = {
    "consent_form": DocumentKind("people.person", _consent_form, lambda person: person),
    "information_sheet": DocumentKind("people.person", _information_sheet, lambda person: person),
    "release_form": DocumentKind("consent.release", _release_form, lambda release: release.person),
}


def register_kind(name: str, kind: DocumentKind) -> None:
    if name in KINDS and KINDS[name] != kind:
        raise ValueError(f"document kind {name!r} registered twice")
    KINDS[name] = kind


def supported_languages() -> tuple[str, ...]:
    return texts.LANGUAGES


def document_validate(*, kind: str, language: str) -> DocumentKind:
    """Refuse unknown kinds and languages before anything is looked up or rendered."""
    if kind not in KINDS:
        raise ValidationError(
            _("Unknown document kind “%(kind)s”. Available: %(available)s.")
            % {"kind": kind, "available": ", ".join(KINDS)},
            code="unknown_kind",
        )
    if language not in texts.LANGUAGES:
        raise ValidationError(
            _("Documents are not available in the language “%(language)s”. Available: %(available)s.")
            % {"language": language, "available": ", ".join(texts.LANGUAGES)},
            code="unsupported_language",
        )
    return KINDS[kind]


def document_filename(*, kind: str, obj, language: str) -> str:
    person = KINDS[kind].person_of(obj)
    return f"{kind}_{person.file_number}_{language}.pdf"


def document_render(*, kind: str, obj, language: str, actor) -> bytes:
    """The PDF of ``kind`` for ``obj`` in German and ``language``; writes one audit event on the person.

    ``actor`` is None on the command line. Access is the caller's business: views pass objects
    fetched through the selectors and the access policy.
    """
    document_kind = document_validate(kind=kind, language=language)
    if obj._meta.label_lower != document_kind.model_label:
        raise ValidationError(
            _("A document of kind “%(kind)s” is made from a %(model)s, not from a %(given)s.")
            % {"kind": kind, "model": document_kind.model_label, "given": obj._meta.label_lower},
            code="wrong_object",
        )
    person = document_kind.person_of(obj)
    context = document_kind.build_context(obj, language)
    with translation.override(texts.REFERENCE_LANGUAGE):
        html = render_to_string(f"documents/{kind}.html", context)
    pdf = html_to_pdf(html)
    details = {"kind": kind, "language": language}
    if obj is not person:
        details["object_type"] = obj._meta.label_lower
        details["object_id"] = str(obj.public_id)
    audit_record(actor=actor, action="document.generated", category=Category.READ, obj=person,
                 organisation=person.organisation, details=details,
                 actor_label="" if actor is not None else COMMAND_LINE_ACTOR)
    return pdf
