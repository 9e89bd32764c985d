import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_security_headers_on_every_page(client):
    response = client.get("/konto/anmelden/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_have_no_inline_scripts_or_styles(client, org_a):
    from tests.factories import login

    login(client, org_a.user("org_admin"))
    for url in ["/", "/konto/", "/mitarbeitende/", "/organisationen/", "/protokoll/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and "onclick" not in html, url


def test_password_hashing_uses_argon2_outside_tests():
    assert "Argon2PasswordHasher" in settings.PASSWORD_HASHERS[1]


def test_check_deploy_with_production_settings_reports_no_issues():
    env = {**os.environ, "LOTSE_ENV": "production", "LOTSE_SECRET_KEY": "k" * 20 + os.urandom(24).hex(),
           "LOTSE_ALLOWED_HOSTS": "lotse.example.org", "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "LOTSE_ENV": "production", "LOTSE_SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "LOTSE_SECRET_KEY" in result.stderr


def test_healthz_is_public_and_reveals_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_unknown_url_gives_german_404(client, org_a):
    from tests.factories import login

    login(client, org_a.user("counsellor"))
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404 and "Nicht gefunden" in response.content.decode()
