"""Contact views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.consent.selectors import partner_choices
from lotse.contacts import selectors, services
from lotse.contacts.forms import ContactForm
from lotse.core.forms import add_service_errors
from lotse.core.versioning import is_stale, stale_context
from lotse.documents import services as documents, texts

NAV = "cases"


def _crumbs(case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), reverse("cases:case_detail", args=[case.public_id])), *tail]


def _service_errors(form, error: ValidationError) -> None:
    """Agreement rows are reported as ``agreement_<n>``: show them at the row's first field."""
    if hasattr(error, "error_dict"):
        error = ValidationError({(f"{key}_title" if key.startswith("agreement_") and key.count("_") == 1 else key):
                                 value for key, value in error.error_dict.items()})
    add_service_errors(form, error)


def _form(request, case, **kwargs):
    return ContactForm(request.POST or None, topics=services.topic_choices(case),
                       persons=services.present_choices(case),
                       partners=partner_choices(actor=request.user, person=case.person), **kwargs)


def _render_form(request, *, form, case, title, submit_label, cancel_url, stale=None):
    return render(request, "contacts/contact_form.html", {
        "form": form, "case": case, "title": title, "submit_label": submit_label, "cancel_url": cancel_url,
        "stale": stale, "active_nav": NAV, "breadcrumbs": _crumbs(case, (title, None))},
        status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def contact_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = _form(request, case)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=request.user, case=case, data=form.contact_data(),
                                              agreements=form.agreements())
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The contact has been recorded."))
            return redirect("contacts:contact_detail", public_id=contact.public_id)
    return _render_form(request, form=form, case=case, title=_("Record a counselling contact"),
                        submit_label=_("Save contact"),
                        cancel_url=reverse("cases:case_detail", args=[case.public_id]))


@require_GET
def contact_detail(request, public_id):
    contact = selectors.contact_get(actor=request.user, public_id=public_id)
    selectors.contact_detail(actor=request.user, contact=contact)
    return render(request, "contacts/contact_detail.html", {
        "contact": contact, "case": contact.case, "active_nav": NAV,
        "document_language": texts.language_for(contact.case.person),
        "document_languages": [texts.language(code) for code in texts.LANGUAGES],
        "breadcrumbs": _crumbs(contact.case, (_("Contact of %(date)s") % {
            "date": contact.occurred_at.strftime("%d.%m.%Y")}, None))})


@require_http_methods(["GET", "POST"])
def contact_edit(request, public_id):
    contact = selectors.contact_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = contact.case
    initial = {name: getattr(contact, name) for name in (
        "occurred_at", "duration_minutes", "kind", "outcome", "occasion", "location", "interpreter_present",
        "interpreter_name", "others_present", "notes_confidential", "repeat_offer_on")}
    initial.update({"topics": list(contact.topics.all()), "version": contact.version,
                    "persons_present": [person.public_id for person in contact.persons_present.all()],
                    "notes": contact.notes if contact.notes_visible else ""})
    form = _form(request, case, initial=initial, with_agreements=False, edit=True)
    if not contact.notes_visible:
        for name in ("notes", "notes_confidential"):
            form.fields[name].disabled = True
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, version=form.cleaned_data["version"],
                                    data=form.contact_data())
        except ValidationError as error:
            if is_stale(error):
                current = selectors.contact_get(actor=request.user, public_id=public_id)
                stale = stale_context(form, current, changed_at=current.updated_at)
            _service_errors(form, error)
        else:
            messages.success(request, _("The contact has been saved."))
            return redirect("contacts:contact_detail", public_id=contact.public_id)
    return _render_form(request, form=form, case=case, title=_("Edit the counselling contact"),
                        submit_label=_("Save"), stale=stale,
                        cancel_url=reverse("contacts:contact_detail", args=[contact.public_id]))


@require_GET
def contact_list(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.contacts_for_case(actor=request.user, case=case, cursor=request.GET.get("seite"))
    return render(request, "contacts/contact_list.html", {
        "case": case, "page": page, "active_nav": NAV, "breadcrumbs": _crumbs(case, (_("Contacts"), None))})


@require_GET
def contact_document(request, public_id):
    kind = "conversation_record"
    contact = selectors.contact_get(actor=request.user, public_id=public_id)
    language = request.GET.get("sprache", "").strip().lower() or texts.language_for(contact.case.person)
    try:
        documents.document_validate(kind=kind, language=language)
    except ValidationError as error:
        return render(request, "documents/bad_request.html", {"messages_": error.messages}, status=400)
    pdf = documents.document_render(kind=kind, obj=contact, language=language, actor=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.document_filename(kind=kind, obj=contact, language=language)}"')
    response["Cache-Control"] = "no-store"
    return response
