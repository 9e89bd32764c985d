"""The access policy: the one place that says which objects a user may see and change.

Every selector runs its queryset through :func:`scope`. Views never look objects up
themselves; they use :func:`get_or_404`, which answers 404 for anything out of scope
(so foreign records cannot even be confirmed to exist) and audits the denial.

Rules are keyed by model label so this module does not import the apps that use it.
A model with personal data that has no rule here cannot be queried through a selector:
:func:`scope` raises instead of silently returning everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lotse.organisations.models import CASEWORK_ROLES, TEAM_ROLES, Role


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"


@dataclass(frozen=True)
class Grants:
    """What one user's active memberships amount to; computed once per request."""

    user_id: int | None
    is_system_admin: bool = False
    org_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    team_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def orgs_with(self, *roles: str) -> set[int]:
        return {org for org, held in self.org_roles.items() if held.intersection(roles)}

    def teams_with(self, *roles: str) -> set[int]:
        return {team for team, held in self.team_roles.items() if held.intersection(roles)}

    @property
    def all_orgs(self) -> set[int]:
        return set(self.org_roles)

    def has_role(self, *roles: str) -> bool:
        return any(held.intersection(roles) for held in self.org_roles.values())

    @property
    def sees_personal_data(self) -> bool:
        """Coordinators who hold no other role see aggregates only."""
        return self.is_system_admin or any(
            held - {Role.COORDINATOR} for held in self.org_roles.values()
        )


ANONYMOUS = Grants(user_id=None)


def grants(user) -> Grants:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_lotse_grants", None)
    if cached is not None:
        return cached
    from lotse.organisations.models import Membership

    org_roles: dict[int, set[str]] = {}
    team_roles: dict[int, set[str]] = {}
    rows = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).values_list(
        "organisation_id", "team_id", "role", "team__is_active"
    )
    for org_id, team_id, role, team_active in rows:
        org_roles.setdefault(org_id, set()).add(role)
        if team_id is not None and team_active:
            team_roles.setdefault(team_id, set()).add(role)
    result = Grants(
        user_id=user.pk,
        is_system_admin=user.is_system_admin,
        org_roles={org: frozenset(roles) for org, roles in org_roles.items()},
        team_roles={team: frozenset(roles) for team, roles in team_roles.items()},
    )
    user._lotse_grants = result
    return result


def forget(user) -> None:
    """Drop cached grants after the user's memberships changed."""
    if hasattr(user, "_lotse_grants"):
        del user._lotse_grants


NOTHING = Q(pk__in=[])
EVERYTHING = Q()

Rule = Callable[[Grants, Action], Q]
RULES: dict[str, Rule] = {}


def rule(label: str):
    def register(function: Rule) -> Rule:
        RULES[label] = function
        return function

    return register


@rule("organisations.organisation")
def _organisation(g: Grants, action: Action) -> Q:
    """Names and structure of organisations; only system administrators change them."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(pk__in=g.all_orgs)
    return NOTHING


@rule("organisations.programmeoffering")
@rule("organisations.team")
def _organisation_part(g: Grants, action: Action) -> Q:
    """Programmes and teams: seen by every member of the organisation, changed by its admins."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(organisation_id__in=g.all_orgs)
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN))


@rule("organisations.membership")
def _membership(g: Grants, action: Action) -> Q:
    """Staff lists are personal data: admins see their organisation, team roles their own teams."""
    if g.is_system_admin:
        return EVERYTHING
    admin_orgs = g.orgs_with(Role.ORG_ADMIN)
    if action is Action.CHANGE:
        return Q(organisation_id__in=admin_orgs)
    return (
        Q(organisation_id__in=admin_orgs)
        | Q(team_id__in=g.teams_with(*TEAM_ROLES))
        | Q(user_id=g.user_id)
    )


