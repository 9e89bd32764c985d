"""Builders for test data: two complete organisations so every test can check the foreign side too."""

import time
from dataclasses import dataclass, field

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts.models import User
from lotse.accounts.reauth import REAUTH_SESSION_KEY
from lotse.organisations.models import Membership, Organisation, ProgrammeOffering, Role, Team

PASSWORD = "Korrekt-Pferd-Batterie-42"

ROLE_TEAMS = {
    Role.COUNSELLOR: "team",
    Role.TEAM_LEAD: "team",
    Role.ACCOMMODATION: "accommodation_team",
    Role.COORDINATOR: None,
    Role.ORG_ADMIN: None,
}


def make_user(username: str, *, first_name: str = "", last_name: str = "", **extra) -> User:
    user = User.objects.create(username=username, first_name=first_name or username.title(),
                               last_name=last_name or "Test", **extra)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@dataclass
class OrgWorld:
    organisation: Organisation
    offering: ProgrammeOffering
    team: Team
    accommodation_team: Team
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


def make_org(key: str) -> OrgWorld:
    organisation = Organisation.objects.create(name=f"Organisation {key}", kind=Organisation.Kind.WELFARE)
    offering = ProgrammeOffering.objects.create(organisation=organisation, programme="mbe", name=f"MBE {key}")
    team = Team.objects.create(organisation=organisation, name=f"Team {key}")
    team.offerings.add(offering)
    accommodation_team = Team.objects.create(organisation=organisation, name=f"Unterkunft {key}")
    world = OrgWorld(organisation, offering, team, accommodation_team)
    for role, team_attr in ROLE_TEAMS.items():
        user = make_user(f"{key.lower()}-{role}", first_name=f"{role.title()}{key}", last_name=f"Nachname{key}")
        Membership.objects.create(user=user, organisation=organisation, role=role,
                                  team=getattr(world, team_attr) if team_attr else None)
        world.users[role] = user
    return world


def verified_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def login(client, user: User, *, reauthenticated: bool = True) -> None:
    """Log in as if the user had passed password and second factor (and recently re-authenticated)."""
    client.force_login(user)
    device = verified_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if reauthenticated:
        session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def german(text: str) -> str:
    """What a German user reads for the msgid ``text`` (from the compiled catalogue)."""
    from django.utils import translation

    with translation.override("de"):
        return translation.gettext(text)
