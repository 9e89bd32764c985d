from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from lotse.accounts import selectors, services
from lotse.accounts.forms import ApiTokenForm, LoginForm, OneTimeCodeForm, ProfileForm, ReauthForm, RecoveryCodeForm
from lotse.accounts.reauth import mark_reauthenticated, reauth_required, recently_reauthenticated
from lotse.audit.services import audit_security
from lotse.core.views import safe_next

ENROL_SESSION_KEY = "lotse_enrol_device"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_logins"] = selectors.demo_logins()
        return context


login_view = login_not_required(LoginView.as_view())


class LogoutView(auth_views.LogoutView):
    pass


logout_view = login_not_required(LogoutView.as_view())


@login_not_required
def lockout_response(request, response=None, credentials=None):
    return render(request, "accounts/locked_out.html", status=429)


def _finish_second_factor(request, device):
    otp_login(request, device)
    mark_reauthenticated(request)
    return redirect(safe_next(request, "/"))


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    device = selectors.confirmed_device(user=request.user)
    if device is None:
        return redirect("accounts:two_factor_enrol")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            audit_security(actor=request.user, action="auth.second_factor_verified")
            return _finish_second_factor(request, device)
        audit_security(actor=request.user, action="auth.second_factor_failed")
        form.add_error("token", _("The code is not correct or has expired. Please try again.") if allowed else
                       _("Too many wrong codes. Please wait a few seconds before trying again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def two_factor_recovery(request):
    device = selectors.confirmed_device(user=request.user)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device is not None and services.recovery_code_use(user=request.user, code=form.cleaned_data["code"]):
            messages.warning(request, _("You signed in with a recovery code. Each code works only once; "
                                        "consider creating new codes in your account."))
            return _finish_second_factor(request, device)
        audit_security(actor=request.user, action="auth.recovery_code_failed")
        form.add_error("code", _("This recovery code is not valid or was already used."))
    return render(request, "accounts/two_factor_recovery.html", {"form": form, "next": safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app. Also used to replace one, after re-authentication."""
    has_device = selectors.confirmed_device(user=request.user) is not None
    if has_device and request.user.is_verified() is False:
        return redirect("accounts:two_factor_verify")
    if has_device and not recently_reauthenticated(request):
        return reauth_required(two_factor_enrol)(request)
    device = selectors.pending_device(user=request.user, pk=request.session.get(ENROL_SESSION_KEY))
    if device is None:
        device = services.totp_device_start(user=request.user)
        request.session[ENROL_SESSION_KEY] = device.pk
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            request.session.pop(ENROL_SESSION_KEY, None)
            otp_login(request, device)
            mark_reauthenticated(request)
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "next": safe_next(request, "/"), "first_time": True})
        form.add_error("token", _("The code is not correct. Check that the time on your phone is right "
                                  "and enter the current code."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                                 omitsize=False)
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "qr_svg": qr_svg, "secret": _base32(device), "next": safe_next(request, ""),
    })


def _base32(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@require_POST
@reauth_required
def recovery_codes_regenerate(request):
    codes = services.recovery_codes_regenerate(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/", "first_time": False})


@require_http_methods(["GET", "POST"])
def reauth(request):
    needs_token = selectors.confirmed_device(user=request.user) is not None
    form = ReauthForm(request.POST or None, request=request, needs_token=needs_token)
    if request.method == "POST" and form.is_valid():
        mark_reauthenticated(request)
        audit_security(actor=request.user, action="auth.reauthenticated")
        return redirect(safe_next(request, "/"))
    return render(request, "accounts/reauth.html", {"form": form, "next": safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form, "active_nav": "account"})


@require_http_methods(["GET", "POST"])
def account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor=request.user, user=request.user, **{
            name: form.cleaned_data[name] for name in ("first_name", "last_name", "email", "language")
        })
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts:account")
    if request.method == "POST":
        request.user.refresh_from_db()
    return render(request, "accounts/account.html", {
        "form": form,
        "active_nav": "account",
        "has_device": selectors.confirmed_device(user=request.user) is not None,
        "recovery_codes_left": selectors.recovery_codes_left(user=request.user),
        "tokens": selectors.api_token_list(actor=request.user),
        "token_form": ApiTokenForm(),
    })


@require_http_methods(["GET", "POST"])
@reauth_required
def api_token_create(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.api_token_create(actor=request.user, name=form.cleaned_data["name"],
                                                  valid_days=form.cleaned_data["valid_days"])
        return render(request, "accounts/api_token_created.html", {"token": token, "secret": secret,
                                                                    "active_nav": "account"})
    return render(request, "accounts/api_token_form.html", {"form": form, "active_nav": "account"})


@require_POST
def api_token_revoke(request, public_id):
    token = selectors.api_token_get(actor=request.user, public_id=public_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked. Programs using it no longer have access."))
    return redirect("accounts:account")
