from django.urls import path

from lotse.partnerreports import views

app_name = "partnerreports"

urlpatterns = [
    path("partner/<uuid:public_id>/meldelinks/", views.link_list, name="link_list"),
    path("meldelinks/<uuid:public_id>/widerrufen/", views.link_revoke, name="link_revoke"),
    path("partnermeldungen/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("meldung/<str:token>/", views.report_form, name="report_form"),
    path("meldung/<str:token>/danke/", views.report_thanks, name="report_thanks"),
]
