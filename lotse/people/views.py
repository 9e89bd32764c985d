from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.core.forms import add_service_errors
from lotse.organisations.selectors import client_teams
from lotse.cases.selectors import cases_of
from lotse.people import selectors, services
from lotse.people.family import genogram_for
from lotse.people.forms import (
    HouseholdForm, ResidenceStatusTypeForm, HouseholdMemberForm, LanguageForm, LifeSituationForm, NewPersonForm,
    PersonForm, PersonNameForm, RelationshipForm, ResidenceStatusForm, SearchForm,
)

def _crumbs(*items):
    return [(_("Start"), reverse("core:home")), (_("Persons"), reverse("people:person_list")), *items]


def _detail_url(person):
    return reverse("people:person_detail", args=[person.public_id])


def _require_client_work(user):
    if not policy.client_team_ids(user):
        policy.deny(user, "people")


@require_GET
def person_list(request):
    _require_client_work(request.user)
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {"search": search, "query": query, "active_nav": "people", "breadcrumbs": _crumbs()[:-1] + [
        (_("Persons"), None)]}
    if query:
        context["result"] = selectors.person_search(actor=request.user, query=query, cursor=request.GET.get("nach"))
    else:
        context["page"] = selectors.person_page(actor=request.user, cursor=request.GET.get("nach"))
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(request, template, context)


def _duplicates_for_form(actor, form):
    data = form.cleaned_data
    birth = data.get("birth_date") or (None, None)
    return selectors.duplicate_candidates(
        actor=actor, family_name=data.get("family_name", ""), given_names=data.get("given_names", ""),
        name_original_script=data.get("name_original_script", ""), birth_date=birth[0],
        nationality_codes=data.get("nationalities") or [],
    )


@require_http_methods(["GET", "POST"])
def person_create(request):
    _require_client_work(request.user)
    form = NewPersonForm(request.POST or None, teams=client_teams(actor=request.user))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_for_form(request.user, form)
        if not duplicates or form.cleaned_data["confirm_new"]:
            try:
                person = services.person_create(actor=request.user, team=form.cleaned_data["team"],
                                                data=form.person_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The person has been registered with file number %(number)s.")
                                 % {"number": person.file_number})
                return redirect(_detail_url(person))
    return render(request, "people/person_form.html", {
        "form": form, "duplicates": duplicates, "title": _("Register a person"), "active_nav": "people",
        "breadcrumbs": _crumbs((_("Register a person"), None)),
    })


@require_GET
def person_detail(request, public_id):
    person = selectors.person_get(actor=request.user, public_id=public_id)
    statuses = list(selectors.residence_history(actor=request.user, person=person))
    life_situations = list(selectors.life_situation_history(actor=request.user, person=person))
    household_history = list(selectors.household_history(person=person))
    return render(request, "people/person_detail.html", {
        "person": person,
        "statuses": statuses,
        "current_status": selectors.current_residence_status(statuses),
        "life_situations": life_situations,
        "current_life_situation": selectors.life_situation_valid_on(life_situations),
        "household": next((entry.household for entry in household_history if entry.until is None), None),
        "household_history": household_history,
        "may_see_log": policy.record_log_allowed(request.user, person),
        "cases": cases_of(actor=request.user, person=person),
        "active_nav": "people",
        "breadcrumbs": _crumbs((str(person), None)),
    })


@require_http_methods(["GET", "POST"])
def person_edit(request, public_id):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_from(person))
    if request.method == "POST" and form.is_valid():
        old_name = (person.family_name, person.given_names, person.name_original_script)
        try:
            person = services.person_update(actor=request.user, person=person, data=form.person_data(),
                                            version=form.cleaned_data.get("version") or 0)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            if old_name != (person.family_name, person.given_names, person.name_original_script):
                return redirect("people:person_duplicates", public_id=person.public_id)
            return redirect(_detail_url(person))
    return render(request, "people/person_form.html", {
        "form": form, "person": person, "title": _("Edit master data"), "active_nav": "people",
        "breadcrumbs": _crumbs((str(person), _detail_url(person)), (_("Edit"), None)),
    })


@require_GET
def person_duplicates(request, public_id):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    candidates = selectors.duplicate_candidates(
        actor=request.user, family_name=person.family_name, given_names=person.given_names,
        name_original_script=person.name_original_script, birth_date=person.birth_date,
        nationality_codes=[code.code for code in person.nationalities.all()], exclude=person)
    return render(request, "people/person_duplicates.html", {
        "person": person, "candidates": candidates, "active_nav": "people",
        "breadcrumbs": _crumbs((str(person), _detail_url(person)), (_("Possible duplicates"), None)),
    })


@require_POST
def duplicate_dismiss(request, public_id, other_id):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    other = selectors.person_get(actor=request.user, public_id=other_id, action=Action.CHANGE)
    services.duplicate_dismiss(actor=request.user, person=person, other=other)
    messages.success(request, _("Noted: these are two different persons. The pair will not be suggested again."))
    return redirect("people:person_duplicates", public_id=person.public_id)


@require_http_methods(["GET", "POST"])
def person_merge(request, public_id, other_id):
    survivor = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    duplicate = selectors.person_get(actor=request.user, public_id=other_id, action=Action.CHANGE)
    if request.method == "POST":
        try:
            services.person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The records have been merged."))
            return redirect(_detail_url(survivor))
    return render(request, "people/person_merge.html", {
        "survivor": survivor, "duplicate": duplicate,
        "preview": selectors.merge_preview(survivor=survivor, duplicate=duplicate), "active_nav": "people",
        "breadcrumbs": _crumbs((str(survivor), _detail_url(survivor)), (_("Merge"), None)),
    })


