"""Partner directory views: thin — selectors read, services write, the policy decides.

Every member of an organisation sees its directory (coordinators too: it holds no client data); organisation
admins and the team roles (counsellors, team leads, accommodation) keep it."""

import secrets
from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.network import importing, selectors, services, spreadsheets
from lotse.network.forms import (ActiveForm, ContactPersonForm, DirectoryFilterForm, ImportConfirmForm,
                                 ImportForm, PartnerForm, ProgrammesForm, ServiceForm)
from lotse.partnerreports.services import may_issue_links

NAV = "partners"
IMPORT_SESSION_KEY = "network_import"


def _require_directory(user) -> None:
    if not selectors.may_use_directory(user):
        policy.deny(user, "partner.directory")


def _require_maintainer(user) -> None:
    if not selectors.may_maintain(user):
        policy.deny(user, "partner.maintain")


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Partners"), reverse("network:partner_list")), *tail]


def _detail_url(partner) -> str:
    return reverse("network:partner_detail", args=[partner.public_id])


def _partner_crumbs(partner, *tail):
    return _crumbs((partner.name, _detail_url(partner)), *tail)


def _form_page(request, *, form, title, cancel_url, breadcrumbs, stale=None, submit_label=None, intro=""):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label or _("Save"), "cancel_url": cancel_url,
        "intro": intro, "stale": stale, "active_nav": NAV, "breadcrumbs": breadcrumbs},
        status=409 if stale else 200)


def _filter_form(request):
    return DirectoryFilterForm(request.GET or None,
                               offerings=list(selectors.offering_choices(actor=request.user)),
                               organisations=list(selectors.directory_organisations(actor=request.user)))


# ---- directory ---------------------------------------------------------------------------------------------

@require_GET
def partner_list(request):
    _require_directory(request.user)
    form = _filter_form(request)
    page = selectors.partner_list(actor=request.user, selection=form.selection(),
                                  cursor=request.GET.get("seite"))
    return render(request, "network/partner_list.html", {
        "page": page, "filter_form": form, "query": form.query_string(),
        "show_organisation": len(form.organisations) > 1,
        "may_maintain": selectors.may_maintain(request.user),
        "active_nav": NAV, "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Partners"), None)]})


@require_GET
def partner_detail(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id)
    return render(request, "network/partner_detail.html", {
        "partner": partner, **selectors.partner_detail(actor=request.user, partner=partner),
        "may_issue_report_links": may_issue_links(request.user, partner),
        "active_form": ActiveForm(initial={"version": partner.version,
                                           "active": "0" if partner.is_active else "1"}),
        "active_nav": NAV, "breadcrumbs": _crumbs((partner.name, None))})


@require_http_methods(["GET", "POST"])
def partner_create(request):
    _require_maintainer(request.user)
    organisations = selectors.maintained_organisations(actor=request.user)
    form = PartnerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations.first()
        try:
            if organisation is None:
                policy.deny(request.user, "partner.create")
            partner = services.partner_create(actor=request.user, organisation=organisation,
                                              **asdict(form.data_object()))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner has been added. You can now add contact persons and "
                                        "services."))
            return redirect(_detail_url(partner))
    return _form_page(request, form=form, title=_("New partner"), cancel_url=reverse("network:partner_list"),
                      breadcrumbs=_crumbs((_("New partner"), None)))


_EDITED = ("name", "partner_type", "is_internal", "street", "postal_code", "city", "phone", "email",
           "website", "opening_hours", "contact", "notes")


