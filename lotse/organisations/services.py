"""Every write to organisations, programmes, teams and staff memberships."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.accounts.models import User
from lotse.accounts.services import user_set_password
from lotse.audit.models import Category
from lotse.audit.services import audit_record
from lotse.organisations.models import TEAM_ROLES, Membership, Organisation, ProgrammeOffering, Role, Team


def _changed_fields(instance, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _check_parent(organisation: Organisation | None, parent: Organisation | None) -> None:
    node = parent
    while node is not None:
        if organisation is not None and node.pk == organisation.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        node = node.parent


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str, parent: Organisation | None = None) -> Organisation:
    if not policy.may_administer_organisations(actor):
        policy.deny(actor, "organisation.create")
    organisation = Organisation(name=name, kind=kind, parent=parent)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.created", category=Category.WRITE, obj=organisation,
                 organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **values) -> Organisation:
    _check_parent(organisation, values.get("parent", organisation.parent))
    changed = _changed_fields(organisation, values)
    if changed:
        organisation.full_clean()
        organisation.save()
        audit_record(actor=actor, action="organisation.updated", category=Category.WRITE, obj=organisation,
                     organisation=organisation, details={"fields": sorted(changed)})
    return organisation


@transaction.atomic
def offering_create(*, actor: User, organisation: Organisation, programme: str, name: str) -> ProgrammeOffering:
    _check_offering_name(organisation, name)
    offering = ProgrammeOffering(organisation=organisation, programme=programme, name=name)
    offering.full_clean()
    offering.save()
    audit_record(actor=actor, action="offering.created", category=Category.WRITE, obj=offering,
                 organisation=organisation)
    return offering


@transaction.atomic
def offering_update(*, actor: User, offering: ProgrammeOffering, **values) -> ProgrammeOffering:
    _check_offering_name(offering.organisation, values.get("name", offering.name), offering)
    changed = _changed_fields(offering, values)
    if changed:
        offering.full_clean()
        offering.save()
        audit_record(actor=actor, action="offering.updated", category=Category.WRITE, obj=offering,
                     organisation=offering.organisation, details={"fields": sorted(changed)})
    return offering


def _check_offerings(organisation: Organisation, offerings) -> None:
    if any(offering.organisation_id != organisation.pk for offering in offerings):
        raise ValidationError({"offerings": _("Only programmes of the team's own organisation can be chosen.")})


def _check_team_name(organisation: Organisation, name: str, team: Team | None = None) -> None:
    clash = Team.objects.filter(organisation=organisation, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("A team with this name already exists in the organisation.")})


def _check_offering_name(organisation: Organisation, name: str, offering: ProgrammeOffering | None = None) -> None:
    clash = ProgrammeOffering.objects.filter(organisation=organisation, name__iexact=name)
    if offering is not None:
        clash = clash.exclude(pk=offering.pk)
    if clash.exists():
        raise ValidationError({"name": _("A programme with this name already exists in the organisation.")})


@transaction.atomic
def team_create(*, actor: User, organisation: Organisation, name: str, offerings=(), full_time_posts=1,
                cases_per_post: int = 0) -> Team:
    _check_offerings(organisation, offerings)
    _check_team_name(organisation, name)
    team = Team(organisation=organisation, name=name, full_time_posts=full_time_posts, cases_per_post=cases_per_post)
    team.full_clean()
    team.save()
    team.offerings.set(offerings)
    audit_record(actor=actor, action="team.created", category=Category.WRITE, obj=team, organisation=organisation)
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, is_active: bool, offerings=(), full_time_posts=None,
                cases_per_post: int | None = None) -> Team:
    _check_offerings(team.organisation, offerings)
    _check_team_name(team.organisation, name, team)
    if not is_active and team.is_active and team.memberships.filter(is_active=True).exists():
        raise ValidationError({"is_active": _("The team still has active members. Move them to another team first.")})
    values = {"name": name, "is_active": is_active}
    if full_time_posts is not None:
        values["full_time_posts"] = full_time_posts
    if cases_per_post is not None:
        values["cases_per_post"] = cases_per_post
    changed = _changed_fields(team, values)
    if changed:
        team.full_clean()
        team.save()
    before = set(team.offerings.values_list("pk", flat=True))
    after = {offering.pk for offering in offerings}
    if before != after:
        team.offerings.set(offerings)
        changed.append("offerings")
    if changed:
        audit_record(actor=actor, action="team.updated", category=Category.WRITE, obj=team,
                     organisation=team.organisation, details={"fields": sorted(changed)})
    return team


def _check_membership(*, organisation: Organisation, role: str, team: Team | None) -> None:
    if role in TEAM_ROLES and team is None:
        raise ValidationError({"team": _("This role works in a team: please choose the team.")})
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": _("The team belongs to another organisation.")})
    if team is not None and not team.is_active:
        raise ValidationError({"team": _("The team is no longer active.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def staff_member_create(
    *, actor: User, organisation: Organisation, username: str, first_name: str, last_name: str, email: str,
    role: str, team: Team | None,
) -> tuple[User, str]:
    """Create an account with its first membership; returns the one-time password to hand over."""
    _check_membership(organisation=organisation, role=role, team=team)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.full_clean(exclude=["password"])
    user.save()
    password = temporary_password()
    user_set_password(actor=actor, user=user, password=password, must_change=True)
    membership = Membership.objects.create(user=user, organisation=organisation, team=team, role=role)
    audit_record(actor=actor, action="user.created", category=Category.WRITE, obj=user, organisation=organisation)
    audit_record(actor=actor, action="membership.created", category=Category.WRITE, obj=membership,
                 organisation=organisation, details={"role": role, "user": str(user.public_id)})
    return user, password


@transaction.atomic
def membership_create(*, actor: User, user: User, organisation: Organisation, role: str, team: Team | None) -> Membership:
    _check_membership(organisation=organisation, role=role, team=team)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, team=team, role=role, defaults={"is_active": True}
    )
    if not created and membership.is_active:
        raise ValidationError(_("The user already has this role in this team."))
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="membership.created", category=Category.WRITE, obj=membership,
                 organisation=organisation, details={"role": role, "user": str(user.public_id)})
    policy.forget(user)
    return membership


@transaction.atomic
def membership_update(*, actor: User, membership: Membership, role: str, team: Team | None,
                      is_active: bool) -> Membership:
    _check_membership(organisation=membership.organisation, role=role, team=team)
    if membership.user_id == actor.pk and membership.role == Role.ORG_ADMIN and (
        role != Role.ORG_ADMIN or not is_active
    ):
        raise ValidationError(_("You cannot remove your own administrator role."))
    clash = Membership.objects.filter(
        user_id=membership.user_id, organisation=membership.organisation, team=team, role=role
    ).exclude(pk=membership.pk)
    if clash.exists():
        raise ValidationError(_("The user already has this role in this team."))
    before = {"role": membership.role, "team": str(membership.team.public_id) if membership.team else None,
              "is_active": membership.is_active}
    changed = _changed_fields(membership, {"role": role, "team": team, "is_active": is_active})
    if changed:
        membership.save()
        after = {"role": role, "team": str(team.public_id) if team else None, "is_active": is_active}
        audit_record(actor=actor, action="membership.updated", category=Category.WRITE, obj=membership,
                     organisation=membership.organisation, details={"before": before, "after": after})
        policy.forget(membership.user)
    return membership


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    if user.pk == actor.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user.activated" if is_active else "user.deactivated",
                     category=Category.WRITE, obj=user)
    return user


@transaction.atomic
def offering_rules_update(*, actor: User, offering: ProgrammeOffering, rules: dict) -> ProgrammeOffering:
    """Store the programme's case-work rules (time limit, contact cadence, …); None restores the default."""
    from lotse.organisations.programme_settings import LIMITS

    locked = ProgrammeOffering.objects.select_for_update().get(pk=offering.pk)
    stored = dict(locked.settings) if isinstance(locked.settings, dict) else {}
    errors = {}
    for name, value in rules.items():
        if name not in LIMITS:
            errors[name] = _("Unknown setting.")
            continue
        low, high = LIMITS[name]
        if value is None:
            stored.pop(name, None)
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("Please enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        else:
            stored[name] = value
    low_value, high_value = stored.get("scale_min"), stored.get("scale_max")
    if low_value is not None and high_value is not None and high_value <= low_value:
        errors["scale_max"] = _("The highest value must be greater than the lowest.")
    if errors:
        raise ValidationError(errors)
    if stored != locked.settings:
        locked.settings = stored
        locked.save(update_fields=["settings"])
        audit_record(actor=actor, action="offering.rules_updated", category=Category.WRITE, obj=locked,
                     organisation=locked.organisation, details={"settings": stored})
    return locked
