from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access.policy import Action
from lotse.consent import selectors, services
from lotse.consent.forms import ConsentForm, EndForm, ReleaseForm
from lotse.core.forms import add_service_errors
from lotse.people.selectors import person_get


def _person_crumbs(person, *items):
    return [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")),
            (str(person), reverse("people:person_detail", args=[person.public_id])), *items]


def _overview_url(person):
    return reverse("consent:person_consents", args=[person.public_id])


@require_GET
def person_consents(request, public_id):
    person = person_get(actor=request.user, public_id=public_id)
    releases = list(selectors.releases_for(actor=request.user, person=person))
    return render(request, "consent/person_consents.html", {
        "person": person,
        "consents": selectors.consents_for(actor=request.user, person=person),
        "releases": [(release, selectors.is_current(release)) for release in releases],
        "active_nav": "people",
        "breadcrumbs": _person_crumbs(person, (_("Consents and releases"), None)),
    })


def _form_page(request, person, form, title):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Save"), "cancel_url": _overview_url(person),
        "active_nav": "people",
        "breadcrumbs": _person_crumbs(person, (_("Consents and releases"), _overview_url(person)), (title, None)),
    })


@require_http_methods(["GET", "POST"])
def consent_create(request, public_id):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect(_overview_url(person))
    return _form_page(request, person, form, _("Record consent"))


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, public_id):
    consent = selectors.consent_get(actor=request.user, public_id=public_id)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, withdrawn_on=form.cleaned_data["on"])
        except ValidationError as error:
            form.add_error("on", error.messages)
        else:
            messages.success(request, _("The withdrawal has been recorded and applies at once."))
            return redirect(_overview_url(consent.person))
    return _form_page(request, consent.person, form,
                      _("Withdraw consent: %(purpose)s") % {"purpose": consent.get_purpose_display()})


@require_http_methods(["GET", "POST"])
def release_create(request, public_id):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ReleaseForm(request.POST or None, recipients=selectors.partner_choices(actor=request.user, person=person),
                       initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.release_record(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The release from confidentiality has been recorded."))
            return redirect(_overview_url(person))
    return _form_page(request, person, form, _("Record release from confidentiality"))


@require_http_methods(["GET", "POST"])
def release_revoke(request, public_id):
    release = selectors.release_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.release_revoke(actor=request.user, release=release, revoked_on=form.cleaned_data["on"])
        except ValidationError as error:
            form.add_error("on", error.messages)
        else:
            messages.success(request, _("The revocation has been recorded and applies at once."))
            return redirect(_overview_url(release.person))
    return _form_page(request, release.person, form,
                      _("Revoke release for %(recipient)s") % {"recipient": release.recipient.name})
