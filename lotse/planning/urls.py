from django.urls import path

from lotse.planning import views

app_name = "planning"

urlpatterns = [
    path("faelle/<uuid:public_id>/einschaetzungen/", views.assessment_list, name="assessment_list"),
    path("faelle/<uuid:public_id>/einschaetzungen/neu/", views.assessment_create, name="assessment_create"),
    path("einschaetzungen/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("einschaetzungen/<uuid:public_id>/bearbeiten/", views.assessment_edit, name="assessment_edit"),
    path("faelle/<uuid:public_id>/integrationsplan/", views.plan_detail, name="plan_detail"),
    path("faelle/<uuid:public_id>/integrationsplan/ueberpruefung/", views.plan_review, name="plan_review"),
    path("faelle/<uuid:public_id>/integrationsplan/ziele/neu/", views.goal_create, name="goal_create"),
    path("faelle/<uuid:public_id>/integrationsplan/versionen/", views.plan_versions, name="plan_versions"),
    path("faelle/<uuid:public_id>/integrationsplan/vergleich/", views.plan_compare, name="plan_compare"),
    path("ziele/<uuid:public_id>/bearbeiten/", views.goal_edit, name="goal_edit"),
    path("ziele/<uuid:public_id>/schritte/neu/", views.step_create, name="step_create"),
    path("schritte/<uuid:public_id>/bearbeiten/", views.step_edit, name="step_edit"),
    path("faelle/<uuid:public_id>/zielvereinbarungen/neu/", views.agreement_create, name="agreement_create"),
    path("zielvereinbarungen/<uuid:public_id>/", views.agreement_sign, name="agreement_sign"),
    path("zielvereinbarungen/<uuid:public_id>/pdf/", views.agreement_document, name="agreement_document"),
]