@rule("accounts.user")
def _user(g: Grants, action: Action) -> Q:
    if g.is_system_admin:
        return EVERYTHING
    if g.user_id is None:
        return NOTHING
    admin_orgs = g.orgs_with(Role.ORG_ADMIN)
    if action is Action.CHANGE:
        # An organisation admin changes only accounts that belong to their organisations alone.
        from lotse.organisations.models import Membership

        foreign = Membership.objects.exclude(organisation_id__in=admin_orgs).values("user_id")
        return Q(memberships__organisation_id__in=admin_orgs) & ~Q(pk__in=foreign) & ~Q(is_system_admin=True)
    return (
        Q(pk=g.user_id)
        | Q(memberships__organisation_id__in=admin_orgs)
        | Q(memberships__team_id__in=g.teams_with(*TEAM_ROLES), memberships__is_active=True)
    )


@rule("accounts.apitoken")
def _api_token(g: Grants, action: Action) -> Q:
    return Q(user_id=g.user_id) if g.user_id else NOTHING


@rule("audit.auditevent")
def _audit_event(g: Grants, action: Action) -> Q:
    """Organisation admins read their organisation's trail; team leads only per record (record_log_allowed)."""
    if action is not Action.VIEW:
        return NOTHING
    if g.is_system_admin:
        return EVERYTHING
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN))


def _client_teams(g: Grants) -> set[int]:
    """Client records are seen by the roles working in the team that holds them, never by admins."""
    return g.teams_with(*TEAM_ROLES)


@rule("people.person")
def _person(g: Grants, action: Action) -> Q:
    return Q(team_id__in=_client_teams(g), merged_into__isnull=True)


@rule("people.household")
def _household(g: Grants, action: Action) -> Q:
    return Q(team_id__in=_client_teams(g))


@rule("people.residencestatus")
@rule("people.personname")
@rule("consent.consent")
@rule("consent.release")
@rule("consent.disclosure")
@rule("intake.eligibilitycheck")
def _person_detail(g: Grants, action: Action) -> Q:
    return Q(person__team_id__in=_client_teams(g), person__merged_into__isnull=True)


@rule("intake.firstcontact")
def _team_record(g: Grants, action: Action) -> Q:
    """First contacts belong to the team that records them (counsellors, team lead, accommodation)."""
    return Q(team_id__in=_client_teams(g))


def _casework_teams(g: Grants) -> set[int]:
    """Counselling records (cases, contacts, plans) are for the counsellors and the lead of the team only."""
    return g.teams_with(Role.COUNSELLOR, Role.TEAM_LEAD)


@rule("cases.case")
@rule("appointments.appointment")
def _casework_record(g: Grants, action: Action) -> Q:
    return Q(team_id__in=_casework_teams(g))


@rule("cases.casemember")
@rule("cases.phasechange")
@rule("referrals.referral")
@rule("conferences.conference")
@rule("pools.volunteerassignment")
@rule("helpermap.helperentry")
@rule("partnerreports.partnerreport")
@rule("cases.closure")
@rule("cases.task")
@rule("contacts.contact")
@rule("planning.assessment")
@rule("planning.plan")
@rule("planning.goalagreement")
def _case_part(g: Grants, action: Action) -> Q:
    return Q(case__team_id__in=_casework_teams(g))


@rule("referrals.referralstatuschange")
def _referral_part(g: Grants, action: Action) -> Q:
    return Q(referral__case__team_id__in=_casework_teams(g))


@rule("conferences.participant")
@rule("conferences.decision")
def _conference_part(g: Grants, action: Action) -> Q:
    return Q(conference__case__team_id__in=_casework_teams(g))


@rule("planning.goal")
@rule("planning.planversion")
def _plan_part(g: Grants, action: Action) -> Q:
    return Q(plan__case__team_id__in=_casework_teams(g))


@rule("planning.step")
def _goal_part(g: Grants, action: Action) -> Q:
    return Q(goal__plan__case__team_id__in=_casework_teams(g))


@rule("appointments.officehour")
def _office_hour(g: Grants, action: Action) -> Q:
    """Office hours are public within the organisation; the counsellor and the team lead keep them."""
    if action is Action.VIEW:
        return Q(team__organisation_id__in=g.all_orgs)
    return Q(user_id=g.user_id, team_id__in=_casework_teams(g)) | Q(team_id__in=g.teams_with(Role.TEAM_LEAD))


