"""PDF downloads for counsellors. Objects only through the selectors and the access policy."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lotse.consent.selectors import release_get
from lotse.documents import services
from lotse.people.selectors import person_get

LANGUAGE_PARAMETER = "sprache"
PERSON_KINDS = frozenset(kind for kind, spec in services.KINDS.items() if spec.model_label == "people.person")


def _language(request) -> str:
    return request.GET.get(LANGUAGE_PARAMETER, "de").strip().lower()


def _bad_request(request, error: ValidationError):
    return render(request, "documents/bad_request.html", {"messages_": error.messages}, status=400)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def document_download(request, *, kind: str, obj, language: str) -> HttpResponse:
    """The PDF of ``kind`` for ``obj`` (fetched through a selector) as a download, or the 400 page."""
    try:
        services.document_validate(kind=kind, language=language)
        pdf = services.document_render(kind=kind, obj=obj, language=language, actor=request.user)
    except ValidationError as error:
        return _bad_request(request, error)
    return _pdf_response(pdf, services.document_filename(kind=kind, obj=obj, language=language))


@require_GET
def person_document(request, public_id, kind):
    if kind not in PERSON_KINDS:
        raise Http404
    language = _language(request)
    try:
        services.document_validate(kind=kind, language=language)
    except ValidationError as error:
        return _bad_request(request, error)
    person = person_get(actor=request.user, public_id=public_id)
    pdf = services.document_render(kind=kind, obj=person, language=language, actor=request.user)
    return _pdf_response(pdf, services.document_filename(kind=kind, obj=person, language=language))


@require_GET
def release_document(request, public_id):
    kind = "release_form"
    language = _language(request)
    try:
        services.document_validate(kind=kind, language=language)
    except ValidationError as error:
        return _bad_request(request, error)
    release = release_get(actor=request.user, public_id=public_id)
    pdf = services.document_render(kind=kind, obj=release, language=language, actor=request.user)
    return _pdf_response(pdf, services.document_filename(kind=kind, obj=release, language=language))