def _person_subform(request, public_id, *, form_class, title, save, form_kwargs=None):
    """The small forms hanging off a person page: validate, call the service, back to the person."""
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = form_class(request.POST or None, **(form_kwargs(request, person) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(request.user, person, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_detail_url(person))
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Save"), "cancel_url": _detail_url(person),
        "active_nav": "people", "breadcrumbs": _crumbs((str(person), _detail_url(person)), (title, None)),
    })


@require_http_methods(["GET", "POST"])
def person_name_add(request, public_id):
    return _person_subform(request, public_id, form_class=PersonNameForm, title=_("Add a further spelling"),
                           save=lambda actor, person, data: services.person_name_add(actor=actor, person=person,
                                                                                     **data))


@require_http_methods(["GET", "POST"])
def residence_status_add(request, public_id):
    return _person_subform(request, public_id, form_class=ResidenceStatusForm, title=_("Add residence status"),
                           save=lambda actor, person, data: services.residence_status_add(actor=actor, person=person,
                                                                                          **data))


@require_http_methods(["GET", "POST"])
def life_situation_add(request, public_id):
    def initial(request, person):
        current = selectors.life_situation_current(actor=request.user, person=person)
        values = {name: getattr(current, name) for name in services.LIFE_SITUATION_AREAS} if current else {}
        return {"initial": {**values, "recorded_on": timezone.localdate()}}

    return _person_subform(
        request, public_id, form_class=LifeSituationForm, title=_("Record the life situation"), form_kwargs=initial,
        save=lambda actor, person, data: services.life_situation_record(
            actor=actor, person=person, data=services.LifeSituationData(**{
                name: data.get(name) or "" for name in services.LIFE_SITUATION_AREAS},
                recorded_on=data.get("recorded_on"))))


@require_http_methods(["GET", "POST"])
def language_add(request, public_id):
    return _person_subform(request, public_id, form_class=LanguageForm, title=_("Add language"),
                           save=lambda actor, person, data: services.person_language_set(actor=actor, person=person,
                                                                                         **data))


@require_http_methods(["GET", "POST"])
def relationship_add(request, public_id):
    return _person_subform(
        request, public_id, form_class=RelationshipForm, title=_("Add family relation"),
        form_kwargs=lambda request, person: {"persons": selectors.person_list(actor=request.user).filter(
            team=person.team).exclude(pk=person.pk).order_by("family_name", "given_names")},
        save=lambda actor, person, data: services.relationship_add(actor=actor, person=person, **data))


@require_http_methods(["GET", "POST"])
def household_create(request, public_id):
    person = selectors.person_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = HouseholdForm(request.POST or None, initial={"name": _("Family %(name)s") % {"name": person.family_name},
                                                        "address": person.address, "since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create_with_member(
                actor=request.user, person=person, name=form.cleaned_data["name"],
                address=form.cleaned_data["address"], since=form.cleaned_data["since"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:household_detail", public_id=household.public_id)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("New household"), "submit_label": _("Create"), "cancel_url": _detail_url(person),
        "active_nav": "people", "breadcrumbs": _crumbs((str(person), _detail_url(person)), (_("New household"), None)),
    })


@require_GET
def household_detail(request, public_id):
    household = selectors.household_get(actor=request.user, public_id=public_id)
    members = list(selectors.household_members(actor=request.user, household=household))
    current = [m for m in members if m.until is None]
    svg, sentences = genogram_for(actor=request.user, household=household, current_members=current)
    form = HouseholdMemberForm(persons=selectors.person_list(actor=request.user).filter(team=household.team).exclude(
        pk__in=[m.person_id for m in current]).order_by("family_name", "given_names"),
        initial={"since": timezone.localdate()})
    return render(request, "people/household_detail.html", {
        "household": household, "current": current, "former": [m for m in members if m.until is not None],
        "genogram": svg, "genogram_text": sentences, "member_form": form, "active_nav": "people",
        "breadcrumbs": _crumbs((household.name, None)),
    })


@require_POST
def household_member_add(request, public_id):
    household = selectors.household_get(actor=request.user, public_id=public_id)
    form = HouseholdMemberForm(request.POST, persons=selectors.person_list(actor=request.user).filter(
        team=household.team))
    if form.is_valid():
        try:
            services.household_member_add(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The person has been added to the household."))
    else:
        messages.error(request, _("Please choose a person and the date since when they live in the household."))
    return redirect("people:household_detail", public_id=household.public_id)


def _require_system_admin(user):
    if not policy.may_administer_organisations(user):
        policy.deny(user, "catalogue")


@require_GET
def status_type_list(request):
    _require_system_admin(request.user)
    return render(request, "people/status_type_list.html", {
        "status_types": selectors.residence_status_types(actor=request.user), "active_nav": "catalogue",
        "breadcrumbs": [(_("Start"), reverse("core:home")), (_("Residence status catalogue"), None)],
    })


@require_http_methods(["GET", "POST"])
def status_type_edit(request, code=None):
    _require_system_admin(request.user)
    status_type = None
    if code is not None:
        status_type = selectors.residence_status_types(actor=request.user).filter(code=code).first()
        if status_type is None:
            raise Http404
    initial = {name: getattr(status_type, name) for name in ResidenceStatusTypeForm.base_fields} if status_type else {}
    form = ResidenceStatusTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.residence_status_type_save(actor=request.user, status_type=status_type, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The catalogue has been saved."))
            return redirect("people:status_type_list")
    title = _("Edit residence status") if status_type else _("New residence status")
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": _("Save"), "cancel_url": reverse("people:status_type_list"),
        "active_nav": "catalogue", "breadcrumbs": [(_("Start"), reverse("core:home")),
                                                   (_("Residence status catalogue"),
                                                    reverse("people:status_type_list")), (title, None)],
    })
