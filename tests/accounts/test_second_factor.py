import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.accounts.middleware import LAST_ACTIVITY_KEY
from lotse.accounts.models import RecoveryCode
from lotse.accounts.reauth import REAUTH_SESSION_KEY
from lotse.audit.models import AuditEvent
from tests.factories import PASSWORD, current_code, login, make_user, verified_device

pytestmark = pytest.mark.django_db


def _password_login(client, user):
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def test_enrolment_shows_qr_code_and_activates_with_a_valid_code(client, django_assert_max_num_queries):
    user = make_user("mara")
    _password_login(client, user)
    page = client.get(reverse("accounts:two_factor_enrol"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    bad = client.post(reverse("accounts:two_factor_enrol"), {"token": "12ab56"})
    assert 'class="kern-error"' in bad.content.decode()
    done = client.post(reverse("accounts:two_factor_enrol"), {"token": current_code(device)})
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists(), "codes are stored hashed"
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="auth.second_factor_enrolled").exists()


def test_recovery_code_works_exactly_once(client):
    user = make_user("mara")
    device = verified_device(user)
    _password_login(client, user)
    from lotse.accounts.services import recovery_codes_regenerate

    codes = recovery_codes_regenerate(user=user)
    used = client.post(reverse("accounts:two_factor_recovery"), {"code": codes[0].upper().replace("-", " ")})
    assert used.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    _password_login(client, user)
    again = client.post(reverse("accounts:two_factor_recovery"), {"code": codes[0]})
    assert again.status_code == 422 and 'class="kern-error"' in again.content.decode()
    assert device.confirmed


@pytest.mark.parametrize("code", ["", "x" * 500, "'; DROP TABLE x; --", "zzzzz-zzzzz"])
def test_bad_recovery_codes_are_refused_with_a_message(client, code):
    user = make_user("mara")
    verified_device(user)
    _password_login(client, user)
    response = client.post(reverse("accounts:two_factor_recovery"), {"code": code})
    assert response.status_code == 422
    assert 'class="kern-error"' in response.content.decode()


def test_inactivity_logs_out(client, settings):
    user = make_user("mara")
    login(client, user)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - settings.LOTSE_INACTIVITY_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="auth.logout_inactivity").exists()


def test_activity_within_the_limit_keeps_the_session(client):
    user = make_user("mara")
    login(client, user)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 60
    session.save()
    assert client.get("/").status_code == 200


def test_sensitive_action_requires_fresh_reauthentication(client, org_a):
    admin = org_a.user("org_admin")
    membership = org_a.user("counsellor").memberships.get()
    login(client, admin, reauthenticated=False)
    url = reverse("organisations:membership_edit", args=[membership.public_id])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    wrong = client.post(reverse("accounts:reauth"), {"password": "falsch", "token": "123456", "next": url})
    assert wrong.status_code == 422 and "Das Passwort ist nicht korrekt." in wrong.content.decode()
    device = verified_device(admin)
    right = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "token": current_code(device), "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200
    assert REAUTH_SESSION_KEY in client.session


def test_post_without_reauthentication_changes_nothing(client, org_a):
    admin = org_a.user("org_admin")
    member = org_a.user("counsellor")
    login(client, admin, reauthenticated=False)
    response = client.post(reverse("organisations:staff_set_active", args=[member.public_id]), {"active": "0"})
    assert response.status_code == 302 and reverse("accounts:reauth") in response["Location"]
    member.refresh_from_db()
    assert member.is_active


def test_language_switch_is_remembered_per_user(client):
    user = make_user("mara")
    login(client, user)
    assert "Mein Konto" in client.get("/").content.decode()
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html and "My account" in html
    bogus = client.post(reverse("core:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert bogus["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "en"
