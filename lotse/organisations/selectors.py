"""Every read of organisations, teams and staff, scoped by the access policy."""

from django.db.models import Count, Prefetch, Q

from lotse.access import policy
from lotse.access.policy import Action
from lotse.accounts.models import User
from lotse.audit.services import audit_read, audit_read_many
from lotse.core.pagination import DEFAULT_PAGE_SIZE, keyset_page
from lotse.organisations.models import Membership, Organisation, ProgrammeOffering, Role, Team


def organisation_list(*, actor, action: Action = Action.VIEW):
    return policy.scope(actor, Organisation.objects.select_related("parent"), action)


def organisation_get(*, actor, public_id, action: Action = Action.VIEW) -> Organisation:
    return policy.get_or_404(actor, Organisation.objects.select_related("parent"), action=action, public_id=public_id)


def organisation_choices_for_parent(*, actor, exclude: Organisation | None = None):
    organisations = organisation_list(actor=actor, action=Action.CHANGE)
    return organisations.exclude(pk=exclude.pk) if exclude else organisations


def administered_organisations(*, actor):
    return Organisation.objects.filter(pk__in=policy.administered_organisation_ids(actor), is_active=True)


def offering_list(*, actor, organisation: Organisation | None = None):
    offerings = policy.scope(actor, ProgrammeOffering.objects.select_related("organisation"))
    return offerings.filter(organisation=organisation) if organisation else offerings


def offering_get(*, actor, public_id, action: Action = Action.VIEW) -> ProgrammeOffering:
    return policy.get_or_404(actor, ProgrammeOffering.objects.select_related("organisation"), action=action,
                             public_id=public_id)


def team_list(*, actor, organisation: Organisation | None = None, action: Action = Action.VIEW):
    teams = policy.scope(actor, Team.objects.select_related("organisation"), action).annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True, memberships__user__is_active=True))
    ).prefetch_related("offerings")
    return teams.filter(organisation=organisation) if organisation else teams


def team_get(*, actor, public_id, action: Action = Action.VIEW) -> Team:
    return policy.get_or_404(actor, Team.objects.select_related("organisation"), action=action, public_id=public_id)


def organisation_overview(*, actor, organisation: Organisation) -> dict:
    """Programmes, teams and staff numbers of one organisation: no names, so safe for every role."""
    offerings = list(organisation.offerings.all())
    teams = list(team_list(actor=actor, organisation=organisation))
    staff = (
        Membership.objects.filter(organisation=organisation, is_active=True, user__is_active=True)
        .values("role").annotate(count=Count("user", distinct=True)).order_by("role")
    )
    labels = dict(Role.choices)
    return {
        "offerings": offerings,
        "teams": teams,
        "staff_by_role": [(labels.get(row["role"], row["role"]), row["count"]) for row in staff],
    }


def staff_list(*, actor, organisation: Organisation | None = None, query: str = ""):
    """Users the actor may see, each with their memberships in the actor's scope."""
    memberships = policy.scope(actor, Membership.objects.select_related("organisation", "team"))
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    return users.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"))


def staff_get(*, actor, public_id, action: Action = Action.VIEW) -> User:
    user = policy.get_or_404(actor, User.objects.all(), action=action, public_id=public_id)
    if action is Action.VIEW:
        audit_read(actor=actor, obj=user)
    return user


def staff_memberships(*, actor, user: User):
    return policy.scope(actor, Membership.objects.select_related("organisation", "team")).filter(user=user)


def membership_get(*, actor, public_id, action: Action = Action.VIEW) -> Membership:
    return policy.get_or_404(
        actor, Membership.objects.select_related("organisation", "team", "user"), action=action, public_id=public_id
    )


def aggregate_figures(*, actor) -> list[dict]:
    """Anonymous figures per visible organisation: what a coordinator sees."""
    organisations = organisation_list(actor=actor).filter(is_active=True).annotate(
        team_count=Count("teams", filter=Q(teams__is_active=True), distinct=True),
        staff_count=Count(
            "memberships__user",
            filter=Q(memberships__is_active=True, memberships__user__is_active=True)
            & ~Q(memberships__role=Role.COORDINATOR),
            distinct=True,
        ),
        offering_count=Count("offerings", filter=Q(offerings__is_active=True), distinct=True),
    )
    return [
        {"organisation": org, "teams": org.team_count, "staff": org.staff_count, "offerings": org.offering_count}
        for org in organisations
    ]


def team_members(*, actor, team: Team) -> list[Membership]:
    """The team's active members the actor may see; the names shown are audited."""
    members = list(
        policy.scope(actor, Membership.objects.select_related("user"))
        .filter(team=team, is_active=True)
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    audit_read_many(actor=actor, objects=[m.user for m in members], object_type="accounts.user",
                    action="team.members_viewed", organisation=team.organisation)
    return members


STAFF_ORDERING = ("last_name", "first_name", "username", "pk")


def staff_page(*, actor, query: str = "", cursor: str | None = None, page_size: int = DEFAULT_PAGE_SIZE,
               via: str | None = None):
    """One page of the staff list; the accounts shown are audited."""
    page = keyset_page(staff_list(actor=actor, query=query), ordering=STAFF_ORDERING, cursor=cursor,
                       page_size=page_size)
    details = {key: value for key, value in (("query", query), ("via", via)) if value}
    audit_read_many(actor=actor, objects=page.items, object_type="accounts.user", action="staff.list_viewed",
                    details=details or None)
    return page


def client_teams(*, actor):
    """Active teams in which the actor works with clients (where they may register persons)."""
    return Team.objects.filter(pk__in=policy.client_team_ids(actor), is_active=True).order_by("name")
