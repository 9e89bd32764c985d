from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lotse.access import policy
from lotse.access.policy import Action
from lotse.accounts import services as account_services
from lotse.accounts.reauth import reauth_required
from lotse.core.forms import add_service_errors
from lotse.organisations import selectors, services
from lotse.organisations.forms import (
    MembershipForm, OfferingForm, OrganisationForm, StaffMemberForm, StaffSearchForm, TeamForm,
)

def _crumbs(*items):
    return [(_("Start"), reverse("core:home")), *items]


def _orgs_crumb(organisation=None):
    crumbs = [(_("Organisations"), reverse("organisations:organisation_list"))]
    if organisation is not None:
        crumbs.append((organisation.name, reverse("organisations:organisation_detail", args=[organisation.public_id])))
    return crumbs


def _form_page(request, *, form, title, submit_label, cancel_url, breadcrumbs, intro="", status=200):
    return render(request, "core/form_page.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": cancel_url,
        "breadcrumbs": [*breadcrumbs, (title, None)], "intro": intro, "active_nav": "organisations",
    }, status=status)


def _saved(request, message, url):
    messages.success(request, message)
    return redirect(url)


@require_GET
def organisation_list(request):
    return render(request, "organisations/organisation_list.html", {
        "organisations": selectors.organisation_list(actor=request.user),
        "may_create": policy.may_administer_organisations(request.user),
        "breadcrumbs": _crumbs((_("Organisations"), None)),
        "active_nav": "organisations",
    })


@require_GET
def organisation_detail(request, public_id):
    organisation = selectors.organisation_get(actor=request.user, public_id=public_id)
    return render(request, "organisations/organisation_detail.html", {
        "organisation": organisation,
        **selectors.organisation_overview(actor=request.user, organisation=organisation),
        "may_change": policy.can(request.user, Action.CHANGE, organisation),
        "may_administer": policy.may_administer_organisation(request.user, organisation),
        "sees_personal_data": policy.may_see_personal_data(request.user),
        "breadcrumbs": _crumbs(*_orgs_crumb(), (organisation.name, None)),
        "active_nav": "organisations",
    })


