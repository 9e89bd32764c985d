from django.urls import path

from lotse.conferences import views

app_name = "conferences"

urlpatterns = [
    path("faelle/<uuid:public_id>/fallkonferenzen/", views.case_conference_list, name="case_conference_list"),
    path("faelle/<uuid:public_id>/fallkonferenzen/neu/", views.conference_create, name="conference_create"),
    path("fallkonferenzen/<uuid:public_id>/", views.conference_detail, name="conference_detail"),
    path("fallkonferenzen/<uuid:public_id>/bearbeiten/", views.conference_edit, name="conference_edit"),
    path("fallkonferenzen/<uuid:public_id>/teilnehmende/neu/", views.participant_add, name="participant_add"),
    path("fallkonferenzen/<uuid:public_id>/teilnehmende/<uuid:participant_id>/entfernen/",
         views.participant_remove, name="participant_remove"),
    path("fallkonferenzen/<uuid:public_id>/protokoll/", views.conference_minutes, name="conference_minutes"),
    path("fallkonferenzen/<uuid:public_id>/beschluesse/neu/", views.decision_create, name="decision_create"),
    path("fallkonferenzen/<uuid:public_id>/absagen/", views.conference_cancel, name="conference_cancel"),
    path("fallkonferenzen/<uuid:public_id>/zusammenfassung/", views.conference_summary, name="conference_summary"),
]
