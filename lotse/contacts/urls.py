from django.urls import path

from lotse.contacts import views

app_name = "contacts"

urlpatterns = [
    path("faelle/<uuid:public_id>/kontakte/", views.contact_list, name="contact_list"),
    path("faelle/<uuid:public_id>/kontakte/neu/", views.contact_create, name="contact_create"),
    path("kontakte/<uuid:public_id>/", views.contact_detail, name="contact_detail"),
    path("kontakte/<uuid:public_id>/bearbeiten/", views.contact_edit, name="contact_edit"),
    path("kontakte/<uuid:public_id>/gespraechsprotokoll/", views.contact_document, name="contact_document"),
    path("themen/", views.topic_list, name="topic_list"),
    path("themen/neu/", views.topic_create, name="topic_create"),
    path("themen/<slug:code>/bearbeiten/", views.topic_edit, name="topic_edit"),
]
