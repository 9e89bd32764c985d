from django.urls import path

from lotse.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("zielgruppen/", views.cohort_list, name="cohort_list"),
    path("zielgruppen/neu/", views.cohort_create, name="cohort_create"),
    path("zielgruppen/<uuid:public_id>/", views.cohort_detail, name="cohort_detail"),
    path("zielgruppen/<uuid:public_id>/bearbeiten/", views.cohort_edit, name="cohort_edit"),
    path("zielgruppen/<uuid:public_id>/loeschen/", views.cohort_delete, name="cohort_delete"),
]
