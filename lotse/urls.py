from django.urls import include, path

from lotse.api.api import api

urlpatterns = [
    path("", include("lotse.core.urls")),
    path("konto/", include("lotse.accounts.urls")),
    path("", include("lotse.organisations.urls")),
    path("", include("lotse.people.urls")),
    path("", include("lotse.consent.urls")),
    path("", include("lotse.cases.urls")),
    path("", include("lotse.contacts.urls")),
    path("", include("lotse.planning.urls")),
    path("", include("lotse.appointments.urls")),
    path("", include("lotse.network.urls")),
    path("", include("lotse.referrals.urls")),
    path("", include("lotse.conferences.urls")),
    path("", include("lotse.pools.urls")),
    path("", include("lotse.partnerreports.urls")),
    path("", include("lotse.cooperation.urls")),
    path("", include("lotse.helpermap.urls")),
    path("", include("lotse.reports.urls")),
    path("", include("lotse.reports.template_urls")),
    path("", include("lotse.cohorts.urls")),
    path("", include("lotse.exports.urls")),
    path("", include("lotse.intake.urls")),
    path("", include("lotse.documents.urls")),
    path("", include("lotse.privacy.urls")),
    path("protokoll/", include("lotse.audit.urls")),
    path("api/", api.urls),
]

handler400 = "lotse.core.views.error_400"
handler403 = "lotse.core.views.error_403"
handler404 = "lotse.core.views.error_404"
handler500 = "lotse.core.views.error_500"
