"""Network pages (/netzwerk/): cooperation agreements, network events, network indicators.

Thin views: selectors read, services write, the policy decides."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.cooperation import selectors, services
from lotse.cooperation.forms import (
    AgreementFilterForm, AgreementForm, DeleteForm, DocumentForm, EventForm, ReviewForm, YearForm,
)
from lotse.cooperation.models import IN_FORCE
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.referrals.selectors import may_see_figures, partner_referral_figures

NAV = "network"


def _require_network(user) -> None:
    if not selectors.may_see_network(user):
        policy.deny(user, "network.view")


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Network"), reverse("cooperation:agreement_list")), *tail]


def _events_crumb():
    return (_("Network events"), reverse("cooperation:event_list"))


def _form_page(request, *, form, title, submit_label, cancel_url, breadcrumbs, stale=None, intro=None,
               template="core/form_page.html", extra=None):
    return render(request, template, {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": cancel_url, "intro": intro,
        "stale": stale, "active_nav": NAV, "breadcrumbs": breadcrumbs, **(extra or {})},
        status=409 if stale else 200)


def _detail_url(agreement) -> str:
    return reverse("cooperation:agreement_detail", args=[agreement.public_id])


# ---- cooperation agreements ------------------------------------------------------------------------------

@require_GET
def agreement_list(request):
    _require_network(request.user)
    filter_form = AgreementFilterForm(request.GET or None)
    status = filter_form.chosen_status() if request.GET else ""
    context = selectors.agreement_list(actor=request.user, status=status)
    return render(request, "cooperation/agreement_list.html", {
        **context, "filter_form": filter_form, "status": status, "current": "agreements",
        "may_create": selectors.agreement_organisations(actor=request.user).exists(), "active_nav": NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Network"), None)]})


def _agreement_form(request, *, organisations, agreement=None, initial=None):
    partners = selectors.partner_choices(actor=request.user, organisations=organisations, current=agreement)
    staff = selectors.staff_choices(actor=request.user, organisations=organisations,
                                    current=agreement.responsible if agreement else None)
    return AgreementForm(request.POST or None, organisations=organisations, partners=partners, staff=staff,
                         edit=agreement is not None, initial=initial)


@require_http_methods(["GET", "POST"])
def agreement_create(request):
    organisations = selectors.agreement_organisations(actor=request.user)
    if not organisations.exists():
        policy.deny(request.user, "cooperation_agreement.create")
    form = _agreement_form(request, organisations=organisations,
                           initial={"responsible": request.user.public_id})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, organisation=form.organisation(),
                                                  data=form.agreement_data(), note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cooperation agreement has been recorded."))
            return redirect(_detail_url(agreement))
    title = _("New cooperation agreement")
    return _form_page(request, form=form, title=title, submit_label=_("Save agreement"),
                      cancel_url=reverse("cooperation:agreement_list"),
                      breadcrumbs=_crumbs((title, None)),
                      intro=_("Parties, subject, division of tasks and joint tasks. The agreement is "
                              "reviewed yearly; the responsible person is reminded in the worklist."))


@require_GET
def agreement_detail(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id)
    may_change = selectors.may_change(request.user, agreement)
    review_form = ReviewForm(initial={"version": agreement.version}) if (
        may_change and agreement.status in IN_FORCE) else None
    return render(request, "cooperation/agreement_detail.html", {
        "agreement": agreement, "may_change": may_change, "review_form": review_form,
        "review_state": selectors.review_state(agreement, timezone.localdate()),
        "revisions": selectors.agreement_revisions(actor=request.user, agreement=agreement),
        "show_names": selectors.may_see_staff_names(request.user), "active_nav": NAV,
        "breadcrumbs": _crumbs((agreement.title, None))})


@require_http_methods(["GET", "POST"])
def agreement_edit(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    initial = {name: getattr(agreement, name) for name in (
        "title", "subject", "division_of_tasks", "joint_tasks", "starts_on", "review_on", "status",
        "ended_on")}
    initial.update({"partners": [partner.public_id for partner in agreement.partners.all()],
                    "responsible": agreement.responsible.public_id if agreement.responsible_id else None,
                    "version": agreement.version})
    organisations = selectors.organisations_for(actor=request.user, model=type(agreement)).filter(
        pk=agreement.organisation_id)
    form = _agreement_form(request, organisations=organisations, agreement=agreement, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement,
                                      version=form.cleaned_data["version"], data=form.agreement_data(),
                                      note=form.cleaned_data["note"],
                                      agreed_in_writing_on=form.cleaned_data["agreed_in_writing_on"])
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.agreement_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The cooperation agreement has been saved."))
            return redirect(_detail_url(agreement))
    title = _("Change the cooperation agreement")
    return _form_page(request, form=form, title=title, submit_label=_("Save"),
                      cancel_url=_detail_url(agreement), stale=stale,
                      breadcrumbs=_crumbs((agreement.title, _detail_url(agreement)), (title, None)),
                      intro=_("Every change is recorded in the history of the agreement. Changes to the "
                              "content of an agreement in force must be agreed in writing by the parties."))


@require_POST
def agreement_review(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(_detail_url(agreement))
    try:
        updated = services.agreement_review_done(actor=request.user, agreement=agreement,
                                                 version=form.cleaned_data["version"],
                                                 reviewed_on=form.cleaned_data["reviewed_on"],
                                                 note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The review has been recorded. Next review: %(date)s.") % {
            "date": updated.review_on.strftime("%d.%m.%Y")})
    return redirect(_detail_url(agreement))


@require_http_methods(["GET", "POST"])
def agreement_document_upload(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"version": agreement.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.agreement_document_attach(actor=request.user, agreement=agreement,
                                               version=form.cleaned_data["version"],
                                               content=b"".join(upload.chunks()), filename=upload.name,
                                               note=form.cleaned_data["note"])
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.agreement_get(actor=request.user, public_id=public_id),
                compare=False)
        else:
            messages.success(request, _("The document has been stored."))
            return redirect(_detail_url(agreement))
    title = _("Replace the document") if agreement.has_document else _("Attach the signed agreement")
    return _form_page(request, form=form, title=title, submit_label=_("Upload"),
                      cancel_url=_detail_url(agreement), stale=stale,
                      breadcrumbs=_crumbs((agreement.title, _detail_url(agreement)), (title, None)),
                      template="cooperation/document_form.html", extra={"agreement": agreement},
                      intro=_("PDF, ODT or DOCX, at most 10 MB. The file is checked by its content. A new "
                              "upload replaces the stored file; the history keeps its name and checksum."))


@require_GET
def agreement_document(request, public_id):
    agreement = selectors.agreement_document(actor=request.user, public_id=public_id)
    if not agreement.document_sha256 or agreement.document is None:
        raise Http404(_("No document has been stored for this agreement."))
    audit_record(actor=request.user, action="cooperation_agreement.document_downloaded",
                 category=Category.READ, obj=agreement, organisation=agreement.organisation_id,
                 details={"filename": agreement.document_name, "sha256": agreement.document_sha256})
    response = HttpResponse(bytes(agreement.document), content_type=agreement.document_type)
    response["Content-Disposition"] = content_disposition_header(True, agreement.document_name or "dokument")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# ---- network events --------------------------------------------------------------------------------------

@require_GET
def event_list(request):
    _require_network(request.user)
    form = YearForm(request.GET or None, years=selectors.event_years(actor=request.user))
    year = form.year()
    return render(request, "cooperation/event_list.html", {
        **selectors.event_list(actor=request.user, year=year), "filter_form": form, "year": year,
        "may_create": selectors.event_organisations(actor=request.user).exists(), "current": "events",
        "active_nav": NAV, "breadcrumbs": _crumbs((_("Network events"), None))})


def _event_form(request, *, organisations, event=None, initial=None):
    partners = selectors.partner_choices(actor=request.user, organisations=organisations, current=event)
    return EventForm(request.POST or None, organisations=organisations, partners=partners,
                     edit=event is not None, initial=initial)


def _year_url(event) -> str:
    return f"{reverse('cooperation:event_list')}?jahr={event.date.year}"


@require_http_methods(["GET", "POST"])
def event_create(request):
    organisations = selectors.event_organisations(actor=request.user)
    if not organisations.exists():
        policy.deny(request.user, "network_event.create")
    form = _event_form(request, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, organisation=form.organisation(),
                                          data=form.event_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event has been recorded."))
            return redirect(_year_url(event))
    title = _("Record a network event")
    return _form_page(request, form=form, title=title, submit_label=_("Save event"),
                      cancel_url=reverse("cooperation:event_list"),
                      breadcrumbs=_crumbs(_events_crumb(), (title, None)),
                      intro=_("Network meetings, trainings, information events, the intercultural week, the "
                              "volunteers' day and joint actions count for the network indicators."))


@require_http_methods(["GET", "POST"])
def event_edit(request, public_id):
    event = selectors.event_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    initial = {name: getattr(event, name)
               for name in ("kind", "title", "date", "end_date", "participants", "note")}
    initial.update({"partners": [partner.public_id for partner in event.partners.all()],
                    "version": event.version})
    organisations = selectors.organisations_for(actor=request.user, model=type(event)).filter(
        pk=event.organisation_id)
    form = _event_form(request, organisations=organisations, event=event, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_update(actor=request.user, event=event,
                                          version=form.cleaned_data["version"], data=form.event_data())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.event_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(_year_url(event))
    title = _("Change the network event")
    return _form_page(request, form=form, title=title, submit_label=_("Save"), cancel_url=_year_url(event),
                      breadcrumbs=_crumbs(_events_crumb(), (title, None)), stale=stale)


@require_http_methods(["GET", "POST"])
def event_delete(request, public_id):
    event = selectors.event_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = DeleteForm(request.POST or None, initial={"version": event.version})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_delete(actor=request.user, event=event, version=form.cleaned_data["version"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The event “%(title)s” has been deleted.") % {
                    "title": event.title})
                return redirect(_year_url(event))
        else:
            messages.error(request, _("The event could not be deleted. Please reload the page."))
    title = _("Delete the network event")
    return render(request, "cooperation/event_delete.html", {
        "event": event, "form": form, "title": title, "active_nav": NAV,
        "breadcrumbs": _crumbs(_events_crumb(), (title, None))})


# ---- network indicators ----------------------------------------------------------------------------------

@require_GET
def indicators(request):
    organisations = selectors.network_organisations(actor=request.user)
    if not organisations.exists():
        policy.deny(request.user, "network.indicators")
    form = YearForm(request.GET or None, years=selectors.event_years(actor=request.user),
                    organisations=organisations)
    organisation, year = form.organisation(), form.year()
    referrals = None
    if may_see_figures(request.user):
        referrals = partner_referral_figures(actor=request.user, organisation=organisation,
                                             period=(date(year, 1, 1), date(year, 12, 31)))["total"]
    return render(request, "cooperation/indicators.html", {
        "figures": selectors.network_indicators(actor=request.user, organisation=organisation, year=year),
        "referrals": referrals,
        "filter_form": form, "current": "indicators", "active_nav": NAV,
        "breadcrumbs": _crumbs((_("Network indicators"), None))})
