from django.urls import path

from lotse.consent import views

app_name = "consent"

urlpatterns = [
    path("personen/<uuid:public_id>/einwilligungen/", views.person_consents, name="person_consents"),
    path("personen/<uuid:public_id>/einwilligungen/neu/", views.consent_create, name="consent_create"),
    path("personen/<uuid:public_id>/freigaben/neu/", views.release_create, name="release_create"),
    path("einwilligungen/<uuid:public_id>/widerruf/", views.consent_withdraw, name="consent_withdraw"),
    path("freigaben/<uuid:public_id>/widerruf/", views.release_revoke, name="release_revoke"),
]
