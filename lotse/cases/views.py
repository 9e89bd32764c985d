from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.cases import selectors, services
from lotse.cases.forms import CaseRequestForm
from lotse.cases.models import Case
from lotse.core.forms import add_service_errors
from lotse.organisations.selectors import team_get
from lotse.people.selectors import person_get


@require_http_methods(["GET", "POST"])
def case_request(request, public_id):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = CaseRequestForm(request.POST or None, offerings=person.team.offerings.filter(is_active=True))
    detail_url = reverse("people:person_detail", args=[person.public_id])
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_request(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if case.status == Case.Status.WAITING:
                messages.warning(request, _("The team is at capacity: the case is on the waiting list."))
            else:
                messages.success(request, _("The case has been opened."))
            return redirect(detail_url)
    title = _("Open a case")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Open case"), "cancel_url": detail_url, "active_nav": "people",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")),
                        (str(person), detail_url), (title, None)],
    })


@require_GET
def waiting_list(request, public_id):
    team = team_get(actor=request.user, public_id=public_id)
    if team.pk not in policy.client_team_ids(request.user):
        policy.deny(request.user, "case.waiting_list")
    return render(request, "cases/waiting_list.html", {
        "team": team, **selectors.waiting_list(actor=request.user, team=team),
        "may_admit": policy.leads_team(request.user, team), "active_nav": "people",
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
