"""Reads of target groups: which groups a user sees, their size and their members.

Who sees what:

* the group itself — its author, and once it is shared the team (team groups) or the organisation's team
  leads, administrators and coordinators (organisation-wide groups); the rule is in the access policy;
* the **count** — exactly for the organisation's administrators and for the members of the group's team
  (who see all these persons anyway, the team lead included); protected for everyone else who may see the
  organisation's aggregates (coordinators, team leads for organisation-wide groups, system administrators):
  1–4 is shown as "fewer than 5", as in the reports (``lotse.reports.suppression``);
* the **members** — only persons the user may see through the access policy (their own teams); every listed
  person is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read, audit_read_many
from lotse.cohorts.criteria import FAMILIES, cohort_queryset, household_queryset, population
from lotse.cohorts.models import Cohort
from lotse.core.pagination import Page, keyset_page
from lotse.organisations.models import TEAM_ROLES, Organisation, Role, Team
from lotse.people.models import Accommodation, HouseholdMember, LifeSituation, Livelihood, Person, ResidenceStatus
from lotse.reports.suppression import THRESHOLD

MEMBER_ORDERING = ("family_name", "given_names", "pk")
LIST_ORDERING = ("name", "pk")
AGGREGATE_ROLES = (Role.COORDINATOR, Role.TEAM_LEAD, Role.ORG_ADMIN)


# ---- where a user may keep target groups ---------------------------------------------------------------

@dataclass(frozen=True)
class CohortScope:
    """One choice of "whose persons": a team, or the whole organisation (``team`` None)."""

    organisation: Organisation
    team: Team | None

    @property
    def key(self) -> str:
        return f"team:{self.team.public_id}" if self.team else f"org:{self.organisation.public_id}"

    @property
    def label(self) -> str:
        if self.team is not None:
            return f"{self.team.name} ({self.organisation.name})"
        from django.utils.translation import gettext as _

        return _("%(organisation)s – whole organisation") % {"organisation": self.organisation.name}


def cohort_scopes(*, actor) -> list[CohortScope]:
    """Teams the actor works in, and organisations whose figures the actor may see (two queries)."""
    g = policy.grants(actor)
    teams = Team.objects.filter(pk__in=g.teams_with(*TEAM_ROLES), is_active=True,
                                organisation__is_active=True).select_related("organisation").order_by(
        "organisation__name", "name")
    organisations = Organisation.objects.filter(pk__in=g.orgs_with(*AGGREGATE_ROLES), is_active=True).order_by(
        "name")
    scopes = [CohortScope(organisation, None) for organisation in organisations]
    scopes += [CohortScope(team.organisation, team) for team in teams]
    return sorted(scopes, key=lambda s: (s.organisation.name, s.team is not None, s.team.name if s.team else ""))


def may_use_cohorts(actor) -> bool:
    g = policy.grants(actor)
    return bool(g.teams_with(*TEAM_ROLES) or g.orgs_with(*AGGREGATE_ROLES))


# ---- the groups ---------------------------------------------------------------------------------------

def _cohorts(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Cohort.objects.select_related("organisation", "team", "created_by"), action)


def cohort_list(*, actor, show: str = "", cursor: str | None = None) -> Page:
    """The groups the actor sees, by name; ``show`` "mine" or "shared" narrows the list."""
    cohorts = _cohorts(actor)
    if show == "mine":
        cohorts = cohorts.filter(created_by=actor)
    elif show == "shared":
        cohorts = cohorts.filter(is_shared=True)
    return keyset_page(cohorts, ordering=LIST_ORDERING, cursor=cursor)


def cohort_get(*, actor, public_id, action: Action = Action.VIEW) -> Cohort:
    cohort = policy.get_or_404(actor, _cohorts(actor, action), action=action, public_id=public_id)
    if action is Action.VIEW:
        audit_read(actor=actor, obj=cohort, organisation=cohort.organisation_id)
    return cohort


def is_author(actor, cohort: Cohort) -> bool:
    return cohort.created_by_id is not None and cohort.created_by_id == getattr(actor, "pk", None)


def _population(cohort: Cohort):
    persons = Person.objects.filter(organisation_id=cohort.organisation_id)
    if cohort.team_id is not None:
        persons = persons.filter(team_id=cohort.team_id)
    return population(persons)


# ---- the count ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CohortCount:
    """``value`` is None when it is hidden (1–4 for a protected audience)."""

    value: int | None
    exact: bool
    unit: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


def count_access(actor, cohort: Cohort) -> str | None:
    """"exact", "protected" or None (the actor sees no count of this group)."""
    g = policy.grants(actor)
    if cohort.organisation_id in g.orgs_with(Role.ORG_ADMIN):
        return "exact"
    if cohort.team_id is not None and cohort.team_id in g.teams_with(*TEAM_ROLES):
        return "exact"
    if g.is_system_admin or cohort.organisation_id in g.orgs_with(*AGGREGATE_ROLES):
        return "protected"
    return None


def cohort_count(*, actor, cohort: Cohort, on: date | None = None) -> CohortCount | None:
    """The size of the group in its organisation (or team): persons, or households for families."""
    access = count_access(actor, cohort)
    if access is None:
        return None
    on = on or timezone.localdate()
    base = _population(cohort)
    if cohort.unit == FAMILIES:
        value = household_queryset(cohort.criteria, base, on=on).count()
    else:
        value = cohort_queryset(cohort.criteria, base, on=on).count()
    if access == "protected" and 0 < value < THRESHOLD:
        return CohortCount(None, False, cohort.unit)
    return CohortCount(value, access == "exact", cohort.unit)


# ---- the members --------------------------------------------------------------------------------------

def may_see_members(actor, cohort: Cohort) -> bool:
    """Whether the actor works in a team whose persons can be in the group."""
    teams = policy.client_team_ids(actor)
    if cohort.team_id is not None:
        return cohort.team_id in teams
    return Team.objects.filter(pk__in=teams, organisation_id=cohort.organisation_id).exists() if teams else False


def _annotated(persons, on: date):
    status = ResidenceStatus.objects.filter(person_id=OuterRef("pk"), valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)).order_by("-valid_from", "-pk")
    life = LifeSituation.objects.filter(person_id=OuterRef("pk"), recorded_on__lte=on).filter(
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=on))
    household = HouseholdMember.objects.filter(person_id=OuterRef("pk"), since__lte=on).filter(
        Q(until__isnull=True) | Q(until__gt=on)).order_by("-since", "-pk")
    return persons.annotate(
        cohort_status=Subquery(status.values("status_type__label")[:1]),
        cohort_accommodation=Subquery(life.values("accommodation")[:1]),
        cohort_livelihood=Subquery(life.values("livelihood")[:1]),
        cohort_household=Subquery(household.values("household__name")[:1]),
        cohort_household_id=Subquery(household.values("household__public_id")[:1]),
    )


def cohort_member_queryset(*, actor, cohort: Cohort, on: date | None = None):
    """The matching persons the actor may see: always the policy's scoped queryset, never more."""
    on = on or timezone.localdate()
    matching = cohort_queryset(cohort.criteria, _population(cohort), unit=cohort.unit, on=on)
    scoped = policy.scope(actor, Person.objects.select_related("sex"))
    return scoped.filter(pk__in=matching.values("pk"))


