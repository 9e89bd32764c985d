"""Pool views: thin — selectors read, services write, the policy decides. The volunteers' page at the end is
public (no login): its link is the only key, every visit is rate-limited, audited and decided by releases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.appointments.selectors import appointment_get
from lotse.audit.middleware import client_ip
from lotse.audit.services import audit_security
from lotse.cases.selectors import case_get
from lotse.core.forms import add_service_errors
from lotse.core.versioning import refusal_context
from lotse.pools import forms, selectors, services, throttle
from lotse.pools.models import PoolMember

NAV = "partners"


def _crumbs(*tail):
    return [(_("Start"), reverse("core:home")),
            (_("Interpreters and volunteers"), reverse("pools:pool_member_list")), *tail]


def _case_crumbs(case, *tail):
    return [(_("Start"), reverse("core:home")), (_("Cases"), reverse("cases:case_list")),
            (str(case.person), reverse("cases:case_detail", args=[case.public_id])), *tail]


def _may_use_pool(user) -> None:
    if not selectors.may_use_pool(user):
        policy.deny(user, "pool_member.list")


def _case_url(case) -> str:
    return reverse("cases:case_detail", args=[case.public_id]) + "#volunteers"


# ---- the pool --------------------------------------------------------------------------------------

@require_GET
def pool_member_list(request):
    _may_use_pool(request.user)
    filter_form = forms.PoolFilterForm(request.GET or None)
    values = filter_form.values()
    page = selectors.pool_member_list(actor=request.user, kind=values["kind"],
                                      language=selectors.language_code(values["language"]),
                                      status=values["status"], cursor=request.GET.get("seite"))
    query = urlencode([(name, value) for name, value in (
        ("art", values["kind"]), ("sprache", values["language"]), ("status", values["status"])) if value])
    return render(request, "pools/member_list.html", {
        "page": page, "filter_form": filter_form, "query": query, "active_nav": NAV,
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Interpreters and volunteers"), None)]})


def _member_form_page(request, *, form, title, submit_label, member=None, stale=None):
    return render(request, "pools/member_form.html", {
        "form": form, "title": title, "submit_label": submit_label, "member": member, "stale": stale,
        "cancel_url": reverse("pools:pool_member_list"), "active_nav": NAV,
        "breadcrumbs": _crumbs((title, None))}, status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def pool_member_create(request):
    _may_use_pool(request.user)
    organisations = list(selectors.pool_organisations(actor=request.user))
    if not organisations:
        policy.deny(request.user, "pool_member.create")
    choose = len(organisations) > 1
    choices = selectors.pool_organisations(actor=request.user) if choose else None
    form = forms.PoolMemberForm(request.POST or None, organisations=choices,
                                initial={"kind": "interpreter", "organisation": organisations[0].public_id})
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"] if choose else organisations[0]
        try:
            member = services.pool_member_create(actor=request.user, organisation=organisation,
                                                 data=form.member_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been added to the pool.") % {"name": member.name})
            return redirect("pools:pool_member_list")
    return _member_form_page(request, form=form, title=_("New interpreter or volunteer"),
                             submit_label=_("Add to the pool"))


@require_http_methods(["GET", "POST"])
def pool_member_edit(request, public_id):
    member = selectors.pool_member_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    selectors.pool_member_detail(actor=request.user, member=member)
    form = forms.PoolMemberForm(request.POST or None, with_version=True,
                                initial=forms.PoolMemberForm.initial_for(member))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_member_update(actor=request.user, member=member,
                                        version=form.cleaned_data["version"], data=form.member_data())
        except ValidationError as error:
            stale = refusal_context(
                form, error, reload=lambda: selectors.pool_member_get(actor=request.user, public_id=public_id))
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("pools:pool_member_list")
    return _member_form_page(request, form=form, title=_("Edit %(name)s") % {"name": member.name},
                             submit_label=_("Save"), member=member, stale=stale)


@require_POST
def pool_member_set_active(request, public_id):
    member = selectors.pool_member_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The entry could not be changed. Please reload the page."))
        return redirect("pools:pool_member_edit", public_id=member.public_id)
    try:
        member = services.pool_member_set_active(actor=request.user, member=member, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pools:pool_member_edit", public_id=member.public_id)
    if member.is_active:
        messages.success(request, _("%(name)s is active in the pool again.") % {"name": member.name})
    else:
        messages.success(request, _("%(name)s has been deactivated. Their links no longer work.") % {
            "name": member.name})
    return redirect("pools:pool_member_list")


# ---- interpreters for an appointment ---------------------------------------------------------------

def _search_url(appointment) -> str:
    return reverse("pools:interpreter_search", args=[appointment.public_id])


@require_GET
def interpreter_search(request, public_id):
    appointment = appointment_get(actor=request.user, public_id=public_id)
    filter_form = forms.LanguageFilterForm(request.GET or None)
    chosen = filter_form.language()
    if chosen is None:
        language = appointment.interpreter_language
        filter_form = forms.LanguageFilterForm(initial={"sprache": language.code if language else ""})
    else:
        language = selectors.language_code(chosen)
    context = selectors.interpreter_search(actor=request.user, appointment=appointment, language=language)
    detail_url = reverse("appointments:appointment_detail", args=[appointment.public_id])
    return render(request, "pools/interpreter_search.html", {
        **context, "appointment": appointment, "filter_form": filter_form,
        "booked": selectors.booked_interpreter(actor=request.user, appointment=appointment),
        "detail_url": detail_url, "active_nav": "appointments",
        "breadcrumbs": [(_("Start"), reverse("core:home")),
                        (_("My appointments"), reverse("appointments:appointment_list")),
                        (_("Appointment"), detail_url), (_("Find an interpreter"), None)]})


@require_POST
def interpreter_book(request, public_id):
    appointment = appointment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose an interpreter from the list."))
        return redirect(_search_url(appointment))
    member = policy.scope(request.user, PoolMember.objects.all()).filter(
        public_id=form.cleaned_data["member"]).first()
    try:
        services.interpreter_book(actor=request.user, appointment=appointment, member=member,
                                  version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_search_url(appointment))
    messages.success(request, _("%(name)s has been booked as interpreter.") % {"name": member.name})
    return redirect("appointments:appointment_detail", public_id=appointment.public_id)


@require_POST
def interpreter_cancel(request, public_id):
    appointment = appointment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The appointment could not be changed. Please reload the page."))
        return redirect(_search_url(appointment))
    try:
        services.interpreter_cancel(actor=request.user, appointment=appointment, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_search_url(appointment))
    messages.success(request, _("The interpreter is no longer booked for this appointment."))
    return redirect("appointments:appointment_detail", public_id=appointment.public_id)


# ---- volunteers in a case --------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def volunteer_assign(request, public_id):
    case = case_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    if case.status != case.Status.OPEN:
        messages.error(request, _("The case is not open. Reopen it first."))
        return redirect(_case_url(case))
    form = forms.AssignmentForm(request.POST or None, members=selectors.volunteer_choices(actor=request.user,
                                                                                          case=case))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.volunteer_assign(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s now helps in this case.") % {
                "name": assignment.member.name})
            return redirect(_case_url(case))
    title = _("Assign a volunteer")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Assign"), "cancel_url": _case_url(case),
        "intro": _("The volunteer sees nothing of the case by this alone. What they may read is decided by "
                   "the client's release from confidentiality naming them."),
        "active_nav": "cases", "breadcrumbs": _case_crumbs(case, (title, None))})


@require_POST
def volunteer_assignment_end(request, public_id):
    assignment = selectors.assignment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    try:
        services.volunteer_assignment_end(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The assignment has ended. The volunteer's link no longer works."))
    return redirect(_case_url(assignment.case))


def _release_preview(assignment) -> list[dict]:
    """For the counsellor: which categories the volunteer would see today (read-only, nothing recorded)."""
    from lotse.consent.models import InformationCategory
    from lotse.consent.rules import valid_release

    person, partner = assignment.case.person, assignment.member.partner
    return [{"label": InformationCategory(category).label,
             "released": valid_release(person, partner, category) is not None}
            for category in services.VIEW_CATEGORIES]


@require_http_methods(["GET", "POST"])
def volunteer_link(request, public_id):
    assignment = selectors.assignment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    case = assignment.case
    if assignment.until is not None or case.status != case.Status.OPEN:
        messages.error(request, _("A link can only be created for a current assignment in an open case."))
        return redirect(_case_url(case))
    form = forms.LinkForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            assignment, token = services.volunteer_link_create(actor=request.user, assignment=assignment,
                                                               **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            link = request.build_absolute_uri(reverse("pools:volunteer_view", args=[token]))
            messages.success(request, _("The link has been created. Copy it now: it is shown only once."))
    title = _("Link for %(name)s") % {"name": assignment.member.name}
    return render(request, "pools/volunteer_link.html", {
        "assignment": assignment, "case": case, "form": form, "link": link, "title": title,
        "preview": _release_preview(assignment), "case_url": _case_url(case), "active_nav": "cases",
        "breadcrumbs": _case_crumbs(case, (title, None))})


@require_POST
def volunteer_link_revoke(request, public_id):
    assignment = selectors.assignment_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    try:
        services.volunteer_link_revoke(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The link has been revoked. It no longer works."))
    return redirect(_case_url(assignment.case))


# ---- the volunteers' page (public) -----------------------------------------------------------------

def _public(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@require_GET
def volunteer_view(request, token):
    """What the client released to the volunteer of the link, nothing else. Unknown, expired, revoked and
    renewed links answer the same neutral page (404); too many visits from one address answer 429."""
    if throttle.exceeded(client_ip(request)):
        audit_security(actor=None, action="volunteer.view_throttled")
        return _public(render(request, "pools/volunteer_unavailable.html", {"throttled": True}, status=429))
    assignment = services.volunteer_link_authenticate(token)
    if assignment is None:
        audit_security(actor=None, action="volunteer.view_refused",
                       details={"reason": "unknown or invalid link"})
        return _public(render(request, "pools/volunteer_unavailable.html", {"throttled": False}, status=404))
    categories = services.volunteer_disclosure(assignment=assignment)
    information = selectors.volunteer_information(assignment=assignment, categories=categories)
    services.volunteer_view_audit(assignment=assignment, categories=categories)
    return _public(render(request, "pools/volunteer_view.html", {
        "info": information, "member_name": assignment.member.name,
        "valid_until": assignment.token_expires_on, "organisation": assignment.case.person.organisation,
        "contact": assignment.token_created_by}))
