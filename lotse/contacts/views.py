"""Contact views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.consent.selectors import partner_choices
from lotse.contacts import selectors, services
from lotse.contacts.forms import ContactForm, TopicEditForm, TopicFilterForm, TopicForm
from lotse.core.forms import add_service_errors
from lotse.core.versioning import is_stale, stale_context
from lotse.documents import texts
from lotse.documents.views import document_download

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
    adding = request.method == "POST" and bool(request.POST.get("add_agreement"))
    form = _form(request, case, rows=ContactForm.rows_requested(request.POST))
    if adding:
        # "Add another agreement" (works without JavaScript): show the form again, one row longer, no errors yet.
        form.is_valid()
        form._errors = ErrorDict()
        form.fields[f"agreement_{form.agreement_rows[-1]}_title"].widget.attrs["autofocus"] = True
    elif request.method == "POST" and form.is_valid():
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
            "date": timezone.localtime(contact.occurred_at).strftime("%d.%m.%Y")}, None))})


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
    contact = selectors.contact_get(actor=request.user, public_id=public_id)
    language = request.GET.get("sprache", "").strip().lower() or texts.language_for(contact.case.person)
    return document_download(request, kind="conversation_record", obj=contact, language=language)


# ---- topic catalogues (/themen/) -------------------------------------------------------------------------------

TOPICS_NAV = "organisations"


def _require_topic_keeper(user) -> None:
    if not selectors.may_manage_topic_catalogues(user):
        policy.deny(user, "topic.catalogue")


def _topic_crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Topic catalogues"), reverse("contacts:topic_list")), *tail]


def _topic_form_page(request, *, form, title, submit_label):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": reverse("contacts:topic_list"),
        "active_nav": TOPICS_NAV, "breadcrumbs": _topic_crumbs((title, None))})


@require_GET
def topic_list(request):
    _require_topic_keeper(request.user)
    filter_form = TopicFilterForm(request.GET or None)
    programme = filter_form.programme() if request.GET else ""
    page = selectors.topic_catalogue(actor=request.user, programme=programme, cursor=request.GET.get("seite"))
    return render(request, "contacts/topic_list.html", {
        "page": page, "filter_form": filter_form, "programme": programme, "active_nav": TOPICS_NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Topic catalogues"), None)]})


@require_http_methods(["GET", "POST"])
def topic_create(request):
    _require_topic_keeper(request.user)
    organisations = list(selectors.topic_organisations(actor=request.user))
    form = TopicForm(request.POST or None, organisations=selectors.topic_organisations(actor=request.user),
                     shared_allowed=policy.may_administer_organisations(request.user),
                     initial={"programme": request.GET.get("programm", "")})
    if len(organisations) == 1 and not policy.may_administer_organisations(request.user):
        form.initial["organisation"] = organisations[0].public_id
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(actor=request.user, programme=form.cleaned_data["programme"],
                                          label=form.cleaned_data["label"],
                                          organisation=form.cleaned_data["organisation"],
                                          sort_order=form.cleaned_data["sort_order"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The topic “%(label)s” has been added.") % {"label": topic.label})
            return redirect(f"{reverse('contacts:topic_list')}?programm={topic.programme}")
    return _topic_form_page(request, form=form, title=_("New topic"), submit_label=_("Add topic"))


@require_http_methods(["GET", "POST"])
def topic_edit(request, code):
    _require_topic_keeper(request.user)
    topic = selectors.topic_get(actor=request.user, code=code)
    form = TopicEditForm(request.POST or None, initial={
        "label": topic.label, "sort_order": topic.sort_order, "is_active": topic.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The topic has been saved."))
            return redirect(f"{reverse('contacts:topic_list')}?programm={topic.programme}")
    return _topic_form_page(request, form=form, title=_("Edit topic “%(label)s”") % {"label": topic.label},
                            submit_label=_("Save"))
