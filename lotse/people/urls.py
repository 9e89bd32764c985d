from django.urls import path

from lotse.people import views

app_name = "people"

urlpatterns = [
    path("personen/", views.person_list, name="person_list"),
    path("personen/neu/", views.person_create, name="person_create"),
    path("personen/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("personen/<uuid:public_id>/bearbeiten/", views.person_edit, name="person_edit"),
    path("personen/<uuid:public_id>/dubletten/", views.person_duplicates, name="person_duplicates"),
    path("personen/<uuid:public_id>/dubletten/<uuid:other_id>/verschieden/", views.duplicate_dismiss,
         name="duplicate_dismiss"),
    path("personen/<uuid:public_id>/zusammenfuehren/<uuid:other_id>/", views.person_merge, name="person_merge"),
    path("personen/<uuid:public_id>/namen/neu/", views.person_name_add, name="person_name_add"),
    path("personen/<uuid:public_id>/aufenthalt/neu/", views.residence_status_add, name="residence_status_add"),
    path("personen/<uuid:public_id>/sprachen/neu/", views.language_add, name="language_add"),
    path("personen/<uuid:public_id>/lebenslage/neu/", views.life_situation_add, name="life_situation_add"),
    path("personen/<uuid:public_id>/familie/neu/", views.relationship_add, name="relationship_add"),
    path("personen/<uuid:public_id>/haushalt/neu/", views.household_create, name="household_create"),
    path("haushalte/<uuid:public_id>/", views.household_detail, name="household_detail"),
    path("kataloge/aufenthaltsstatus/", views.status_type_list, name="status_type_list"),
    path("kataloge/aufenthaltsstatus/neu/", views.status_type_edit, name="status_type_create"),
    path("kataloge/aufenthaltsstatus/<slug:code>/", views.status_type_edit, name="status_type_edit"),
    path("haushalte/<uuid:public_id>/mitglieder/neu/", views.household_member_add, name="household_member_add"),
]
