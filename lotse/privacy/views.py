from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lotse.access.policy import Action
from lotse.accounts.reauth import reauth_required
from lotse.core.forms import add_service_errors
from lotse.privacy import selectors, services
from lotse.privacy.forms import CorrectionForm, ErasureForm, ExportForm, RestrictionForm


def _detail(person):
    return reverse("people:person_detail", args=[person.public_id])


def _crumbs(person, title):
    return [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")),
            (str(person), _detail(person)), (title, None)]


@require_http_methods(["GET", "POST"])
@reauth_required
def person_export(request, public_id):
    """Art. 15: the counsellor downloads everything about the person as PDF (for them) or JSON."""
    person = selectors.person_get(actor=request.user, public_id=public_id)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        file = services.person_export(actor=request.user, person=person, formats=(fmt,))[fmt]
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    title = _("Information on stored data (Art. 15 GDPR)")
    return render(request, "privacy/person_export.html", {
        "person": person, "form": form, "title": title, "active_nav": "people",
        "submit_label": _("Download"), "cancel_url": _detail(person), "breadcrumbs": _crumbs(person, title),
    })


@require_http_methods(["GET", "POST"])
def person_correction(request, public_id):
    """Art. 16: correct one field with a reason; the history shows every earlier value."""
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_correct(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The correction has been saved."))
            return redirect("privacy:person_correction", public_id=person.public_id)
    title = _("Correction (Art. 16 GDPR)")
    return render(request, "privacy/person_correction.html", {
        "person": person, "form": form, "title": title, "active_nav": "people",
        "corrections": selectors.corrections_for(actor=request.user, person=person),
        "submit_label": _("Save correction"), "cancel_url": _detail(person), "breadcrumbs": _crumbs(person, title),
    })


@require_http_methods(["GET", "POST"])
def person_restriction(request, public_id):
    """Art. 18: restrict processing (the record becomes read-only) or lift the restriction."""
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = RestrictionForm(request.POST or None) if person.restricted_at is None else None
    if request.method == "POST":
        try:
            if person.restricted_at is not None:
                services.person_unrestrict(actor=request.user, person=person)
                messages.success(request, _("The restriction has been lifted."))
                return redirect("people:person_detail", public_id=person.public_id)
            if form.is_valid():
                services.person_restrict(actor=request.user, person=person, reason=form.cleaned_data["reason"])
                messages.success(request, _("Processing of this person's data is now restricted."))
                return redirect("people:person_detail", public_id=person.public_id)
        except ValidationError as error:
            if form is not None:
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
    title = _("Restriction of processing (Art. 18 GDPR)")
    return render(request, "privacy/person_restriction.html", {
        "person": person, "form": form, "title": title, "active_nav": "people",
        "breadcrumbs": _crumbs(person, title),
    })


@require_http_methods(["GET", "POST"])
@reauth_required
def person_erase(request, public_id):
    """Art. 17: erase the person after re-authentication, with a reason and the file number as confirmation."""
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    refusals = selectors.erasure_refusals_for(actor=request.user, person=person)
    form = ErasureForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person has been erased. Only anonymous figures for the statistics "
                                        "remain."))
            return redirect("people:person_list")
    title = _("Erasure (Art. 17 GDPR)")
    return render(request, "privacy/person_erase.html", {
        "person": person, "form": form, "refusals": refusals, "title": title, "active_nav": "people",
        "submit_label": _("Erase for good"), "cancel_url": _detail(person), "breadcrumbs": _crumbs(person, title),
    })
