from django.urls import path

from lotse.privacy import views

app_name = "privacy"

urlpatterns = [
    path("personen/<uuid:public_id>/auskunft/", views.person_export, name="person_export"),
    path("personen/<uuid:public_id>/berichtigung/", views.person_correction, name="person_correction"),
    path("personen/<uuid:public_id>/einschraenkung/", views.person_restriction, name="person_restriction"),
    path("personen/<uuid:public_id>/loeschen/", views.person_erase, name="person_erase"),
]
