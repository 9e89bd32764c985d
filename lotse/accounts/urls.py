from django.urls import path

from lotse.accounts import views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.login_view, name="login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("zwei-faktor/", views.two_factor_verify, name="two_factor_verify"),
    path("zwei-faktor/einrichten/", views.two_factor_enrol, name="two_factor_enrol"),
    path("zwei-faktor/wiederherstellung/", views.two_factor_recovery, name="two_factor_recovery"),
    path("zwei-faktor/codes/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("bestaetigen/", views.reauth, name="reauth"),
    path("passwort/", views.password_change, name="password_change"),
    path("", views.account, name="account"),
    path("tokens/neu/", views.api_token_create, name="api_token_create"),
    path("tokens/<uuid:public_id>/widerrufen/", views.api_token_revoke, name="api_token_revoke"),
]