@require_http_methods(["GET", "POST"])
def partner_edit(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    initial = {name: getattr(partner, name) for name in _EDITED}
    initial.update({"version": partner.version, "languages": [code.code for code in partner.languages.all()]})
    form = PartnerForm(request.POST or None, initial=initial, edit=True)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(actor=request.user, partner=partner, version=form.cleaned_data["version"],
                                    data=form.data_object())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.partner_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The partner has been saved."))
            return redirect(_detail_url(partner))
    title = _("Edit partner “%(name)s”") % {"name": partner.name}
    return _form_page(request, form=form, title=title, cancel_url=_detail_url(partner), stale=stale,
                      breadcrumbs=_partner_crumbs(partner, (_("Edit"), None)))


@require_POST
def partner_set_active(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete. Please reload the page."))
        return redirect(_detail_url(partner))
    active = form.cleaned_data["active"]
    try:
        services.partner_set_active(actor=request.user, partner=partner, version=form.cleaned_data["version"],
                                    active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The partner is active again.") if active else _(
            "The partner has been deactivated. Releases and records that name it keep it; it is no longer "
            "offered for new ones."))
    return redirect(_detail_url(partner))


@require_http_methods(["GET", "POST"])
def partner_programmes(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    rows = selectors.programme_rows(actor=request.user, partner=partner)
    form = ProgrammesForm(request.POST or None, rows=rows, initial={"version": partner.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.programmes_set(actor=request.user, partner=partner, version=form.cleaned_data["version"],
                                    levels=form.levels())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.partner_get(actor=request.user, public_id=public_id),
                compare=False)
        else:
            messages.success(request, _("The cooperation per programme has been saved."))
            return redirect(_detail_url(partner))
    title = _("Cooperation of “%(name)s” per programme") % {"name": partner.name}
    intro = _("For each programme of your organisation: is cooperation with this partner mandatory, "
              "optional, or not agreed?") if rows else _("Your organisation has no programmes yet.")
    return _form_page(request, form=form, title=title, cancel_url=_detail_url(partner), stale=stale,
                      intro=intro, breadcrumbs=_partner_crumbs(partner, (_("Programmes"), None)))


# ---- services and contact persons --------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def service_create(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_create(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service has been added."))
            return redirect(_detail_url(partner))
    return _form_page(request, form=form, title=_("New service of “%(name)s”") % {"name": partner.name},
                      cancel_url=_detail_url(partner), breadcrumbs=_partner_crumbs(partner,
                                                                                   (_("New service"), None)))


@require_http_methods(["GET", "POST"])
def service_edit(request, public_id):
    _require_directory(request.user)
    service = selectors.service_get(actor=request.user, public_id=public_id)
    partner = service.partner
    form = ServiceForm(request.POST or None, edit=True, initial={
        "name": service.name, "description": service.description, "is_active": service.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service has been saved."))
            return redirect(_detail_url(partner))
    return _form_page(request, form=form, title=_("Edit service “%(name)s”") % {"name": service.name},
                      cancel_url=_detail_url(partner), breadcrumbs=_partner_crumbs(partner,
                                                                                   (service.name, None)))


@require_http_methods(["GET", "POST"])
def contact_create(request, public_id):
    _require_directory(request.user)
    partner = selectors.partner_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(actor=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact person has been added."))
            return redirect(_detail_url(partner))
    return _form_page(request, form=form,
                      title=_("New contact person at “%(name)s”") % {"name": partner.name},
                      cancel_url=_detail_url(partner),
                      breadcrumbs=_partner_crumbs(partner, (_("New contact person"), None)))


@require_http_methods(["GET", "POST"])
def contact_edit(request, public_id):
    _require_directory(request.user)
    contact = selectors.contact_get(actor=request.user, public_id=public_id)
    partner = contact.partner
    form = ContactPersonForm(request.POST or None, edit=True, initial={
        "name": contact.name, "function": contact.function, "phone": contact.phone, "email": contact.email,
        "is_active": contact.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact person has been saved."))
            return redirect(_detail_url(partner))
    return _form_page(request, form=form, title=_("Edit contact person “%(name)s”") % {"name": contact.name},
                      cancel_url=_detail_url(partner), breadcrumbs=_partner_crumbs(partner,
                                                                                   (contact.name, None)))


# ---- export ------------------------------------------------------------------------------------------------

def _export(request, file_format: str) -> HttpResponse:
    _require_directory(request.user)
    export = selectors.partner_export(actor=request.user, file_format=file_format,
                                      selection=_filter_form(request).selection())
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def partner_export_csv(request):
    return _export(request, "csv")


@require_GET
def partner_export_xlsx(request):
    return _export(request, "xlsx")


# ---- import ------------------------------------------------------------------------------------------------
# Step 1 reads the file and keeps its rows (text only, bounded by the file limits) in the session — no file is
# stored. Step 2 shows every row checked against the directory; step 3 imports in one transaction and forgets
# the rows. A new upload replaces what an earlier one left in the session.

def _import_crumbs(*tail):
    return _crumbs((_("Import"), reverse("network:partner_import")), *tail)


@require_http_methods(["GET", "POST"])
def partner_import(request):
    _require_maintainer(request.user)
    organisations = selectors.maintained_organisations(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations.first()
        try:
            table = spreadsheets.read_upload(form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "token": secrets.token_hex(16), "organisation": str(organisation.public_id),
                "update_existing": form.cleaned_data["existing"] == "update",
                "file_name": form.cleaned_data["file"].name[:100], "kind": table.kind,
                "rows": [[row.number, row.values, row.extra] for row in table.rows]}
            return redirect("network:partner_import_preview")
    return render(request, "network/partner_import.html", {
        "form": form, "headings": spreadsheets.COLUMNS, "types": importing.type_labels_de(),
        "max_rows": spreadsheets.MAX_ROWS, "active_nav": NAV, "breadcrumbs": _crumbs((_("Import"), None))})


def _pending_import(request):
    """The rows of step 1 and the organisation they go to, or None."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(pending, dict):
        return None, None, []
    organisation = selectors.maintained_organisations(actor=request.user).filter(
        public_id=pending.get("organisation")).first()
    if organisation is None:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return None, None, []
    rows = [spreadsheets.Row(number=number, values=values, extra=extra)
            for number, values, extra in pending.get("rows", [])]
    return pending, organisation, rows


@require_http_methods(["GET", "POST"])
def partner_import_preview(request):
    _require_maintainer(request.user)
    pending, organisation, rows = _pending_import(request)
    if request.method == "POST" and request.POST.get("action") == "discard":
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.info(request, _("The import has been discarded. Nothing was saved."))
        return redirect("network:partner_import")
    form = ImportConfirmForm(request.POST or None, initial={"token": pending["token"] if pending else ""})
    if request.method == "POST" and pending is not None and form.is_valid():
        if form.cleaned_data["token"] != pending["token"]:
            form.add_error(None, _("This preview is out of date (another file was uploaded in the meantime). "
                                   "Please check the preview again."))
        else:
            try:
                counts = services.partner_import(actor=request.user, organisation=organisation, rows=rows,
                                                 update_existing=pending["update_existing"],
                                                 only_if_all_valid=form.cleaned_data["mode"] == "all")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.success(request,
                                 _("Import finished: %(new)d new, %(updated)d updated, %(unchanged)d "
                                            "unchanged, %(skipped)d skipped, %(error)d rows with errors not "
                                            "imported.") % counts)
                return redirect("network:partner_list")
    checked = selectors.import_preview(actor=request.user, organisation=organisation, rows=rows,
                                       update_existing=pending["update_existing"]) if pending else []
    counts = {status: sum(1 for row in checked if row.status == status) for status in importing.STATUS_LABELS}
    return render(request, "network/partner_import_preview.html", {
        "pending": pending, "organisation": organisation, "rows": checked, "counts": counts,
        "errors": counts[importing.ERROR], "to_import": counts[importing.NEW] + counts[importing.UPDATED],
        "form": form, "summary": ngettext("%(count)d row read from the file.",
                                          "%(count)d rows read from the file.",
                                          len(checked)) % {"count": len(checked)},
        "active_nav": NAV, "breadcrumbs": _import_crumbs((_("Preview"), None))})
