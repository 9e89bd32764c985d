from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lotse.access import policy
from lotse.accounts.services import user_set_language
from lotse.consent.selectors import releases_expiring
from lotse.organisations.selectors import aggregate_figures


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@require_GET
def home(request):
    user = request.user
    context = {
        "active_nav": "home",
        "sees_personal_data": policy.may_see_personal_data(user),
        "is_coordinator_only": not policy.may_see_personal_data(user) and policy.may_see_aggregates(user),
    }
    if policy.may_see_aggregates(user):
        context["figures"] = aggregate_figures(actor=user)
    if policy.client_team_ids(user):
        context["expiring_releases"] = list(releases_expiring(actor=user)[:20])
    if policy.casework_team_ids(user):
        from lotse.cases.selectors import worklist_counts

        context["worklist_counts"] = worklist_counts(actor=user)
    return render(request, "core/home.html", context)


@login_not_required
@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    next_url = safe_next(request, "/")
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
        )
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For the load balancer: is the database reachable? Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)


def error_404(request, exception=None):
    return render(request, "404.html", {"message": _("Not found or not accessible.")}, status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_500(request):
    """Rendered without request context: no context processor may touch the session or the database, which may
    be what failed."""
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
