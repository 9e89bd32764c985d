from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from lotse.access import policy
from lotse.organisations.models import Role


def _navigation(request) -> list[dict]:
    user = request.user
    items = [{"label": _("Start"), "url": reverse("core:home"), "name": "home"}]
    if policy.casework_team_ids(user):
        items.append({"label": _("Worklist"), "url": reverse("cases:worklist"), "name": "worklist"})
        items.append({"label": _("Cases"), "url": reverse("cases:case_list"), "name": "cases"})
        items.append({"label": _("Appointments"), "url": reverse("appointments:appointment_list"),
                      "name": "appointments"})
    if policy.client_team_ids(user):
        items.append({"label": _("First contacts"), "url": reverse("intake:first_contact_list"), "name": "intake"})
        items.append({"label": _("Persons"), "url": reverse("people:person_list"), "name": "people"})
    if policy.grants(user).all_orgs:
        items.append({"label": _("Partners"), "url": reverse("network:partner_list"), "name": "partners"})
    if policy.grants(user).all_orgs:
        items.append({"label": _("Network"), "url": reverse("cooperation:agreement_list"), "name": "network"})
    g = policy.grants(user)
    if g.is_system_admin or g.orgs_with(Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN, Role.COUNSELLOR):
        items.append({"label": _("Statistics"), "url": reverse("reports:overview"), "name": "reports"})
    from lotse.cohorts.selectors import may_use_cohorts

    if may_use_cohorts(user):
        items.append({"label": _("Target groups"), "url": reverse("cohorts:cohort_list"), "name": "cohorts"})
    if policy.grants(user).all_orgs or policy.may_administer_organisations(user):
        items.append({"label": _("Organisations"), "url": reverse("organisations:organisation_list"),
                      "name": "organisations"})
    if policy.may_see_personal_data(user) and (policy.may_manage_staff(user) or policy.grants(user).team_roles):
        items.append({"label": _("Staff"), "url": reverse("organisations:staff_list"), "name": "staff"})
    if policy.may_administer_organisations(user):
        items.append({"label": _("Catalogues"), "url": reverse("people:status_type_list"), "name": "catalogue"})
    if policy.may_read_audit_log(user):
        items.append({"label": _("Audit log"), "url": reverse("audit:event_list"), "name": "audit"})
    items.append({"label": _("My account"), "url": reverse("accounts:account"), "name": "account"})
    return items


def _network_links(request) -> list[dict]:
    """The network pages beyond agreements, events and indicators, for those who may open them."""
    from lotse.organisations.models import TEAM_ROLES, Role

    user, links = request.user, []
    if policy.may_see_aggregates(user) or policy.casework_team_ids(user):
        links.append({"label": _("Referral figures per partner"), "url": reverse("referrals:partner_figures"),
                      "name": "referral_figures"})
    if policy.grants(user).orgs_with(Role.ORG_ADMIN, *TEAM_ROLES):
        links.append({"label": _("Interpreters and volunteers"), "url": reverse("pools:pool_member_list"),
                      "name": "pools"})
    return links


def _memberships(request):
    from lotse.organisations.models import Membership

    return list(
        Membership.objects.filter(user=request.user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "team")
        .order_by("organisation__name")
    )


def shell(request) -> dict:
    context = {"demo_mode": settings.LOTSE_DEMO_MODE, "languages": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and (settings.LOTSE_DEMO_MODE or user.is_verified()):
        context["navigation"] = SimpleLazyObject(lambda: _navigation(request))
        context["shell_memberships"] = SimpleLazyObject(lambda: _memberships(request))
        context["network_links"] = SimpleLazyObject(lambda: _network_links(request))
    return context
