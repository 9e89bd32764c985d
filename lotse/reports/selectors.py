"""Who may see which report, at which level and for which audience — the one entry point for every surface
(pages, exports, API, ``manage.py report``).

* Organisation administrators see their organisation's figures exactly, down to teams and counsellors.
* Team leads see their team's figures and its counsellors' exactly (Fachaufsicht, DOMAIN.md §1).
* Counsellors see their own figures exactly.
* Everyone who may see aggregates of an organisation (coordinators above all) sees them only protected —
  cells below 5 and secondary suppression — and only at organisation or team level, but across all the
  organisations assigned to them.
* A funder export is always protected, whoever asks.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.organisations.models import Organisation, ProgrammeOffering, Role, Team
from lotse.reports.engine import ReportKind, ReportScope, report_kinds
from lotse.reports.periods import Period
from lotse.reports.suppression import protect
from lotse.reports.tables import Audience, Report

AGGREGATE_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN)


def report_organisations(*, actor) -> list[Organisation]:
    """Organisations the actor may see any report of (own figures count for counsellors)."""
    g = policy.grants(actor)
    ids = g.orgs_with(*AGGREGATE_ROLES, Role.COUNSELLOR)
    if g.is_system_admin:
        return list(Organisation.objects.filter(is_active=True).order_by("name"))
    return list(Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def report_teams(*, actor, organisation: Organisation) -> list[Team]:
    """Teams of the organisation whose figures the actor may see (exactly or protected)."""
    g = policy.grants(actor)
    teams = Team.objects.filter(organisation=organisation, is_active=True).order_by("name")
    if g.is_system_admin or organisation.pk in g.orgs_with(*AGGREGATE_ROLES):
        return list(teams)
    return list(teams.filter(pk__in=g.teams_with(Role.COUNSELLOR)))


def report_counsellors(*, actor, team: Team) -> list:
    """Counsellors whose own figures the actor may see exactly: the team lead sees the team, a counsellor
    only themself."""
    from lotse.accounts.models import User

    g = policy.grants(actor)
    members = User.objects.filter(memberships__team=team, memberships__is_active=True,
                                  memberships__role__in=[Role.COUNSELLOR, Role.TEAM_LEAD], is_active=True).distinct()
    if team.pk in g.teams_with(Role.TEAM_LEAD) or team.organisation_id in g.orgs_with(Role.ORG_ADMIN):
        return list(members.order_by("last_name", "first_name", "username"))
    if team.pk in g.teams_with(Role.COUNSELLOR):
        return list(members.filter(pk=actor.pk))
    return []


def _may_see_exactly(actor, *, organisation: Organisation, team: Team | None, counsellor) -> bool:
    g = policy.grants(actor)
    if organisation.pk in g.orgs_with(Role.ORG_ADMIN):
        return True
    if team is not None and team.pk in g.teams_with(Role.TEAM_LEAD):
        return True
    return (counsellor is not None and counsellor.pk == actor.pk and team is not None
            and team.pk in g.teams_with(Role.COUNSELLOR))


def _may_see_protected(actor, *, organisation: Organisation) -> bool:
    g = policy.grants(actor)
    return g.is_system_admin or organisation.pk in g.orgs_with(*AGGREGATE_ROLES)


def report_kind(code: str) -> ReportKind:
    kinds = report_kinds()
    if code not in kinds:
        raise ValidationError(_("There is no report of this kind."), code="kind")
    return kinds[code]


def report_scope(*, kind: str, period: Period, organisations: list[Organisation], team: Team | None = None,
                 counsellor=None) -> tuple[ReportKind, ReportScope]:
    """Check that the combination makes sense (not who asks) and return the kind and the scope to build."""
    report_kind_ = report_kind(kind)
    if not organisations:
        raise ValidationError(_("Choose an organisation."), code="organisation")
    if team is not None and (len(organisations) != 1 or team.organisation_id != organisations[0].pk):
        raise ValidationError(_("The team does not belong to the organisation."), code="team")
    if counsellor is not None and team is None:
        raise ValidationError(_("Choose the counsellor's team."), code="team")
    scope = ReportScope(organisations=tuple(organisations), period=period, team=team, counsellor=counsellor,
                        template=report_kind_.template)
    if scope.level not in report_kind_.levels:
        raise ValidationError(_("This report is not available at this level."), code="level")
    return report_kind_, scope


def report_produce(report_kind_: ReportKind, scope: ReportScope, *, audience: Audience, actor, actor_label: str = "",
                   purpose: str, output_format: str) -> Report:
    """Build the checked scope for an audience whose right was established, protect it and audit it."""
    template = report_kind_.template
    if template is not None and not ProgrammeOffering.objects.filter(
            organisation__in=scope.organisations, programme=template.programme).exists():
        raise ValidationError(_("The organisation does not offer this programme."), code="programme")
    report = report_kind_.builder(scope)
    if audience is Audience.EXTERNAL:
        report = protect(report)
    organisations, team, counsellor = scope.organisations, scope.team, scope.counsellor
    audit_record(actor=actor, actor_label=actor_label, action=f"report.{purpose}", category=Category.READ,
                 object_type="reports.report", object_id=report_kind_.code,
                 organisation=organisations[0] if len(organisations) == 1 else None,
                 details={"kind": report_kind_.code, "period": scope.period.code, "audience": str(audience),
                          "format": output_format, "organisations": [str(o.public_id) for o in organisations],
                          "team": str(team.public_id) if team else None,
                          "counsellor": str(counsellor.public_id) if counsellor else None})
    return report


def report_build(*, actor, kind: str, period: Period, organisations: list[Organisation], team: Team | None = None,
                 counsellor=None, audience: Audience | None = None, purpose: str = "viewed",
                 output_format: str = "html") -> Report:
    """Build a report after checking the actor's right to it; the audience decides whether counts are exact.

    ``audience=None`` means: exact if the actor may see the figures exactly, otherwise protected.
    Raises PermissionDenied (shown as 403) or ValidationError (invalid combination) with a German message.
    """
    report_kind_, scope = report_scope(kind=kind, period=period, organisations=organisations, team=team,
                                       counsellor=counsellor)
    exact = len(organisations) == 1 and _may_see_exactly(actor, organisation=organisations[0], team=team,
                                                         counsellor=counsellor)
    protected = all(_may_see_protected(actor, organisation=org) for org in organisations)
    if counsellor is not None and not exact:
        protected = False  # figures of a single counsellor are staff data: only for the lead and themself
    if audience is None:
        audience = Audience.INTERNAL if exact else Audience.EXTERNAL
    if (audience is Audience.INTERNAL and not exact) or (audience is Audience.EXTERNAL and not (protected or exact)):
        policy.deny(actor, _("You may not see these figures."))
    return report_produce(report_kind_, scope, audience=audience, actor=actor, purpose=purpose,
                          output_format=output_format)


def coordinator_organisations(*, actor) -> list[Organisation]:
    """The organisations assigned to a coordinator: the columns of the cross-organisation view."""
    ids = policy.grants(actor).orgs_with(Role.COORDINATOR)
    return list(Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name"))

