from django.urls import path

from lotse.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sprache/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]
