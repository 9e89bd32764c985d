from django.conf import settings

from lotse.access import policy
from lotse.accounts.models import ApiToken, RecoveryCode

DEMO_USERNAMES = ("berater", "teamleitung", "koordination", "unterkunft", "orgadmin", "sysadmin", "jmd-berater",
                  "sim-beraterin")


def demo_logins() -> list[dict]:
    """Demo accounts to show on the login page, only in demo mode."""
    if not settings.LOTSE_DEMO_MODE:
        return []
    from lotse.core.demo import DEMO_PASSWORD, DEMO_USERS

    return [{"username": spec["username"], "password": DEMO_PASSWORD, "description": spec["description"]}
            for spec in DEMO_USERS]


def recovery_codes_left(*, user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def api_token_list(*, actor):
    return policy.scope(actor, ApiToken.objects.all())


def api_token_get(*, actor, public_id) -> ApiToken:
    return policy.get_or_404(actor, ApiToken.objects.all(), public_id=public_id)


def confirmed_device(*, user):
    """The user's active authenticator (TOTP device), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(*, user, pk):
    """The unconfirmed authenticator being enrolled in this session, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=pk).first()
