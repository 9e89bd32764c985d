import re
import secrets
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from lotse.core.models import FormSubmission


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


class LotseLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless marked ``login_not_required``; the API checks its own tokens."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return super().handle_no_permission(request, view_func)


FORM_TOKEN_FIELD = "form_token"
FORM_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Sessions end after 12 hours at most, so a form older than a day can no longer be sent anyway.
FORM_TOKEN_RETENTION = timedelta(days=1)
FORM_TOKEN_PURGE_ONE_IN = 100
_current_request: ContextVar[HttpRequest | None] = ContextVar("lotse_current_request", default=None)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def mark_form_invalid(request: HttpRequest | None = None) -> None:
    """Called by ``{% form_invalid %}``; forms rendered by the form renderer have no request in their context."""
    request = request or _current_request.get()
    if request is not None:
        request.lotse_form_invalid = True


def form_token_claim(token: str) -> bool:
    """True if this call claimed ``token``; False if another request already had.

    One INSERT that does nothing on conflict, committed at once (autocommit; the view's transaction has not
    begun): of two concurrent submissions the database lets exactly one through, and no lock is held while the
    view runs.
    """
    table = connection.ops.quote_name(FormSubmission._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (token, claimed_at) VALUES (%s, %s) ON CONFLICT (token) DO NOTHING",
                       [token, connection.ops.adapt_datetimefield_value(now)])
        claimed = cursor.rowcount == 1
    if claimed and secrets.randbelow(FORM_TOKEN_PURGE_ONE_IN) == 0:
        form_tokens_purge(now=now)
    return claimed


def form_token_release(token: str) -> None:
    FormSubmission.objects.filter(token=token).delete()


def form_tokens_purge(*, now=None) -> int:
    return FormSubmission.objects.filter(claimed_at__lt=(now or timezone.now()) - FORM_TOKEN_RETENTION).delete()[0]


class FormGuardMiddleware:
    """Invalid form submissions answer 422; a form sent twice is refused with 409 the second time.

    422: every error summary and field error in the templates calls ``{% form_invalid %}``, which marks the
    request; a POST answered with 200 that shows such an error becomes 422 (htmx is configured to swap it).

    409: ``{% form_guard %}`` puts a random one-time token into the form. The token is claimed before the view
    runs (``process_view``, so only after CSRF, login and second-factor checks have let the request through);
    if it was claimed before, the view is not called. POSTs without a token pass unchanged (the API, forms
    marked ``repeatable``). A token is released again when the view answers 4xx or 5xx: such an answer stored
    nothing, so the user may go back and send the same page again. (The re-rendered form carries a fresh token
    anyway.) Only a successful answer (2xx, 3xx) keeps the token claimed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context_token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(context_token)
        if request.method != "POST":
            return response
        if response.status_code == 200 and getattr(request, "lotse_form_invalid", False):
            response.status_code = 422
        claimed = getattr(request, "lotse_form_token", None)
        if claimed and response.status_code >= 400:
            form_token_release(claimed)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.path.startswith("/api/"):
            return None
        token = request.POST.get(FORM_TOKEN_FIELD)
        if token is None:
            return None
        if not FORM_TOKEN_PATTERN.fullmatch(token):
            return render(request, "400.html", status=400)
        if not form_token_claim(token):
            return render(request, "core/form_already_sent.html", {"back_url": self._back_url(request)}, status=409)
        request.lotse_form_token = token
        return None

    @staticmethod
    def _back_url(request) -> str:
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return referer
        return resolve_url("core:home")
