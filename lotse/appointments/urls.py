from django.urls import path

from lotse.appointments import views

app_name = "appointments"

urlpatterns = [
    path("termine/", views.appointment_list, name="appointment_list"),
    path("termine/woche/", views.appointment_week, name="appointment_week"),
    path("termine/neu/", views.appointment_create, name="appointment_create"),
    path("termine/sprechstunden/", views.office_hours, name="office_hours"),
    path("termine/sprechstunden/neu/", views.office_hour_create, name="office_hour_create"),
    path("termine/sprechstunden/<uuid:public_id>/bearbeiten/", views.office_hour_edit, name="office_hour_edit"),
    path("termine/sprechstunden/<uuid:public_id>/beenden/", views.office_hour_end, name="office_hour_end"),
    path("termine/kalender/", views.calendar_settings, name="calendar_settings"),
    path("termine/<uuid:public_id>/", views.appointment_detail, name="appointment_detail"),
    path("termine/<uuid:public_id>/bearbeiten/", views.appointment_edit, name="appointment_edit"),
    path("termine/<uuid:public_id>/status/", views.appointment_status, name="appointment_status"),
    path("termine/<uuid:public_id>/terminbrief/", views.appointment_letter, name="appointment_letter"),
    path("faelle/<uuid:public_id>/termine/", views.case_appointment_list, name="case_appointment_list"),
    path("faelle/<uuid:public_id>/termine/neu/", views.case_appointment_create, name="case_appointment_create"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