@rule("intake.topic")
def _topic(g: Grants, action: Action) -> Q:
    """Topic catalogues: the national defaults (no organisation) for everyone, plus the organisation's own;
    organisation admins keep their organisation's entries, system administrators the defaults."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(organisation__isnull=True) | Q(organisation_id__in=g.all_orgs)
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN))


@rule("network.partner")
def _partner(g: Grants, action: Action) -> Q:
    """The partner directory is shared by all teams of an organisation; its admins and teams maintain it."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(organisation_id__in=g.all_orgs)
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN, *TEAM_ROLES))


@rule("network.partnerservice")
@rule("network.partnercontact")
@rule("network.partnerprogramme")
def _partner_part(g: Grants, action: Action) -> Q:
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(partner__organisation_id__in=g.all_orgs)
    return Q(partner__organisation_id__in=g.orgs_with(Role.ORG_ADMIN, *TEAM_ROLES))


@rule("pools.poolmember")
def _pool_member(g: Grants, action: Action) -> Q:
    """Interpreters and volunteers are people too: the organisation's teams and admins, not coordinators."""
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN, *TEAM_ROLES))


@rule("partnerreports.reportlink")
def _report_link(g: Grants, action: Action) -> Q:
    """Links through which a partner reports absences: issued by team leads, counsellors and admins."""
    return Q(partner__organisation_id__in=g.orgs_with(Role.ORG_ADMIN, *CASEWORK_ROLES))


@rule("cooperation.cooperationagreement")
def _cooperation_agreement(g: Grants, action: Action) -> Q:
    """Agreements are read by everyone in the organisation and kept by its team leads and admins."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(organisation_id__in=g.all_orgs)
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN, Role.TEAM_LEAD))


@rule("cooperation.agreementrevision")
def _agreement_revision(g: Grants, action: Action) -> Q:
    if g.is_system_admin:
        return EVERYTHING
    return Q(agreement__organisation_id__in=g.all_orgs) if action is Action.VIEW else NOTHING


@rule("cooperation.networkevent")
def _network_event(g: Grants, action: Action) -> Q:
    """Network meetings, trainings and events: seen in the organisation, recorded by its staff."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW:
        return Q(organisation_id__in=g.all_orgs)
    return Q(organisation_id__in=g.orgs_with(Role.ORG_ADMIN, *TEAM_ROLES))


@rule("people.lifesituation")
def _life_situation(g: Grants, action: Action) -> Q:
    return Q(person__team_id__in=_client_teams(g), person__merged_into__isnull=True)


@rule("reports.reporttemplate")
def _report_template(g: Grants, action: Action) -> Q:
    """Funder templates hold no personal data: read by everyone with figures, changed by system administrators."""
    if g.is_system_admin:
        return EVERYTHING
    if action is Action.VIEW and g.has_role(Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN, *CASEWORK_ROLES):
        return EVERYTHING
    return NOTHING


@rule("cohorts.cohort")
def _cohort(g: Grants, action: Action) -> Q:
    """A saved target group: its author, and the team (or, for organisation-wide groups, the organisation's
    team leads, administrators and coordinators) once it is shared. Only the author changes it."""
    own = Q(created_by_id=g.user_id) if g.user_id else NOTHING
    if action is Action.CHANGE:
        return own
    team_shared = Q(is_shared=True, team_id__in=g.teams_with(*TEAM_ROLES))
    org_shared = Q(is_shared=True, team__isnull=True,
                   organisation_id__in=g.orgs_with(Role.TEAM_LEAD, Role.ORG_ADMIN, Role.COORDINATOR))
    return own | team_shared | org_shared


@rule("exports.exportjob")
def _export_job(g: Grants, action: Action) -> Q:
    """An export is the requesting user's own: nobody else downloads it, administrators included."""
    return Q(user_id=g.user_id) if g.user_id else NOTHING


