from django.urls import path

from lotse.network import views

app_name = "network"

urlpatterns = [
    path("partner/", views.partner_list, name="partner_list"),
    path("partner/neu/", views.partner_create, name="partner_create"),
    path("partner/import/", views.partner_import, name="partner_import"),
    path("partner/import/vorschau/", views.partner_import_preview, name="partner_import_preview"),
    path("partner/export.csv", views.partner_export_csv, name="partner_export_csv"),
    path("partner/export.xlsx", views.partner_export_xlsx, name="partner_export_xlsx"),
    path("partner/<uuid:public_id>/", views.partner_detail, name="partner_detail"),
    path("partner/<uuid:public_id>/bearbeiten/", views.partner_edit, name="partner_edit"),
    path("partner/<uuid:public_id>/status/", views.partner_set_active, name="partner_set_active"),
    path("partner/<uuid:public_id>/programme/", views.partner_programmes, name="partner_programmes"),
    path("partner/<uuid:public_id>/leistungen/neu/", views.service_create, name="partner_service_create"),
    path("partner/leistungen/<uuid:public_id>/bearbeiten/", views.service_edit, name="partner_service_edit"),
    path("partner/<uuid:public_id>/ansprechpersonen/neu/", views.contact_create,
         name="partner_contact_create"),
    path("partner/ansprechpersonen/<uuid:public_id>/bearbeiten/", views.contact_edit,
         name="partner_contact_edit"),
]
