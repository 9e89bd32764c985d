from django.urls import path

from lotse.documents import views

app_name = "documents"

urlpatterns = [
    path("personen/<uuid:public_id>/dokumente/<slug:kind>/", views.person_document, name="person_document"),
    path("freigaben/<uuid:public_id>/dokument/", views.release_document, name="release_document"),
]
