import re
import secrets
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from lotse.core.services import submission_claim, submission_release


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
_current_request: ContextVar[HttpRequest | None] = ContextVar("lotse_current_request", default=None)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def mark_form_invalid(request: HttpRequest | None = None) -> None:
    """Called by ``{% form_invalid %}``; forms rendered by the form renderer have no request in their context."""
    request = request or _current_request.get()
    if request is not None:
        request.lotse_form_invalid = True


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
            submission_release(token=claimed)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.path.startswith("/api/"):
            return None
        token = request.POST.get(FORM_TOKEN_FIELD)
        if token is None:
            return None
        if not FORM_TOKEN_PATTERN.fullmatch(token):
            return render(request, "400.html", status=400)
        if not submission_claim(token=token):
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
