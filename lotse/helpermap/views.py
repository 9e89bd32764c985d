"""The helper map of a case (Helfersystem): thin views over selectors and services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access.policy import Action
from lotse.cases.models import Case
from lotse.cases.selectors import case_get
from lotse.consent.selectors import partner_choices
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.helpermap import selectors, services
from lotse.helpermap.forms import EndForm, HelperEntryForm, MapFilterForm

NAV = "cases"


def _map_url(case) -> str:
    return reverse("helpermap:helper_map", args=[case.public_id])


def _crumbs(case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), reverse("cases:case_detail", args=[case.public_id])), *tail]


def _form_page(request, *, form, case, title, submit_label, stale=None):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": _map_url(case),
        "stale": stale,
        "intro": _("Case %(person)s (%(programme)s)") % {"person": case.person,
                                                         "programme": case.offering.name},
        "active_nav": NAV, "breadcrumbs": _crumbs(case, (_("Helper system"), _map_url(case)), (title, None))},
        status=409 if stale else 200)


def _partners(request, case, current=None):
    partners = partner_choices(actor=request.user, person=case.person)
    if current is not None and current.partner_id:
        from lotse.consent.selectors import partner_list

        partners = partner_list(actor=request.user).filter(Q(pk__in=partners.values("pk"))
                                                           | Q(pk=current.partner_id))
    return partners.order_by("name", "pk")


@require_GET
def helper_map(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    filter_form = MapFilterForm(request.GET or None)
    include_ended = filter_form.include_ended()
    context = selectors.helper_map_page(actor=request.user, case=case, include_ended=include_ended)
    return render(request, "helpermap/helper_map.html", {
        **context, "case": case, "filter_form": filter_form, "include_ended": include_ended,
        "may_change": case.status == Case.Status.OPEN, "active_nav": NAV,
        "breadcrumbs": _crumbs(case, (_("Helper system"), None))})


@require_http_methods(["GET", "POST"])
def entry_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if case.status != Case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(_map_url(case))
    form = HelperEntryForm(request.POST or None, partners=_partners(request, case))
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_entry_create(actor=request.user, case=case, data=form.helper_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The helper has been added to the helper system."))
            return redirect(_map_url(case))
    return _form_page(request, form=form, case=case, title=_("Add a helper"), submit_label=_("Add helper"))


@require_http_methods(["GET", "POST"])
def entry_edit(request, public_id):
    entry = selectors.entry_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = entry.case
    if case.status != Case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(_map_url(case))
    initial = {name: getattr(entry, name) for name in (
        "name", "organisation", "role", "kind", "since", "last_contact_on", "until", "note")}
    initial.update({"partner": entry.partner.public_id if entry.partner_id else None,
                    "version": entry.version})
    form = HelperEntryForm(request.POST or None, partners=_partners(request, case, current=entry), edit=True,
                           initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_entry_update(actor=request.user, entry=entry,
                                         version=form.cleaned_data["version"], data=form.helper_data())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.entry_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The helper has been saved."))
            return redirect(_map_url(case))
    return _form_page(request, form=form, case=case, title=_("Change the helper"), submit_label=_("Save"),
                      stale=stale)


@require_POST
def entry_end(request, public_id):
    entry = selectors.entry_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The helper could not be ended. Please reload the page."))
        return redirect(_map_url(entry.case))
    try:
        services.helper_entry_end(actor=request.user, entry=entry, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The helper is marked as no longer involved."))
    return redirect(_map_url(entry.case))
