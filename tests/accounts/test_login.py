import pytest
from django.urls import reverse

from lotse.audit.models import AuditEvent
from tests.factories import PASSWORD, current_code, make_user, verified_device

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _post(client, username, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_german_and_labelled(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de"' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "Anmelden" in html


@pytest.mark.parametrize("data", [{}, {"username": ""}, {"username": "x" * 5000, "password": "y" * 5000},
                                  {"username": "\u202eadmin", "password": "\x00"}])
def test_bad_login_input_gives_a_german_message(client, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="kern-alert kern-alert--danger" role="alert"' in html
    assert any(message in html for message in (
        "Dieses Feld ist zwingend erforderlich.", "Nullzeichen sind nicht erlaubt.", "höchstens 150 Zeichen",
        "Beide Felder berücksichtigen die Groß-/Kleinschreibung"))


def test_wrong_password_is_refused_and_audited(client):
    user = make_user("mara")
    response = _post(client, "mara", "falsch-falsch-falsch")
    assert response.status_code == 422
    assert "Beide Felder berücksichtigen die Groß-/Kleinschreibung" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").get()
    assert event.actor_label == "mara" and event.ip_address == "192.0.2.10"
    assert not AuditEvent.objects.filter(action="auth.login", actor=user).exists()


def test_lockout_after_repeated_failures_per_user_and_ip(client, settings):
    make_user("mara")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "mara", "falsch-falsch-falsch")
    locked = _post(client, "mara", PASSWORD)
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_label="mara").exists()
    # The same account from another office computer is not locked out by the attacker.
    other_ip = _post(client, "mara", PASSWORD, ip="192.0.2.99")
    assert other_ip.status_code == 302


def test_login_without_device_leads_to_enrolment(client):
    make_user("mara")
    response = _post(client, "mara", PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_login_with_device_asks_for_the_code_then_lets_in(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("mara")
    device = verified_device(user)
    _post(client, "mara", PASSWORD)
    assert client.get("/")["Location"].startswith(reverse("accounts:two_factor_verify"))
    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "Der Code ist nicht korrekt" in wrong.content.decode()
    right = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device), "next": "/konto/"})
    assert right.status_code == 302 and right["Location"] == "/konto/"
    assert client.get("/").status_code == 200
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"auth.login", "auth.second_factor_failed", "auth.second_factor_verified"} <= actions


def test_wrong_codes_are_throttled(client):
    user = make_user("mara")
    device = verified_device(user)
    _post(client, "mara", PASSWORD)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    throttled = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device)})
    assert throttled.status_code == 422
    assert "Bitte warten Sie" in throttled.content.decode()


@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567", "<script>", "١٢٣٤٥٦"])
def test_malformed_codes_get_a_german_message(client, token):
    user = make_user("mara")
    verified_device(user)
    _post(client, "mara", PASSWORD)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": token})
    assert response.status_code == 422
    assert 'class="kern-error"' in response.content.decode()


def test_open_redirect_in_next_is_ignored(client):
    user = make_user("mara")
    device = verified_device(user)
    _post(client, "mara", PASSWORD)
    response = client.post(reverse("accounts:two_factor_verify"),
                           {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_demo_mode_needs_no_second_factor(client, settings):
    settings.LOTSE_DEMO_MODE = True
    make_user("mara")
    _post(client, "mara", PASSWORD)
    assert client.get("/").status_code == 200


def test_logout_is_post_only_and_audited(client):
    user = make_user("mara")
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_temporary_password_must_be_changed_first(client):
    from tests.factories import login

    user = make_user("neu", must_change_password=True)
    login(client, user)
    assert client.get("/")["Location"] == reverse("accounts:password_change")
    short = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "kurz", "new_password2": "kurz"})
    assert "Dieses Passwort ist zu kurz" in short.content.decode()
    mismatch = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Ein-langes-Passwort-1", "new_password2": "Ein-anderes-Passwort-2"})
    assert "Die beiden Passwörter sind nicht identisch" in mismatch.content.decode()
    done = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Ein-langes-Passwort-1", "new_password2": "Ein-langes-Passwort-1"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Ein-langes-Passwort-1")
    assert client.get("/").status_code == 200