@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not policy.may_administer_organisations(request.user):
        policy.deny(request.user, "organisation.create")
    form = OrganisationForm(request.POST or None,
                            parent_choices=selectors.organisation_choices_for_parent(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The organisation has been created."),
                          reverse("organisations:organisation_detail", args=[organisation.public_id]))
    return _form_page(request, form=form, title=_("New organisation"), submit_label=_("Create"),
                      cancel_url=reverse("organisations:organisation_list"),
                      breadcrumbs=_crumbs(*_orgs_crumb()))


@require_http_methods(["GET", "POST"])
def organisation_edit(request, public_id):
    organisation = selectors.organisation_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = OrganisationForm(
        request.POST or None,
        initial={"name": organisation.name, "kind": organisation.kind, "is_active": organisation.is_active,
                 "parent": organisation.parent.public_id if organisation.parent else None},
        parent_choices=selectors.organisation_choices_for_parent(actor=request.user, exclude=organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The changes have been saved."),
                          reverse("organisations:organisation_detail", args=[organisation.public_id]))
    return _form_page(request, form=form, title=_("Edit organisation"), submit_label=_("Save"),
                      cancel_url=reverse("organisations:organisation_detail", args=[organisation.public_id]),
                      breadcrumbs=_crumbs(*_orgs_crumb(organisation)))


@require_http_methods(["GET", "POST"])
def offering_create(request, public_id):
    organisation = selectors.organisation_get(actor=request.user, public_id=public_id)
    if not policy.may_administer_organisation(request.user, organisation):
        policy.deny(request.user, "offering.create")
    form = OfferingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_create(actor=request.user, organisation=organisation,
                                     programme=form.cleaned_data["programme"], name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The programme has been added."),
                          reverse("organisations:organisation_detail", args=[organisation.public_id]))
    return _form_page(request, form=form, title=_("Add programme"), submit_label=_("Add"),
                      cancel_url=reverse("organisations:organisation_detail", args=[organisation.public_id]),
                      breadcrumbs=_crumbs(*_orgs_crumb(organisation)))


@require_http_methods(["GET", "POST"])
def offering_edit(request, public_id):
    offering = selectors.offering_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    organisation = offering.organisation
    form = OfferingForm(request.POST or None, initial={
        "programme": offering.programme, "name": offering.name, "is_active": offering.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(actor=request.user, offering=offering, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The changes have been saved."),
                          reverse("organisations:organisation_detail", args=[organisation.public_id]))
    return _form_page(request, form=form, title=_("Edit programme"), submit_label=_("Save"),
                      cancel_url=reverse("organisations:organisation_detail", args=[organisation.public_id]),
                      breadcrumbs=_crumbs(*_orgs_crumb(organisation)))


@require_http_methods(["GET", "POST"])
def offering_rules(request, public_id):
    from lotse.organisations.forms import OfferingRulesForm
    from lotse.organisations.programme_settings import PROGRAMME_DEFAULTS, ProgrammeSettings

    offering = selectors.offering_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    organisation = offering.organisation
    stored = offering.settings if isinstance(offering.settings, dict) else {}
    form = OfferingRulesForm(request.POST or None, initial={name: stored.get(name) for name in OfferingRulesForm.LABELS},
                             defaults=PROGRAMME_DEFAULTS.get(offering.programme, ProgrammeSettings()))
    detail_url = reverse("organisations:organisation_detail", args=[organisation.public_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_rules_update(actor=request.user, offering=offering, rules=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The changes have been saved."), detail_url)
    return _form_page(request, form=form, title=_("Case-work rules of %(programme)s") % {"programme": offering.name},
                      submit_label=_("Save"), cancel_url=detail_url, breadcrumbs=_crumbs(*_orgs_crumb(organisation)),
                      intro=_("Empty fields use the programme's default, shown in grey."))


@require_http_methods(["GET", "POST"])
def team_create(request, public_id):
    organisation = selectors.organisation_get(actor=request.user, public_id=public_id)
    if not policy.may_administer_organisation(request.user, organisation):
        policy.deny(request.user, "team.create")
    form = TeamForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, organisation=organisation, name=form.cleaned_data["name"],
                                        offerings=list(form.cleaned_data["offerings"]),
                                        full_time_posts=1 if form.cleaned_data["full_time_posts"] is None
                                        else form.cleaned_data["full_time_posts"],
                                        cases_per_post=form.cleaned_data["cases_per_post"] or 0)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The team has been created."),
                          reverse("organisations:team_detail", args=[team.public_id]))
    return _form_page(request, form=form, title=_("New team"), submit_label=_("Create"),
                      cancel_url=reverse("organisations:organisation_detail", args=[organisation.public_id]),
                      breadcrumbs=_crumbs(*_orgs_crumb(organisation)))


@require_http_methods(["GET", "POST"])
def team_edit(request, public_id):
    team = selectors.team_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = TeamForm(request.POST or None, organisation=team.organisation, initial={
        "name": team.name, "is_active": team.is_active, "full_time_posts": team.full_time_posts,
        "cases_per_post": team.cases_per_post,
        "offerings": [offering.public_id for offering in team.offerings.all()],
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, name=form.cleaned_data["name"],
                                 is_active=form.cleaned_data["is_active"],
                                 offerings=list(form.cleaned_data["offerings"]),
                                 full_time_posts=form.cleaned_data["full_time_posts"],
                                 cases_per_post=form.cleaned_data["cases_per_post"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The changes have been saved."),
                          reverse("organisations:team_detail", args=[team.public_id]))
    return _form_page(request, form=form, title=_("Edit team"), submit_label=_("Save"),
                      cancel_url=reverse("organisations:team_detail", args=[team.public_id]),
                      breadcrumbs=_crumbs(*_orgs_crumb(team.organisation), (team.name, None)))


@require_GET
def team_detail(request, public_id):
    if not policy.may_see_personal_data(request.user):
        policy.deny(request.user, "team.members")
    team = selectors.team_get(actor=request.user, public_id=public_id)
    members = selectors.team_members(actor=request.user, team=team)
    return render(request, "organisations/team_detail.html", {
        "team": team, "members": members,
        "may_change": policy.can(request.user, Action.CHANGE, team),
        "breadcrumbs": _crumbs(*_orgs_crumb(team.organisation), (team.name, None)),
        "active_nav": "organisations",
    })


@require_GET
def staff_list(request):
    if not policy.may_see_personal_data(request.user):
        policy.deny(request.user, "staff.list")
    search = StaffSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = selectors.staff_page(actor=request.user, query=query, cursor=request.GET.get("nach"))
    context = {
        "page": page, "search": search, "query": query,
        "administered": selectors.administered_organisations(actor=request.user),
        "breadcrumbs": _crumbs((_("Staff"), None)), "active_nav": "staff",
    }
    template = "organisations/staff_list.html#results" if request.htmx else "organisations/staff_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def staff_create(request, public_id):
    organisation = selectors.organisation_get(actor=request.user, public_id=public_id)
    if not policy.may_administer_organisation(request.user, organisation):
        policy.deny(request.user, "staff.create")
    form = StaffMemberForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.staff_member_create(actor=request.user, organisation=organisation,
                                                          **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "organisations/temporary_password.html", {
                "member": user, "password": password, "created": True, "active_nav": "staff",
            })
    return _form_page(request, form=form, title=_("New staff member"), submit_label=_("Create account"),
                      cancel_url=reverse("organisations:staff_list"),
                      breadcrumbs=_crumbs(*_orgs_crumb(organisation)),
                      intro=_("The new colleague receives a temporary password, which they must change at "
                              "their first login, and then sets up the second factor."))


@require_GET
def staff_detail(request, public_id):
    member = selectors.staff_get(actor=request.user, public_id=public_id)
    memberships = selectors.staff_memberships(actor=request.user, user=member)
    administered = selectors.administered_organisations(actor=request.user)
    return render(request, "organisations/staff_detail.html", {
        "member": member, "memberships": memberships, "administered": administered,
        "may_change": policy.can(request.user, Action.CHANGE, member),
        "may_see_log": policy.record_log_allowed(request.user, member),
        "breadcrumbs": _crumbs((_("Staff"), reverse("organisations:staff_list")), (str(member), None)),
        "active_nav": "staff",
    })


@require_http_methods(["GET", "POST"])
@reauth_required
def membership_create(request, public_id, organisation_id):
    member = selectors.staff_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    organisation = selectors.organisation_get(actor=request.user, public_id=organisation_id)
    if not policy.may_administer_organisation(request.user, organisation):
        policy.deny(request.user, "membership.create")
    form = MembershipForm(request.POST or None, organisation=organisation)
    detail_url = reverse("organisations:staff_detail", args=[member.public_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_create(actor=request.user, user=member, organisation=organisation,
                                       role=form.cleaned_data["role"], team=form.cleaned_data["team"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The role has been added."), detail_url)
    return _form_page(request, form=form, title=_("Add role"), submit_label=_("Add"), cancel_url=detail_url,
                      breadcrumbs=_crumbs((_("Staff"), reverse("organisations:staff_list")), (str(member), detail_url)))


@require_http_methods(["GET", "POST"])
@reauth_required
def membership_edit(request, public_id):
    membership = selectors.membership_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    form = MembershipForm(request.POST or None, organisation=membership.organisation, initial={
        "role": membership.role, "team": membership.team.public_id if membership.team else None,
        "is_active": membership.is_active,
    })
    detail_url = reverse("organisations:staff_detail", args=[membership.user.public_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The role has been changed."), detail_url)
    return _form_page(request, form=form, title=_("Change role"), submit_label=_("Save"), cancel_url=detail_url,
                      breadcrumbs=_crumbs((_("Staff"), reverse("organisations:staff_list")),
                                          (str(membership.user), detail_url)))


@require_POST
@reauth_required
def staff_set_active(request, public_id):
    member = selectors.staff_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    activate = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=member, is_active=activate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account has been activated.") if activate
                         else _("The account has been deactivated. The person can no longer log in."))
    return redirect("organisations:staff_detail", public_id=member.public_id)


@require_POST
@reauth_required
def staff_password_reset(request, public_id):
    member = selectors.staff_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    password = services.temporary_password()
    account_services.user_set_password(actor=request.user, user=member, password=password, must_change=True)
    return render(request, "organisations/temporary_password.html", {
        "member": member, "password": password, "created": False, "active_nav": "staff",
    })


@require_POST
@reauth_required
def staff_second_factor_reset(request, public_id):
    member = selectors.staff_get(actor=request.user, public_id=public_id, action=Action.CHANGE)
    account_services.second_factor_reset(actor=request.user, user=member)
    messages.success(request, _("The second factor has been reset. The person sets it up again at the next login."))
    return redirect("organisations:staff_detail", public_id=member.public_id)
