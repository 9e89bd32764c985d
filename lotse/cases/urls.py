from django.urls import path

from lotse.cases import views

app_name = "cases"

urlpatterns = [
    path("personen/<uuid:public_id>/faelle/neu/", views.case_request, name="case_request"),
    path("teams/<uuid:public_id>/warteliste/", views.waiting_list, name="waiting_list"),
    path("faelle/<uuid:public_id>/aufnehmen/", views.case_admit, name="case_admit"),
]
