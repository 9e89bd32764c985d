"""Case views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases import forms, selectors, services
from lotse.cases.models import Case, ClosureReason
from lotse.consent.selectors import partner_choices
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.organisations.selectors import team_get
from lotse.people.selectors import person_get


def _crumbs(case: Case | None, *tail):
    items = [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list"))]
    if case is not None:
        items.append((str(case.person), reverse("cases:case_detail", args=[case.public_id])))
    return items + list(tail)


def _form_page(request, *, form, title, submit_label, case, stale=None, template="core/form_page.html",
               extra=None):
    detail_url = reverse("cases:case_detail", args=[case.public_id])
    return render(request, template, {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": detail_url,
        "active_nav": "cases", "stale": stale, "case": case, "breadcrumbs": _crumbs(case, (title, None)),
        **(extra or {})}, status=409 if stale else 200)


def _refused(request, form, error: ValidationError, public_id, *, compare: bool):
    """Attach the service's errors to the form; after a conflict also return what is stored now."""
    return refusal_context(form, error, reload=lambda: selectors.case_get(actor=request.user, public_id=public_id),
                           compare=compare)


@require_http_methods(["GET", "POST"])
def case_request(request, public_id):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.CaseRequestForm(request.POST or None, offerings=person.team.offerings.filter(is_active=True))
    detail_url = reverse("people:person_detail", args=[person.public_id])
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_request(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if case.status == Case.Status.WAITING:
                messages.warning(request, _("The team is at capacity: the case is on the waiting list."))
                return redirect(detail_url)
            messages.success(request, _("The case has been opened."))
            return redirect("cases:case_detail", public_id=case.public_id)
    title = _("Open a case")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Open case"), "cancel_url": detail_url, "active_nav": "people",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")),
                        (str(person), detail_url), (title, None)],
    })


@require_GET
def waiting_list(request, public_id):
    team = team_get(actor=request.user, public_id=public_id)
    if team.pk not in policy.casework_team_ids(request.user):
        policy.deny(request.user, "case.waiting_list")
    return render(request, "cases/waiting_list.html", {
        "team": team, **selectors.waiting_list(actor=request.user, team=team),
        "may_admit": policy.leads_team(request.user, team), "active_nav": "cases",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (team.name, None), (_("Waiting list"), None)],
    })


