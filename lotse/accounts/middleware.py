import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lotse.audit.services import audit_security

LAST_ACTIVITY_KEY = "lotse_last_activity"
# Writing the session on every request would cost a query each time; a minute of slack is harmless.
ACTIVITY_WRITE_INTERVAL = 60


def _is_exempt(path: str, prefixes: tuple[str, ...]) -> bool:
    return path.startswith(prefixes)


class InactivityLogoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(("/api/", "/static/")):
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            limit = settings.LOTSE_INACTIVITY_TIMEOUT_MINUTES * 60
            if isinstance(last, int) and now - last > limit:
                user = request.user
                logout(request)
                audit_security(actor=user, action="auth.logout_inactivity")
                messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                              % {"minutes": settings.LOTSE_INACTIVITY_TIMEOUT_MINUTES})
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if not isinstance(last, int) or now - last >= ACTIVITY_WRITE_INTERVAL:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in user's own language choice wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.language:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Password alone is not enough: every session must be verified with a second factor.

    Demo installations switch this off. API requests authenticate with tokens and are not affected.
    """

    EXEMPT_URL_NAMES = (
        "accounts:logout", "accounts:two_factor_verify", "accounts:two_factor_enrol",
        "accounts:two_factor_recovery", "core:set_language",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt_paths is None:
            self._exempt_paths = tuple(reverse(name) for name in self.EXEMPT_URL_NAMES) + (
                "/static/", "/api/", "/healthz",
            )
        return self._exempt_paths

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not settings.LOTSE_DEMO_MODE
            and not user.is_verified()
            and not _is_exempt(request.path, self.exempt_paths())
        ):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        if (
            user.is_authenticated
            and user.must_change_password
            and not _is_exempt(request.path, (*self.exempt_paths(), reverse("accounts:password_change")))
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
