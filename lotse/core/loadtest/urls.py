"""URLs of the benchmark server: all of Lotse plus two trivial views that measure the server's ceiling."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from lotse.urls import handler400, handler403, handler404, handler500, urlpatterns as lotse_urlpatterns  # noqa: F401


def trivial(request):
    """Nothing but the middleware every page passes: session, login, second factor, audit context, CSP."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def trivial_anonymous(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/trivial-anonymous/", trivial_anonymous),
    *lotse_urlpatterns,
]
