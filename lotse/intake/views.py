from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.codelists.selectors import code_label
from lotse.core.forms import add_service_errors
from lotse.intake import selectors, services
from lotse.intake.forms import AnswersForm, FirstContactForm, LinkPersonForm, OverrideForm
from lotse.people.selectors import person_get, person_list


def _crumbs(*items):
    return [(_("Start"), reverse("core:home")), (_("First contacts"), reverse("intake:first_contact_list")), *items]


def _require_client_work(user):
    if not policy.client_team_ids(user):
        policy.deny(user, "intake")


@require_GET
def first_contact_list(request):
    _require_client_work(request.user)
    page = selectors.first_contact_page(actor=request.user, cursor=request.GET.get("nach"))
    return render(request, "intake/first_contact_list.html", {
        "page": page, "just_saved": request.GET.get("gespeichert") == "1", "active_nav": "intake",
        "breadcrumbs": _crumbs()[:-1] + [(_("First contacts"), None)],
    })


@require_http_methods(["GET", "POST"])
def first_contact_create(request):
    _require_client_work(request.user)
    teams = selectors.client_teams(actor=request.user)
    form = FirstContactForm(request.POST or None, teams=teams, topics=selectors.topic_choices(teams=teams))
    if request.method == "POST" and form.is_valid():
        try:
            services.first_contact_record(actor=request.user, team=form.cleaned_data["team"],
                                          data=form.contact_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The first contact has been recorded."))
            return redirect(reverse("intake:first_contact_list") + "?gespeichert=1")
    return render(request, "intake/first_contact_form.html", {
        "form": form, "title": _("Record a first contact"), "active_nav": "intake",
        "breadcrumbs": _crumbs((_("Record a first contact"), None)),
    })


def _team_persons(actor, contact):
    return person_list(actor=actor).filter(team_id=contact.team_id).order_by("family_name", "given_names", "pk")


def _detail(request, contact, link_form=None, status=200):
    if link_form is None and contact.person_id is None:
        link_form = LinkPersonForm(persons=_team_persons(request.user, contact))
    return render(request, "intake/first_contact_detail.html", {
        "contact": contact, "link_form": link_form, "active_nav": "intake",
        "language": code_label("language", contact.language),
        "breadcrumbs": _crumbs((contact.date.strftime("%d.%m.%Y"), None)),
    }, status=status)


@require_GET
def first_contact_detail(request, public_id):
    contact = selectors.first_contact_get(actor=request.user, public_id=public_id)
    return _detail(request, contact)


@require_POST
def first_contact_link_person(request, public_id):
    contact = selectors.first_contact_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    persons = _team_persons(request.user, contact)
    form = LinkPersonForm(request.POST, persons=persons)
    if form.is_valid():
        person = person_get(actor=request.user, public_id=form.cleaned_data["person"], action=Action.CHANGE)
        try:
            services.first_contact_link_person(actor=request.user, first_contact=contact, person=person)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The first contact has been linked to %(name)s.") % {"name": person})
            return redirect("intake:first_contact_detail", public_id=contact.public_id)
    return _detail(request, contact, link_form=form)


# ---- eligibility ---------------------------------------------------------------------------------

def _eligibility_url(person):
    return reverse("intake:person_eligibility", args=[person.public_id])


def _eligibility_page(request, person, *, bound: dict | None = None, status: int = 200):
    """The page of all programmes; ``bound`` replaces one programme's form by the submitted one with errors."""
    bound = bound or {}
    entries = []
    for item in selectors.eligibility_overview(actor=request.user, person=person):
        answers_form = bound.get((item.programme, "answers")) or (
            AnswersForm(facts=item.fact_labels, answers=item.answers, prefix=item.programme)
            if item.evaluation.facts else None)
        override_form = bound.get((item.programme, "override")) or OverrideForm(prefix=f"{item.programme}-override")
        entries.append({"item": item, "answers_form": answers_form, "override_form": override_form})
    return render(request, "intake/eligibility.html", {
        "person": person, "entries": entries, "active_nav": "people",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")),
                        (str(person), reverse("people:person_detail", args=[person.public_id])),
                        (_("Eligibility"), None)],
    }, status=status)


@require_GET
def person_eligibility(request, public_id):
    person = person_get(actor=request.user, public_id=public_id)
    return _eligibility_page(request, person)


def _programme_of(person, programme: str) -> str:
    if programme not in services.team_programmes(person.team):
        raise Http404(_("Not found or not accessible."))
    return programme


@require_POST
def eligibility_answers(request, public_id, programme):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    programme = _programme_of(person, programme)
    item = selectors.eligibility_overview(actor=request.user, person=person, programmes=[programme])[0]
    form = AnswersForm(request.POST, facts=item.fact_labels, answers=item.answers, prefix=programme)
    if form.is_valid():
        try:
            services.eligibility_evaluate(actor=request.user, person=person, programme=programme,
                                          answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answers have been saved and the eligibility checked again."))
            return redirect(_eligibility_url(person))
    return _eligibility_page(request, person, bound={(programme, "answers"): form})


@require_POST
def eligibility_override(request, public_id, programme):
    person = person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    programme = _programme_of(person, programme)
    form = OverrideForm(request.POST, prefix=f"{programme}-override")
    if form.is_valid():
        try:
            with transaction.atomic():  # no check is left behind if the decision is refused
                check = services.eligibility_evaluate(actor=request.user, person=person, programme=programme)
                services.eligibility_override(actor=request.user, check=check, result=form.cleaned_data["result"],
                                              reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your decision has been recorded with its reason."))
            return redirect(_eligibility_url(person))
    return _eligibility_page(request, person, bound={(programme, "override"): form})