@require_POST
def case_admit(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id)
    if not policy.leads_team(request.user, case.team):
        policy.deny(request.user, "case.admit")
    try:
        services.case_admit(actor=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case has been taken from the waiting list and opened."))
    return redirect("cases:waiting_list", public_id=case.team.public_id)


def _may_work(user) -> None:
    if not policy.casework_team_ids(user):
        policy.deny(user, "case.list")


@require_GET
def case_list(request):
    _may_work(request.user)
    mine = request.GET.get("alle") != "1"
    status = request.GET.get("status", Case.Status.OPEN)
    if status not in Case.Status.values:
        status = Case.Status.OPEN
    page = selectors.case_list(actor=request.user, mine=mine, status=status, cursor=request.GET.get("seite"))
    return render(request, "cases/case_list.html", {
        "page": page, "mine": mine, "status": status, "statuses": Case.Status.choices, "active_nav": "cases",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Cases"), None)],
    })


@require_GET
def case_detail(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id)
    context = selectors.case_file(actor=request.user, case=case)
    return render(request, "cases/case_detail.html", {
        **context, "active_nav": "cases", "breadcrumbs": _crumbs(None, (str(case.person), None)),
        "may_lead": policy.leads_team(request.user, case.team),
    })


@require_http_methods(["GET", "POST"])
def case_edit(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    staff = selectors.case_staff_choices(actor=request.user, case=case)
    initial = {"owner": case.owner.public_id if case.owner else None,
               "deputy": case.deputy.public_id if case.deputy else None, "priority": case.priority,
               "own_flat_since": case.own_flat_since, "version": case.version}
    form = forms.CaseEditForm(request.POST or None, initial=initial, staff=staff)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(actor=request.user, case=case, **data)
        except ValidationError as error:
            stale = _refused(request, form, error, public_id, compare=True)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect("cases:case_detail", public_id=case.public_id)
    return _form_page(request, form=form, title=_("Case owner, deputy and priority"), submit_label=_("Save"),
                      case=case, stale=stale)


@require_http_methods(["GET", "POST"])
def case_phase(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.PhaseForm(request.POST or None, initial={"version": case.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.case_phase_change(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            stale = _refused(request, form, error, public_id, compare=False)
        else:
            messages.success(request, _("The phase has been changed."))
            return redirect("cases:case_detail", public_id=case.public_id)
    return _form_page(request, form=form, title=_("Change the phase"), submit_label=_("Change phase"), case=case,
                      stale=stale)


@require_http_methods(["GET", "POST"])
def case_member_add(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.MemberForm(request.POST or None,
                            candidates=selectors.member_candidates(actor=request.user, case=case))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_member_add(actor=request.user, case=case, person=form.cleaned_data["person"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The family member is now counselled in the case."))
            return redirect(reverse("cases:case_detail", args=[case.public_id]) + "#persons")
    return _form_page(request, form=form, title=_("Add a family member to the case"), submit_label=_("Add"),
                      case=case, extra={"intro": _("Household members of the main client can be counselled "
                                                   "together with them (co-counselled family members).")})


@require_POST
def case_member_end(request, public_id, member_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    member = case.members.filter(public_id=member_id).first()
    if member is None:
        raise Http404
    try:
        services.case_member_end(actor=request.user, case=case, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The family member is no longer counselled in the case."))
    return redirect(reverse("cases:case_detail", args=[case.public_id]) + "#persons")


@require_http_methods(["GET", "POST"])
def task_create(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.TaskForm(request.POST or None, partners=partner_choices(actor=request.user, person=case.person))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task has been added."))
            return redirect(reverse("cases:case_detail", args=[case.public_id]) + "#tasks")
    return _form_page(request, form=form, title=_("New task"), submit_label=_("Add task"), case=case)


@require_POST
def task_status(request, public_id):
    task = selectors.task_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.TaskStatusForm(request.POST)
    url = reverse("cases:case_detail", args=[task.case.public_id]) + "#tasks"
    if not form.is_valid():
        messages.error(request, _("The task could not be changed. Please reload the page."))
        return redirect(url)
    try:
        services.task_set_status(actor=request.user, task=task, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task has been updated."))
    return redirect(url)


@require_http_methods(["GET", "POST"])
def case_close(request, public_id):
    from lotse.planning.models import GoalStatus
    from lotse.planning.selectors import goal_evaluations

    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if case.status != Case.Status.OPEN:
        messages.error(request, _("The case is not open."))
        return redirect("cases:case_detail", public_id=case.public_id)
    goals = goal_evaluations(actor=request.user, case=case)
    form = forms.CloseForm(request.POST or None, initial={"version": case.version},
                           partners=partner_choices(actor=request.user, person=case.person), goals=goals,
                           goal_statuses=GoalStatus.choices)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_close(actor=request.user, case=case, version=data["version"], reason=data["reason"],
                                note=data["note"], indicators=form.indicators(),
                                goal_evaluations=form.goal_evaluations(), open_items=data["open_items"],
                                follow_up_on=data["follow_up_on"], handover_to=data["handover_to"])
        except ValidationError as error:
            stale = _refused(request, form, error, public_id, compare=False)
        else:
            messages.success(request, _("The case has been closed."))
            return redirect("cases:case_detail", public_id=case.public_id)
    open_counts = services.open_items_count(case)
    return _form_page(request, form=form, title=_("Close the case"), submit_label=_("Close case"), case=case,
                      stale=stale, template="cases/case_close.html",
                      extra={"open_counts": open_counts, "reasons": ClosureReason})


@require_http_methods(["GET", "POST"])
def case_reopen(request, public_id):
    case = selectors.case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.ReopenForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case has been reopened."))
            return redirect("cases:case_detail", public_id=case.public_id)
    return _form_page(request, form=form, title=_("Reopen the case"), submit_label=_("Reopen"), case=case)


@require_http_methods(["GET", "POST"])
def follow_up(request, public_id):
    closure = selectors.closure_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_follow_up_record(actor=request.user, closure=closure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The sustainability check has been recorded."))
            return redirect("cases:case_detail", public_id=closure.case.public_id)
    return _form_page(request, form=form, title=_("Sustainability check"), submit_label=_("Save"),
                      case=closure.case)


@require_GET
def worklist(request):
    _may_work(request.user)
    mine = request.GET.get("alle") != "1"
    return render(request, "cases/worklist.html", {
        **selectors.worklist(actor=request.user, mine=mine), "mine": mine, "active_nav": "worklist",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Worklist"), None)],
    })
