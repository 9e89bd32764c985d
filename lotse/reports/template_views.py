"""The editor of funder report templates (/statistik/vorlagen/): everyone with figures reads, system
administrators change, copy and (de)activate. Thin views: selectors read, services write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access.policy import Action
from lotse.core.forms import add_service_errors
from lotse.core.versioning import is_stale
from lotse.reports import template_selectors as selectors
from lotse.reports import template_services as services
from lotse.reports.dimensions import DIMENSIONS, UNITS, bilingual
from lotse.reports.template_forms import CopyForm, FilterForm, TemplateForm, spec_text

NAV = "reports"


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Report templates"), reverse("report_templates:list")),
            *tail]


def _detail_url(template) -> str:
    return reverse("report_templates:detail", args=[template.public_id])


def _sections(template) -> list[dict]:
    sections = template.spec.get("sections") if isinstance(template.spec, dict) else None
    rows = []
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        unit, dimension = UNITS.get(section.get("unit")), DIMENSIONS.get(section.get("dimension"))
        rows.append({"key": section.get("key", ""), "title": bilingual(section.get("title", "")),
                     "unit": unit.label if unit else section.get("unit", ""),
                     "dimension": dimension.label if dimension else section.get("dimension", "")})
    return rows


def _catalogue() -> dict:
    """Units and dimensions the editor may use, for the help below the form."""
    return {"units": [(key, unit.label) for key, unit in UNITS.items()],
            "dimensions": [{"key": key, "label": dimension.label, "units": sorted(dimension.units),
                            "parameters": sorted(dimension.parameters)}
                           for key, dimension in DIMENSIONS.items()]}


@require_GET
def template_list(request):
    filter_form = FilterForm(request.GET or None)
    templates = selectors.template_list(actor=request.user, **filter_form.chosen())
    return render(request, "reports/template_list.html", {
        "templates": templates, "filter_form": filter_form,
        "may_change": selectors.may_change_templates(request.user), "active_nav": NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Report templates"), None)]})


@require_GET
def template_detail(request, public_id):
    template = selectors.template_get(actor=request.user, public_id=public_id)
    return render(request, "reports/template_detail.html", {
        "template": template, "sections": _sections(template), "spec_text": spec_text(template.spec),
        "may_change": selectors.may_change_templates(request.user), "active_nav": NAV,
        "breadcrumbs": _crumbs((template.name, None))})


@require_http_methods(["GET", "POST"])
def template_edit(request, public_id):
    template = selectors.template_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    initial = {"name": template.name, "funder": template.funder, "programme": template.programme,
               "description": template.description, "spec": spec_text(template.spec),
               "loaded": services.loaded_token(template)}
    form = TemplateForm(request.POST or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_update(template=template, loaded=data["loaded"], name=data["name"],
                                     funder=data["funder"], description=data["description"],
                                     programme=data["programme"], spec=data["spec"], actor=request.user)
        except ValidationError as error:
            if is_stale(error):
                current = selectors.template_get(actor=request.user, public_id=public_id,
                                                 action=Action.CHANGE)
                stale = {"differences": [], "changed_at": current.updated_at,
                         "changed_by": current.updated_by}
                form.data = form.data.copy()
                form.data["loaded"] = services.loaded_token(current)
                template = current
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report template has been saved."))
            return redirect(_detail_url(template))
    title = _("Change report template")
    return render(request, "reports/template_edit.html", {
        "form": form, "template": template, "title": title, "stale": stale, "catalogue": _catalogue(),
        "submit_label": _("Save template"), "cancel_url": _detail_url(template),
        "intro": _("Every section counts one unit broken down by one dimension. The template is checked "
                   "before it is saved; each problem is named below the sections."),
        "current_spec": spec_text(template.spec) if stale else "", "active_nav": NAV,
        "breadcrumbs": _crumbs((template.name, _detail_url(template)), (title, None))},
        status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def template_copy(request, public_id):
    template = selectors.template_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = CopyForm(request.POST or None, initial={"code": f"{template.code}-2"[:50],
                                                     "name": _("Copy of %(name)s") % {"name": template.name}})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.template_copy(template=template, code=form.cleaned_data["code"],
                                          name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The copy has been created. It is inactive until you activate it."))
            return redirect(_detail_url(copy))
    title = _("Copy report template")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Create copy"), "cancel_url": _detail_url(template),
        "intro": _("The copy gets the sections of “%(name)s” and stays inactive until you activate it.")
        % {"name": template.name}, "active_nav": NAV,
        "breadcrumbs": _crumbs((template.name, _detail_url(template)), (title, None))})


def _set_active(request, public_id, *, active: bool):
    template = selectors.template_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    try:
        services.template_set_active(template=template, active=active, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The template is active: its report can be produced.") if active
                         else _("The template is inactive: its report can no longer be produced."))
    return redirect(_detail_url(template))


@require_POST
def template_deactivate(request, public_id):
    return _set_active(request, public_id, active=False)


@require_POST
def template_activate(request, public_id):
    return _set_active(request, public_id, active=True)
