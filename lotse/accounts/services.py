"""Every write to accounts: passwords, second factor, recovery codes, API tokens, preferences."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts.models import ApiToken, RecoveryCode, User, hash_secret
from lotse.audit.models import Category
from lotse.audit.services import audit_record, audit_security

RECOVERY_CODE_COUNT = 10


def _recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch in "0123456789abcdef")
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else ""


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="user.language_changed", category=Category.WRITE, obj=user,
                     details={"language": language})


@transaction.atomic
def user_update_profile(*, actor: User, user: User, first_name: str, last_name: str, email: str,
                        language: str) -> User:
    changed = {}
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email),
                        ("language", language)):
        if getattr(user, name) != value:
            changed[name] = value
            setattr(user, name, value)
    if changed:
        user.save(update_fields=list(changed))
        audit_record(actor=actor, action="user.updated", category=Category.WRITE, obj=user,
                     details={"fields": sorted(changed)})
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, must_change: bool = False) -> None:
    user.set_password(password)
    user.must_change_password = must_change
    user.save(update_fields=["password", "must_change_password"])
    audit_security(actor=actor, action="auth.password_changed" if actor == user else "auth.password_reset",
                   details={"user": str(user.public_id)})


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator; replaces an earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm enrolment with a first code; returns the new recovery codes, or None if the code is wrong."""
    if not device.verify_token(token):
        audit_security(actor=user, action="auth.second_factor_enrol_failed")
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_security(actor=user, action="auth.second_factor_enrolled")
    return _recovery_codes_replace(user=user)


def _recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=hash_secret(code)) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    codes = _recovery_codes_replace(user=user)
    audit_security(actor=user, action="auth.recovery_codes_regenerated")
    return codes


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> bool:
    normalised = normalise_recovery_code(code)
    if not normalised:
        return False
    updated = RecoveryCode.objects.filter(
        user=user, code_hash=hash_secret(normalised), used_at__isnull=True
    ).update(used_at=timezone.now())
    if updated:
        audit_security(actor=user, action="auth.recovery_code_used")
    return bool(updated)


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """An administrator removes a lost authenticator; the user must enrol again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_security(actor=actor, action="auth.second_factor_reset", details={"user": str(user.public_id)})


@transaction.atomic
def api_token_create(*, actor: User, name: str, valid_days: int) -> tuple[ApiToken, str]:
    """Returns the token and its secret text, which is shown once and never stored."""
    valid_days = max(1, min(valid_days, settings.LOTSE_API_TOKEN_MAX_DAYS))
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=prefix, key_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=valid_days),
    )
    audit_security(actor=actor, action="api_token.created", details={"token": str(token.public_id)})
    return token, f"lotse_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_security(actor=actor, action="api_token.revoked", details={"token": str(token.public_id)})


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token behind a bearer string, with its user, or None. Records when the token was last used
    (at most hourly)."""
    try:
        scheme, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if scheme != "lotse" or not prefix or not secret:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.key_hash, hash_secret(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
