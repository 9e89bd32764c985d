from django.urls import path

from lotse.helpermap import views

app_name = "helpermap"

urlpatterns = [
    path("faelle/<uuid:public_id>/helfersystem/", views.helper_map, name="helper_map"),
    path("faelle/<uuid:public_id>/helfersystem/neu/", views.entry_create, name="entry_create"),
    path("helfersystem/<uuid:public_id>/bearbeiten/", views.entry_edit, name="entry_edit"),
    path("helfersystem/<uuid:public_id>/beenden/", views.entry_end, name="entry_end"),
]
