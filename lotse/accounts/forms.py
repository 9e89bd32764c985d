from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lotse.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OneTimeCodeForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*[0-9]{3}\s?[0-9]{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Please enter the six digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(label=_("Recovery code"), max_length=20, help_text=_("Format: abcde-12345"),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ReauthForm(forms.Form):
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    token = forms.CharField(label=_("Six-digit code from your authenticator app"), required=False, max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def __init__(self, *args, request, needs_token: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.needs_token = needs_token
        if needs_token:
            self.fields["token"].required = True
        else:
            del self.fields["token"]

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password is None:
            return cleaned
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError(_("The password is not correct."))
        if self.needs_token:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            token = (cleaned.get("token") or "").replace(" ", "")
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None or not token.isdigit() or not device.verify_token(token):
                self.add_error("token", _("The code is not correct or has expired."))
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]
        labels = {"first_name": _("First name"), "last_name": _("Last name"), "email": _("E-mail"),
                  "language": _("Language")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token"), max_length=100,
                           help_text=_("For example the program that uses it."))
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1,
                                    max_value=settings.LOTSE_API_TOKEN_MAX_DAYS, initial=90)
