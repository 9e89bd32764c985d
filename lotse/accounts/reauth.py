"""Re-authentication before sensitive actions (exports, erasure, role changes)."""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

REAUTH_SESSION_KEY = "lotse_reauth_at"


def mark_reauthenticated(request) -> None:
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def recently_reauthenticated(request) -> bool:
    at = request.session.get(REAUTH_SESSION_KEY)
    return isinstance(at, int) and time.time() - at <= settings.LOTSE_REAUTH_VALID_MINUTES * 60


def reauth_required(view):
    """Ask for the password (and second factor) again unless confirmed within the last minutes.

    A POST that arrives without a fresh confirmation is not executed; the user confirms and
    is sent back to the form, which they submit again.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            target = request.get_full_path() if request.method == "GET" else request.META.get(
                "HTTP_REFERER", request.get_full_path()
            )
            return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    wrapper.reauth_required = True
    return wrapper
