from django.urls import path

from lotse.organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisationen/", views.organisation_list, name="organisation_list"),
    path("organisationen/neu/", views.organisation_create, name="organisation_create"),
    path("organisationen/<uuid:public_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisationen/<uuid:public_id>/bearbeiten/", views.organisation_edit, name="organisation_edit"),
    path("organisationen/<uuid:public_id>/programme/neu/", views.offering_create, name="offering_create"),
    path("organisationen/<uuid:public_id>/teams/neu/", views.team_create, name="team_create"),
    path("organisationen/<uuid:public_id>/mitarbeitende/neu/", views.staff_create, name="staff_create"),
    path("programme/<uuid:public_id>/bearbeiten/", views.offering_edit, name="offering_edit"),
    path("programme/<uuid:public_id>/regeln/", views.offering_rules, name="offering_rules"),
    path("teams/<uuid:public_id>/", views.team_detail, name="team_detail"),
    path("teams/<uuid:public_id>/bearbeiten/", views.team_edit, name="team_edit"),
    path("mitarbeitende/", views.staff_list, name="staff_list"),
    path("mitarbeitende/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
    path("mitarbeitende/<uuid:public_id>/aktiv/", views.staff_set_active, name="staff_set_active"),
    path("mitarbeitende/<uuid:public_id>/passwort/", views.staff_password_reset, name="staff_password_reset"),
    path("mitarbeitende/<uuid:public_id>/zwei-faktor/", views.staff_second_factor_reset,
         name="staff_second_factor_reset"),
    path("mitarbeitende/<uuid:public_id>/rollen/<uuid:organisation_id>/neu/", views.membership_create,
         name="membership_create"),
    path("rollen/<uuid:public_id>/bearbeiten/", views.membership_edit, name="membership_edit"),
]
