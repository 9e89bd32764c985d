"""Target-group pages (/zielgruppen/): list, create (also from a preset), detail with count and members,
change and delete. Thin views: selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cohorts import selectors, services
from lotse.cohorts.criteria import PRESETS, criteria_summary
from lotse.cohorts.forms import CohortFilterForm, CohortForm, DeleteForm, ReferenceDayForm
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context

NAV = "cohorts"


def _require_cohorts(user) -> None:
    if not selectors.may_use_cohorts(user):
        policy.deny(user, "cohorts")


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")), (_("Target groups"), reverse("cohorts:cohort_list")), *tail]


def _detail_url(cohort) -> str:
    return reverse("cohorts:cohort_detail", args=[cohort.public_id])


def _form_page(request, *, form, title, submit_label, cancel_url, breadcrumbs, stale=None, extra=None):
    return render(request, "cohorts/cohort_form.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": cancel_url, "stale": stale,
        "active_nav": NAV, "breadcrumbs": breadcrumbs, **(extra or {})}, status=409 if stale else 200)


@require_GET
def cohort_list(request):
    _require_cohorts(request.user)
    filter_form = CohortFilterForm(request.GET or None)
    show = filter_form.show()
    page = selectors.cohort_list(actor=request.user, show=show, cursor=request.GET.get("nach"))
    return render(request, "cohorts/cohort_list.html", {
        "page": page, "filter_form": filter_form, "show": show, "presets": PRESETS, "active_nav": NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Target groups"), None)]})


@require_http_methods(["GET", "POST"])
def cohort_create(request):
    _require_cohorts(request.user)
    scopes = selectors.cohort_scopes(actor=request.user)
    preset = PRESETS.get(request.GET.get("vorlage", ""))
    initial = CohortForm.initial_from(name=str(preset["name"]), description=str(preset["description"]),
                                      unit=preset["unit"], criteria=preset["criteria"]) if preset else None
    form = CohortForm(request.POST or None, scopes=scopes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, data=form.cohort_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The target group has been saved."))
            return redirect(_detail_url(cohort))
    title = _("New target group")
    return _form_page(request, form=form, title=title, submit_label=_("Save target group"),
                      cancel_url=reverse("cohorts:cohort_list"), breadcrumbs=_crumbs((title, None)),
                      extra={"presets": PRESETS, "preset": preset})


@require_GET
def cohort_detail(request, public_id):
    cohort = selectors.cohort_get(actor=request.user, public_id=public_id)
    day_form = ReferenceDayForm(request.GET or None)
    on = day_form.day()
    show_members = selectors.may_see_members(request.user, cohort)
    page = selectors.cohort_members(actor=request.user, cohort=cohort, cursor=request.GET.get("nach"),
                                    on=on) if show_members else None
    is_author = selectors.is_author(request.user, cohort)
    return render(request, "cohorts/cohort_detail.html", {
        "cohort": cohort, "summary": criteria_summary(cohort.criteria), "on": on, "day_form": day_form,
        "day_query": request.GET.get("stichtag", "") if day_form.is_valid() else "",
        "count": selectors.cohort_count(actor=request.user, cohort=cohort, on=on),
        "show_members": show_members, "page": page, "is_author": is_author,
        "may_export": selectors.may_export(request.user, cohort),
        "show_names": policy.may_see_personal_data(request.user),
        "active_nav": NAV, "breadcrumbs": _crumbs((cohort.name, None))})


def _scope_key(cohort) -> str:
    return f"team:{cohort.team.public_id}" if cohort.team_id else f"org:{cohort.organisation.public_id}"


@require_http_methods(["GET", "POST"])
def cohort_edit(request, public_id):
    cohort = selectors.cohort_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    scopes = selectors.cohort_scopes(actor=request.user)
    form = CohortForm(request.POST or None, scopes=scopes, initial=CohortForm.initial_from(
        name=cohort.name, description=cohort.description, unit=cohort.unit, criteria=cohort.criteria,
        scope=_scope_key(cohort), is_shared=cohort.is_shared, version=cohort.version))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(actor=request.user, cohort=cohort, data=form.cohort_data(),
                                   version=form.cleaned_data.get("version"))
        except ValidationError as error:
            stale = refusal_context(form, error, compare=False, reload=lambda: selectors.cohort_get(
                actor=request.user, public_id=public_id, action=Action.CHANGE))
        else:
            messages.success(request, _("The target group has been saved."))
            return redirect(_detail_url(cohort))
    title = _("Change the target group")
    return _form_page(request, form=form, title=title, submit_label=_("Save"), cancel_url=_detail_url(cohort),
                      stale=stale, breadcrumbs=_crumbs((cohort.name, _detail_url(cohort)), (title, None)))


@require_http_methods(["GET", "POST"])
def cohort_delete(request, public_id):
    cohort = selectors.cohort_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = DeleteForm(request.POST or None, initial={"version": cohort.version})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cohort_delete(actor=request.user, cohort=cohort, version=form.cleaned_data["version"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The target group “%(name)s” has been deleted.") % {
                    "name": cohort.name})
                return redirect("cohorts:cohort_list")
        else:
            messages.error(request, _("The target group could not be deleted. Please reload the page."))
    title = _("Delete the target group")
    return render(request, "cohorts/cohort_delete.html", {
        "cohort": cohort, "form": form, "title": title, "active_nav": NAV,
        "breadcrumbs": _crumbs((cohort.name, _detail_url(cohort)), (title, None))})
