"""Referral views: thin — selectors read, services write, the policy decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases.selectors import case_get
from lotse.consent.models import InformationCategory
from lotse.consent.selectors import partner_choices
from lotse.consent.services import DisclosureRefused
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.documents import texts
from lotse.documents.views import document_download
from lotse.network.selectors import partner_contact_choices, service_choices
from lotse.referrals import charts, selectors, services
from lotse.referrals.forms import STEP_FORMS, FiguresForm, ReferralForm
from lotse.referrals.models import Step

NAV = "cases"
STEP_TITLES = {
    Step.ACCEPTED: (gettext_lazy("Accepted or contacted"), gettext_lazy("Save")),
    Step.APPOINTMENT: (gettext_lazy("Appointment at the partner"), gettext_lazy("Save appointment")),
    Step.OUTCOME: (gettext_lazy("Outcome of the referral"), gettext_lazy("Save outcome")),
    Step.WHEREABOUTS: (gettext_lazy("Whereabouts"), gettext_lazy("Save whereabouts")),
    Step.WITHDRAWN: (gettext_lazy("Withdrawn by the client"), gettext_lazy("Record withdrawal")),
}


def _crumbs(case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), reverse("cases:case_detail", args=[case.public_id])), *tail]


def _detail_url(referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.public_id])


# ---- list and send ---------------------------------------------------------------------------------------

@require_GET
def referral_list(request, public_id):
    case = case_get(actor=request.user, public_id=public_id)
    page = selectors.referrals_for_case(actor=request.user, case=case, cursor=request.GET.get("seite"))
    return render(request, "referrals/referral_list.html", {
        "case": case, "page": page, "active_nav": NAV, "breadcrumbs": _crumbs(case, (_("Referrals"), None))})


def _send_form(request, case):
    partners = partner_choices(actor=request.user, person=case.person)
    return ReferralForm(
        request.POST or None, persons=services.person_choices(case), partners=partners,
        services=service_choices(actor=request.user, partners=partners),
        contacts=partner_contact_choices(actor=request.user, partners=partners),
        initial={"person": case.person.public_id})


@require_http_methods(["GET", "POST"])
def referral_create(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case_url = reverse("cases:case_detail", args=[case.public_id])
    if case.status != case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(case_url)
    form = _send_form(request, case)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(actor=request.user, case=case, data=form.referral_data())
        except DisclosureRefused as error:
            form.add_error(None, error)
            refused = form.cleaned_data["person"]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The referral has been recorded."))
            return redirect(_detail_url(referral))
    persons = list(form.fields["person"].queryset)
    title = _("New referral")
    return render(request, "referrals/referral_form.html", {
        "form": form, "case": case, "title": title, "submit_label": _("Send referral"),
        "cancel_url": case_url,
        "refused_person": refused,
        "releases": selectors.release_overview(actor=request.user, case=case, persons=persons),
        "active_nav": NAV, "breadcrumbs": _crumbs(case, (title, None))})


# ---- detail and steps ------------------------------------------------------------------------------------

def _step_form(step, referral, data=None):
    kwargs = {"referral": referral}
    if step == Step.OUTCOME:
        kwargs["outcomes"] = services.outcome_choices(referral)
    return STEP_FORMS[step](data, **kwargs)


@require_GET
def referral_detail(request, public_id):
    referral = selectors.referral_get(actor=request.user, public_id=public_id)
    history = selectors.referral_detail(actor=request.user, referral=referral)
    case = referral.case
    steps = services.allowed_steps(referral) if case.status == case.Status.OPEN else []
    return render(request, "referrals/referral_detail.html", {
        "referral": referral, "case": case,
        "category_labels": [label for value, label in InformationCategory.choices
                            if value in referral.categories],
        "history": [(change, selectors.step_label(change)) for change in history],
        "step_forms": [(step, STEP_TITLES[step][0], STEP_TITLES[step][1], _step_form(step, referral),
                        reverse(f"referrals:referral_{step}", args=[referral.public_id])) for step in steps],
        "document_language": texts.language_for(referral.person),
        "document_languages": [texts.language(code) for code in texts.LANGUAGES],
        "active_nav": NAV, "breadcrumbs": _crumbs(case, (_("Referrals"), reverse(
            "referrals:referral_list", args=[case.public_id])), (referral.partner.name, None))})


def _step_view(request, public_id, step):
    referral = selectors.referral_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    detail_url = _detail_url(referral)
    if referral.case.status != referral.case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(detail_url)
    if step not in services.allowed_steps(referral):
        messages.error(request, _("This step is not possible any more: the referral is “%(status)s”.") % {
            "status": referral.get_status_display()})
        return redirect(detail_url)
    form = _step_form(step, referral, request.POST or None)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.STEP_SERVICES[step](actor=request.user, referral=referral, **form.service_values())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.referral_get(actor=request.user, public_id=public_id),
                compare=False)
        else:
            messages.success(request, _("The referral has been updated."))
            return redirect(detail_url)
    title, submit_label = STEP_TITLES[step]
    case = referral.case
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": detail_url, "stale": stale,
        "intro": _("Referral of %(person)s to %(partner)s, sent on %(date)s.") % {
            "person": referral.person.display_name, "partner": referral.partner.name,
            "date": referral.sent_on.strftime("%d.%m.%Y")},
        "active_nav": NAV, "breadcrumbs": _crumbs(case, (referral.partner.name, detail_url), (title, None))},
        status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def referral_accepted(request, public_id):
    return _step_view(request, public_id, Step.ACCEPTED)


@require_http_methods(["GET", "POST"])
def referral_appointment(request, public_id):
    return _step_view(request, public_id, Step.APPOINTMENT)


@require_http_methods(["GET", "POST"])
def referral_outcome(request, public_id):
    return _step_view(request, public_id, Step.OUTCOME)


@require_http_methods(["GET", "POST"])
def referral_whereabouts(request, public_id):
    return _step_view(request, public_id, Step.WHEREABOUTS)


@require_http_methods(["GET", "POST"])
def referral_withdrawn(request, public_id):
    return _step_view(request, public_id, Step.WITHDRAWN)


# ---- letters ---------------------------------------------------------------------------------------------

@require_GET
def referral_letter_client(request, public_id):
    referral = selectors.referral_get(actor=request.user, public_id=public_id)
    language = request.GET.get("sprache", "").strip().lower() or texts.language_for(referral.person)
    return document_download(request, kind="referral_letter_client", obj=referral, language=language)


@require_GET
def referral_letter_partner(request, public_id):
    """German only. Printing passes data to the partner: the releases are checked, the decision recorded."""
    referral = selectors.referral_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    problem = None
    if not referral.is_open:
        problem = _("The referral is “%(status)s”: no letter goes to the partner any more.") % {
            "status": referral.get_status_display()}
    else:
        try:
            services.partner_letter_check(actor=request.user, referral=referral)
        except DisclosureRefused as error:
            problem = " ".join(error.messages)
    if problem is not None:
        return render(request, "referrals/letter_refused.html", {
            "referral": referral, "case": referral.case, "problem": problem, "active_nav": NAV,
            "breadcrumbs": _crumbs(referral.case, (referral.partner.name, _detail_url(referral)),
                                   (_("Letter to the partner"), None))}, status=409)
    return document_download(request, kind="referral_letter_partner", obj=referral, language="de")


# ---- figures ---------------------------------------------------------------------------------------------

@require_GET
def partner_figures(request):
    if not selectors.may_see_figures(request.user):
        policy.deny(request.user, "referral.figures")
    organisations = selectors.figure_organisations(actor=request.user)
    form = FiguresForm(request.GET or None, organisations=organisations)
    organisation, period = form.chosen()
    if organisation is None:
        policy.deny(request.user, "referral.figures")
    figures = selectors.partner_referral_figures(actor=request.user, organisation=organisation, period=period)
    if not form.is_bound:
        form = FiguresForm(initial={"von": period[0], "bis": period[1]}, organisations=form.organisations)
    return render(request, "referrals/partner_figures.html", {
        **figures, "form": form, "chart": charts.share_chart(figures["partners"]),
        "today": timezone.localdate(), "active_nav": "home",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Referral figures"), None)]})
