from django.urls import path

from lotse.cases import views

app_name = "cases"

urlpatterns = [
    path("arbeitsliste/", views.worklist, name="worklist"),
    path("faelle/", views.case_list, name="case_list"),
    path("personen/<uuid:public_id>/faelle/neu/", views.case_request, name="case_request"),
    path("teams/<uuid:public_id>/warteliste/", views.waiting_list, name="waiting_list"),
    path("faelle/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("faelle/<uuid:public_id>/aufnehmen/", views.case_admit, name="case_admit"),
    path("faelle/<uuid:public_id>/bearbeiten/", views.case_edit, name="case_edit"),
    path("faelle/<uuid:public_id>/phase/", views.case_phase, name="case_phase"),
    path("faelle/<uuid:public_id>/personen/neu/", views.case_member_add, name="case_member_add"),
    path("faelle/<uuid:public_id>/personen/<uuid:member_id>/beenden/", views.case_member_end,
         name="case_member_end"),
    path("faelle/<uuid:public_id>/aufgaben/neu/", views.task_create, name="task_create"),
    path("aufgaben/<uuid:public_id>/status/", views.task_status, name="task_status"),
    path("faelle/<uuid:public_id>/abschliessen/", views.case_close, name="case_close"),
    path("faelle/<uuid:public_id>/wiederaufnehmen/", views.case_reopen, name="case_reopen"),
    path("abschluesse/<uuid:public_id>/nachhaltigkeit/", views.follow_up, name="follow_up"),
]