def cohort_members(*, actor, cohort: Cohort, cursor: str | None = None, on: date | None = None,
                   page_size: int = 50) -> Page:
    """One page of members, alphabetically (keyset pagination: one query whatever the page); audited."""
    on = on or timezone.localdate()
    if not may_see_members(actor, cohort):
        policy.deny(actor, "cohort.members")
    persons = _annotated(cohort_member_queryset(actor=actor, cohort=cohort, on=on), on)
    page = keyset_page(persons, ordering=MEMBER_ORDERING, cursor=cursor, page_size=page_size)
    accommodation, livelihood = dict(Accommodation.choices), dict(Livelihood.choices)
    for person in page.items:
        person.cohort_accommodation_label = accommodation.get(person.cohort_accommodation, "")
        person.cohort_livelihood_label = livelihood.get(person.cohort_livelihood, "")
    if page.items:
        audit_read_many(actor=actor, objects=page.items, object_type="people.person", action="cohort.members_listed",
                        organisation=cohort.organisation_id,
                        details={"cohort": str(cohort.public_id), "on": on.isoformat()})
    return page


def may_export(actor, cohort: Cohort) -> bool:
    """The member list may be exported by those who see it, once the export area is installed."""
    return may_see_members(actor, cohort) and _export_buttons_installed()


def _export_buttons_installed() -> bool:
    try:
        get_template("exports/_export_buttons.html")
    except TemplateDoesNotExist:
        return False
    return True
