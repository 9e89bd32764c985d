from django.urls import path

from lotse.reports import template_views as views

app_name = "report_templates"

urlpatterns = [
    path("statistik/vorlagen/", views.template_list, name="list"),
    path("statistik/vorlagen/<uuid:public_id>/", views.template_detail, name="detail"),
    path("statistik/vorlagen/<uuid:public_id>/bearbeiten/", views.template_edit, name="edit"),
    path("statistik/vorlagen/<uuid:public_id>/kopieren/", views.template_copy, name="copy"),
    path("statistik/vorlagen/<uuid:public_id>/deaktivieren/", views.template_deactivate, name="deactivate"),
    path("statistik/vorlagen/<uuid:public_id>/aktivieren/", views.template_activate, name="activate"),
]
