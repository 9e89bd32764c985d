from django.urls import path

from lotse.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("netzwerk/", views.agreement_list, name="agreement_list"),
    path("netzwerk/kooperationen/neu/", views.agreement_create, name="agreement_create"),
    path("netzwerk/kooperationen/<uuid:public_id>/", views.agreement_detail, name="agreement_detail"),
    path("netzwerk/kooperationen/<uuid:public_id>/bearbeiten/", views.agreement_edit, name="agreement_edit"),
    path("netzwerk/kooperationen/<uuid:public_id>/ueberprueft/", views.agreement_review,
         name="agreement_review"),
    path("netzwerk/kooperationen/<uuid:public_id>/dokument/", views.agreement_document_upload,
         name="agreement_document_upload"),
    path("netzwerk/kooperationen/<uuid:public_id>/dokument/herunterladen/", views.agreement_document,
         name="agreement_document"),
    path("netzwerk/veranstaltungen/", views.event_list, name="event_list"),
    path("netzwerk/veranstaltungen/neu/", views.event_create, name="event_create"),
    path("netzwerk/veranstaltungen/<uuid:public_id>/bearbeiten/", views.event_edit, name="event_edit"),
    path("netzwerk/veranstaltungen/<uuid:public_id>/loeschen/", views.event_delete, name="event_delete"),
    path("netzwerk/kennzahlen/", views.indicators, name="indicators"),
]
