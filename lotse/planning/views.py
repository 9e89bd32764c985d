"""Assessment, integration plan and goal agreement: thin views — selectors read, services write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access.policy import Action
from lotse.cases.models import Case
from lotse.cases.selectors import case_get, case_staff_choices
from lotse.core.forms import add_service_errors
from lotse.core.versioning import Difference, differences, is_stale
from lotse.documents import texts
from lotse.documents.views import LANGUAGE_PARAMETER, document_download
from lotse.organisations.programme_settings import programme_settings
from lotse.planning import forms, selectors, services
from lotse.planning.models import Goal, LifeDomain

FORM_PAGE = "planning/form_page.html"


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("cases:case_detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _plan_url(case: Case, anchor: str = "") -> str:
    return reverse("planning:plan_detail", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _crumbs(case: Case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), _case_url(case)), *tail]


def _plan_crumbs(case: Case, *tail):
    return _crumbs(case, (_("Integration plan"), _plan_url(case)), *tail)


def _form_page(request, *, form, title, case, cancel_url, crumbs, submit_label=None, stale=None, intro=None,
               template=FORM_PAGE, extra=None):
    return render(request, template, {
        "form": form, "title": title, "submit_label": submit_label or _("Save"), "cancel_url": cancel_url,
        "case": case, "stale": stale, "intro": intro, "active_nav": "cases", "breadcrumbs": [*crumbs, (title, None)],
        **(extra or {})}, status=409 if stale else 200)


# ---- assessment ------------------------------------------------------------------------------------

@require_GET
def assessment_list(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    domain = request.GET.get("bereich", "")
    history = selectors.assessment_history(actor=request.user, case=case, cursor=request.GET.get("seite"),
                                           domain=domain)
    return render(request, "planning/assessment_history.html", {
        **history, "case": case, "domains": LifeDomain.choices, "active_nav": "cases",
        "breadcrumbs": _crumbs(case, (_("Assessments"), None)),
    })


@require_http_methods(["GET", "POST"])
def assessment_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.AssessmentForm(request.POST or None, scale=programme_settings(case.offering).scale)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(actor=request.user, case=case,
                                                    assessed_on=form.cleaned_data["assessed_on"],
                                                    note=form.cleaned_data["note"], items=form.items())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assessment has been saved."))
            return redirect("planning:assessment_detail", public_id=assessment.public_id)
    title = _("New assessment")
    return _form_page(request, form=form, title=title, case=case, cancel_url=_case_url(case, "planning"),
                      crumbs=_crumbs(case, (_("Assessments"), reverse("planning:assessment_list",
                                                                      args=[case.public_id]))),
                      template="planning/assessment_form.html")


@require_GET
def assessment_detail(request, public_id):
    assessment = selectors.assessment_get(actor=request.user, public_id=public_id)
    case = assessment.case
    detail = selectors.assessment_detail(actor=request.user, assessment=assessment,
                                         compare_with=request.GET.get("vergleich"))
    return render(request, "planning/assessment_detail.html", {
        **detail, "case": case, "active_nav": "cases",
        "breadcrumbs": _crumbs(case, (_("Assessments"), reverse("planning:assessment_list", args=[case.public_id])),
                               (assessment.assessed_on.strftime("%d.%m.%Y"), None)),
    })


def _assessment_differences(form, current, items) -> list[Difference]:
    result = differences(form, current)
    stored = {item.domain: item for item in items}
    labels = {"rating": _("Rating"), "strengths": _("Strengths and resources"), "needs": _("Needs"),
              "notes": _("Notes")}
    for domain, values in form.items().items():
        item = stored.get(domain)
        for name, label in labels.items():
            before = getattr(item, name) if item is not None else None
            mine = values[name]
            if (before or None) != (mine or None):
                result.append(Difference(label=f"{LifeDomain(domain).label}: {label}",
                                         stored="–" if before in (None, "") else str(before),
                                         yours="–" if mine in (None, "") else str(mine)))
    return result


@require_http_methods(["GET", "POST"])
def assessment_edit(request, public_id):
    assessment = selectors.assessment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = assessment.case
    initial = forms.AssessmentForm.initial_for(assessment, selectors.assessment_items(assessment))
    form = forms.AssessmentForm(request.POST or None, initial=initial, versioned=True,
                                scale=programme_settings(case.offering).scale)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(actor=request.user, assessment=assessment,
                                       version=form.cleaned_data["version"],
                                       assessed_on=form.cleaned_data["assessed_on"], note=form.cleaned_data["note"],
                                       items=form.items())
        except ValidationError as error:
            if is_stale(error):
                current = selectors.assessment_get(actor=request.user, public_id=public_id)
                stale = {"differences": _assessment_differences(form, current, current.items.all()),
                         "changed_by": None, "changed_at": None}
                data = form.data.copy()
                data["version"] = str(current.version)
                form.data = data
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assessment has been saved."))
            return redirect("planning:assessment_detail", public_id=assessment.public_id)
    detail_url = reverse("planning:assessment_detail", args=[assessment.public_id])
    return _form_page(request, form=form, title=_("Edit the assessment"), case=case, cancel_url=detail_url,
                      stale=stale, template="planning/assessment_form.html",
                      crumbs=_crumbs(case, (_("Assessments"), reverse("planning:assessment_list",
                                                                      args=[case.public_id])),
                                     (assessment.assessed_on.strftime("%d.%m.%Y"), detail_url)))


# ---- plan ------------------------------------------------------------------------------------------

@require_GET
def plan_detail(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    detail = selectors.plan_detail(actor=request.user, case=case)
    plan = detail["plan"]
    review_form = forms.PlanReviewForm(initial={"review_on": plan.review_on if plan else None,
                                                "version": detail["version"]})
    return render(request, "planning/plan_detail.html", {
        **detail, "case": case, "review_form": review_form, "active_nav": "cases",
        "editable": case.status == Case.Status.OPEN, "today": timezone.localdate(),
        "latest_version": selectors.latest_version(plan=plan),
        "breadcrumbs": _crumbs(case, (_("Integration plan"), None)),
    })


def _plan_stale(request, form, case: Case, obj=None) -> dict:
    """The conflict after a stale plan form: the fields that differ and what changed in the plan meanwhile."""
    plan = selectors.plan_for_case(actor=request.user, case=case)
    comparison = selectors.changes_since(actor=request.user, plan=plan, seen=form.cleaned_data.get("version"))
    latest = selectors.latest_version(plan=plan)
    stale = {"differences": differences(form, obj) if obj is not None else [],
             "changed_at": plan.updated_at if plan else None,
             "changed_by": (latest.created_by.get_full_name() or latest.created_by.username)
             if latest and latest.created_by else None,
             "plan_changes": comparison.summary() if comparison else []}
    data = form.data.copy()
    data["version"] = str(selectors.plan_version_number(plan))
    form.data = data
    return stale


@require_http_methods(["GET", "POST"])
def plan_review(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    plan = selectors.plan_for_case(actor=request.user, case=case)
    form = forms.PlanReviewForm(request.POST or None, initial={
        "review_on": plan.review_on if plan else None, "version": selectors.plan_version_number(plan)})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review_set(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            if is_stale(error):
                stale = _plan_stale(request, form, case)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The review date of the plan has been saved."))
            return redirect(_plan_url(case, "review"))
    return _form_page(request, form=form, title=_("Next review of the integration plan"), case=case,
                      cancel_url=_plan_url(case), crumbs=_plan_crumbs(case), stale=stale)


@require_http_methods(["GET", "POST"])
def goal_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    plan = selectors.plan_for_case(actor=request.user, case=case)
    form = forms.GoalForm(request.POST or None, with_status=False,
                          initial={"version": selectors.plan_version_number(plan), "domain": request.GET.get("bereich")
                                   if request.GET.get("bereich") in LifeDomain.values else ""})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(actor=request.user, case=case, version=form.cleaned_data["version"],
                                        **form.values())
        except ValidationError as error:
            if is_stale(error):
                stale = _plan_stale(request, form, case)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The goal has been added. Now add the steps towards it."))
            return redirect(_plan_url(case, f"goal-{goal.public_id}"))
    return _form_page(request, form=form, title=_("New goal"), submit_label=_("Add goal"), case=case,
                      cancel_url=_plan_url(case), crumbs=_plan_crumbs(case), stale=stale)


def _goal_initial(goal: Goal, version: int) -> dict:
    return {"domain": goal.domain, "category": goal.category, "client_words": goal.client_words,
            "target_on": goal.target_on, "priority": goal.priority, "review_on": goal.review_on,
            "status": goal.status, "status_reason": goal.status_reason, "version": version}


@require_http_methods(["GET", "POST"])
def goal_edit(request, public_id):
    goal = selectors.goal_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = goal.plan.case
    form = forms.GoalForm(request.POST or None, initial=_goal_initial(goal, goal.plan.version))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(actor=request.user, goal=goal, version=form.cleaned_data["version"],
                                 **form.values())
        except ValidationError as error:
            if is_stale(error):
                current = selectors.goal_get(actor=request.user, public_id=public_id)
                stale = _plan_stale(request, form, case, current)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The goal has been saved."))
            return redirect(_plan_url(case, f"goal-{goal.public_id}"))
    return _form_page(request, form=form, title=_("Edit the goal"), case=case, cancel_url=_plan_url(case),
                      crumbs=_plan_crumbs(case), stale=stale)


@require_http_methods(["GET", "POST"])
def step_create(request, public_id):
    goal = selectors.goal_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = goal.plan.case
    form = forms.StepForm(request.POST or None, with_status=False, initial={"version": goal.plan.version},
                          partners=selectors.partner_options(actor=request.user, case=case))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            step = services.step_create(actor=request.user, goal=goal, version=form.cleaned_data["version"],
                                        **form.values())
        except ValidationError as error:
            if is_stale(error):
                stale = _plan_stale(request, form, case)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The step has been added."))
            return redirect(_plan_url(case, f"step-{step.public_id}"))
    return _form_page(request, form=form, title=_("New step"), submit_label=_("Add step"), case=case,
                      cancel_url=_plan_url(case), crumbs=_plan_crumbs(case), stale=stale,
                      intro=_("Goal: %(goal)s") % {"goal": goal.client_words})


@require_http_methods(["GET", "POST"])
def step_edit(request, public_id):
    step = selectors.step_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = step.goal.plan.case
    partners = selectors.partner_options(actor=request.user, case=case, current_id=step.responsible_partner_id)
    initial = {"description": step.description, "responsible": step.responsible,
               "responsible_partner": step.responsible_partner.public_id if step.responsible_partner else None,
               "due_on": step.due_on, "status": step.status, "status_reason": step.status_reason,
               "version": step.goal.plan.version}
    form = forms.StepForm(request.POST or None, initial=initial, partners=partners)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(actor=request.user, step=step, version=form.cleaned_data["version"],
                                 **form.values())
        except ValidationError as error:
            if is_stale(error):
                current = selectors.step_get(actor=request.user, public_id=public_id)
                stale = _plan_stale(request, form, case, current)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The step has been saved."))
            return redirect(_plan_url(case, f"step-{step.public_id}"))
    return _form_page(request, form=form, title=_("Edit the step"), case=case, cancel_url=_plan_url(case),
                      crumbs=_plan_crumbs(case), stale=stale,
                      intro=_("Goal: %(goal)s") % {"goal": step.goal.client_words})


@require_GET
def plan_versions(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    plan, page = selectors.plan_versions(actor=request.user, case=case, cursor=request.GET.get("seite"))
    choices = selectors.plan_version_choices(actor=request.user, plan=plan)
    initial = {"von": choices[1][0] if len(choices) > 1 else None, "bis": choices[0][0] if choices else None}
    return render(request, "planning/plan_versions.html", {
        "case": case, "plan": plan, "page": page, "compare_form": forms.CompareForm(initial=initial, versions=choices),
        "active_nav": "cases", "breadcrumbs": _plan_crumbs(case, (_("Versions"), None)),
    })


@require_GET
def plan_compare(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    plan = selectors.plan_for_case(actor=request.user, case=case)
    choices = selectors.plan_version_choices(actor=request.user, plan=plan)
    form = forms.CompareForm(request.GET or None, versions=choices)
    comparison, older, newer = None, None, None
    if form.is_valid():
        older, newer = sorted((form.cleaned_data["von"], form.cleaned_data["bis"]))
        comparison = selectors.plan_compare(actor=request.user, plan=plan, older=older, newer=newer)
    elif not request.GET and len(choices) > 1:
        newer, older = choices[0][0], choices[1][0]
        form = forms.CompareForm(initial={"von": older, "bis": newer}, versions=choices)
        comparison = selectors.plan_compare(actor=request.user, plan=plan, older=older, newer=newer)
    return render(request, "planning/plan_compare.html", {
        "case": case, "plan": plan, "form": form, "comparison": comparison, "older": older, "newer": newer,
        "active_nav": "cases", "breadcrumbs": _plan_crumbs(case, (_("Compare versions"), None)),
    })


# ---- goal agreement --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def agreement_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.AgreementCreateForm(request.POST or None, initial={"language": texts.language_for(case.person)})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The goal agreement has been made from the current plan. Print it, sign it "
                                        "with the client and record the signatures."))
            return redirect("planning:agreement_sign", public_id=agreement.public_id)
    return _form_page(request, form=form, title=_("New goal agreement"), submit_label=_("Make goal agreement"),
                      case=case, cancel_url=_plan_url(case), crumbs=_plan_crumbs(case),
                      intro=_("The goal agreement is made from the current version of the integration plan: the open "
                              "goals and who does what."))


@require_http_methods(["GET", "POST"])
def agreement_sign(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id)
    case = agreement.case
    initial = {"signed_on": agreement.signed_on, "signed_by_client": agreement.signed_by_client or str(case.person),
               "signed_by_counsellor": (agreement.signed_by_counsellor or request.user).public_id,
               "copy_handed_over": agreement.copy_handed_over}
    if agreement.signed_on is None:
        del initial["signed_on"]
    form = forms.AgreementSignForm(request.POST or None, initial=initial,
                                   staff=case_staff_choices(actor=request.user, case=case))
    if request.method == "POST":
        agreement = selectors.agreement_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
        if form.is_valid():
            try:
                services.agreement_sign(actor=request.user, agreement=agreement, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The signatures have been recorded."))
                return redirect(_case_url(case, "planning"))
    obligations = selectors.agreement_obligations(agreement)
    return _form_page(request, form=form, title=_("Goal agreement: signatures"), submit_label=_("Save signatures"),
                      case=case, cancel_url=_case_url(case, "planning"), crumbs=_plan_crumbs(case),
                      template="planning/agreement_sign.html",
                      extra={"agreement": agreement, "obligations": obligations,
                             "is_outdated": selectors.agreement_is_outdated(agreement),
                             "document_languages": [texts.language(code) for code in texts.LANGUAGES]})


@require_GET
def agreement_document(request, public_id):
    agreement = selectors.agreement_get(actor=request.user, public_id=public_id)
    language = request.GET.get(LANGUAGE_PARAMETER, agreement.language).strip().lower()
    return document_download(request, kind="goal_agreement", obj=agreement, language=language)

