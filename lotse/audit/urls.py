from django.urls import path

from lotse.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("akte/<str:object_type>/<uuid:public_id>/", views.record_log, name="record_log"),
]
