from django.urls import path

from lotse.exports import views

app_name = "exports"

urlpatterns = [
    path("exporte/", views.export_list, name="export_list"),
    path("exporte/neu/", views.export_create, name="export_create"),
    path("exporte/<uuid:public_id>/", views.export_detail, name="export_detail"),
    path("exporte/<uuid:public_id>/herunterladen/", views.export_download, name="export_download"),
]