def client_team_ids(user) -> set[int]:
    return _client_teams(grants(user))


def casework_team_ids(user) -> set[int]:
    return _casework_teams(grants(user))


def works_in_team(user, team) -> bool:
    """A counsellor or the lead of ``team``: who may own, deputise or be booked for its case work."""
    return user is not None and getattr(user, "is_active", False) and team.pk in casework_team_ids(user)


def may_read_confidential_notes(user, *, author_id: int | None, team_id: int) -> bool:
    """Confidential contact notes: the author and the lead of the case's team, nobody else."""
    g = grants(user)
    return (author_id is not None and author_id == g.user_id) or team_id in g.teams_with(Role.TEAM_LEAD)


def scope(user, queryset: QuerySet, action: Action = Action.VIEW) -> QuerySet:
    g = grants(user)
    if g.user_id is None:
        return queryset.none()
    label = queryset.model._meta.label_lower
    try:
        condition = RULES[label](g, action)
    except KeyError:
        raise LookupError(f"The access policy has no rule for {label}") from None
    scoped = queryset.filter(condition)
    return scoped.distinct() if label == "accounts.user" and not g.is_system_admin else scoped


def can(user, action: Action, obj) -> bool:
    """Whether ``obj`` is in the user's scope for ``action`` (one query)."""
    model = type(obj)
    return scope(user, model._default_manager.filter(pk=obj.pk), action).exists()


def get_or_404(user, queryset: QuerySet, *, action: Action = Action.VIEW, **lookup):
    """Fetch one object through the policy; out of scope and missing look the same (404)."""
    try:
        return scope(user, queryset, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError):
        pass
    try:
        exists = queryset.model._default_manager.filter(**lookup).exists()
    except (ValidationError, ValueError, TypeError):
        exists = False
    if exists:
        _audit_denial(user, queryset.model, lookup, action)
    raise Http404(_("Not found or not accessible."))


def _audit_denial(user, model, lookup: dict, action: Action) -> None:
    from lotse.audit.services import audit_security

    audit_security(
        actor=user,
        action="access.denied",
        details={"object_type": model._meta.label_lower, "lookup": {k: str(v) for k, v in lookup.items()},
                 "requested": str(action)},
    )


def deny(user, reason: str) -> None:
    """Refuse an action that is not about a specific object; audited as a permission denial."""
    from lotse.audit.services import audit_security

    audit_security(actor=user, action="access.denied", details={"reason": reason})
    raise PermissionDenied(reason)


# ---- role-level capabilities (not tied to an object) -------------------------------------------

def may_administer_organisations(user) -> bool:
    return grants(user).is_system_admin


def administered_organisation_ids(user) -> set[int]:
    g = grants(user)
    return g.orgs_with(Role.ORG_ADMIN)


def may_administer_organisation(user, organisation) -> bool:
    """Teams, programmes and staff of this organisation."""
    return may_administer_organisations(user) or organisation.pk in administered_organisation_ids(user)


def may_manage_staff(user) -> bool:
    g = grants(user)
    return g.is_system_admin or bool(g.orgs_with(Role.ORG_ADMIN))


def may_see_personal_data(user) -> bool:
    return grants(user).sees_personal_data


def may_see_aggregates(user) -> bool:
    g = grants(user)
    return g.is_system_admin or g.has_role(Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN)


def may_read_audit_log(user) -> bool:
    g = grants(user)
    return g.is_system_admin or bool(g.orgs_with(Role.ORG_ADMIN))


def leads_team(user, team) -> bool:
    return team.pk in grants(user).teams_with(Role.TEAM_LEAD)


def record_log_allowed(user, obj) -> bool:
    """'Wer hat diese Akte gesehen?' — team leads and admins who may change or see the record in their scope."""
    g = grants(user)
    if g.is_system_admin:
        return True
    if not g.has_role(Role.TEAM_LEAD, Role.ORG_ADMIN):
        return False
    return can(user, Action.VIEW, obj)
