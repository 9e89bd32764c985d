"""Security events that Django and django-axes announce by signal go into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lotse.audit.services import audit_security


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_security(actor=user, action="auth.login")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_security(actor=user, action="auth.logout")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_security(actor=None, action="auth.login_failed", actor_label=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_security(actor=None, action="auth.locked_out", actor_label=str(username or "")[:150],
                   details={"ip": ip_address})
