"""Lotse settings: one module, configured entirely from the environment.

Defaults are the safe production values. ``LOTSE_ENV=development`` (set by ``make run``)
and ``LOTSE_ENV=test`` (set by the test suite) relax only what a local machine needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LOTSE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


LOTSE_ENV = os.environ.get("LOTSE_ENV", "production").strip().lower()
if LOTSE_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured("LOTSE_ENV must be production, development or test")
IS_PRODUCTION = LOTSE_ENV == "production"

DEBUG = env_bool("LOTSE_DEBUG", LOTSE_ENV == "development")

SECRET_KEY = os.environ.get("LOTSE_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("LOTSE_SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-local-only-" + LOTSE_ENV + "-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("LOTSE_ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LOTSE_CSRF_TRUSTED_ORIGINS", [])

# Demo mode: no second factor required, demo logins shown on the login page. Never in production.
LOTSE_DEMO_MODE = env_bool("LOTSE_DEMO_MODE", False)
if LOTSE_DEMO_MODE and IS_PRODUCTION and not env_bool("LOTSE_ALLOW_DEMO_IN_PRODUCTION", False):
    raise ImproperlyConfigured("LOTSE_DEMO_MODE is not allowed with LOTSE_ENV=production")

LOTSE_INACTIVITY_TIMEOUT_MINUTES = env_int("LOTSE_INACTIVITY_TIMEOUT_MINUTES", 30)
LOTSE_REAUTH_VALID_MINUTES = env_int("LOTSE_REAUTH_VALID_MINUTES", 5)
LOTSE_API_TOKEN_MAX_DAYS = env_int("LOTSE_API_TOKEN_MAX_DAYS", 365)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "lotse.core",
    "lotse.audit",
    "lotse.accounts",
    "lotse.organisations",
    "lotse.codelists",
    "lotse.people",
    "lotse.network",
    "lotse.consent",
    "lotse.cases",
    "lotse.contacts",
    "lotse.planning",
    "lotse.appointments",
    "lotse.referrals",
    "lotse.conferences",
    "lotse.pools",
    "lotse.partnerreports",
    "lotse.cooperation",
    "lotse.helpermap",
    "lotse.reports",
    "lotse.cohorts",
    "lotse.exports",
    "lotse.intake",
    "lotse.documents",
    "lotse.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lotse.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "lotse.core.db_errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lotse.core.middleware.LotseLoginRequiredMiddleware",
    "lotse.audit.middleware.AuditContextMiddleware",
    "lotse.accounts.middleware.InactivityLogoutMiddleware",
    "lotse.accounts.middleware.UserLanguageMiddleware",
    "lotse.accounts.middleware.SecondFactorRequiredMiddleware",
    "lotse.core.middleware.FormGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lotse.urls"
WSGI_APPLICATION = "lotse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lotse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lotse.core.context_processors.shell",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static", "lotse.core.templatetags.names"],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("LOTSE_DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LOTSE_SQLITE_PATH", str(VAR_DIR / "lotse.sqlite3")),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].setdefault("NAME", os.environ.get("LOTSE_TEST_DATABASE", "lotse_test"))
    # Lotse's queries are short; JIT compilation costs seconds on report queries and never pays back.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Parameters bound on the server, so that a query repeated on a kept connection is prepared once and
    # PostgreSQL reuses its plan: planning the joins of a case file costs more than running them. Switch off
    # behind a pooler in transaction mode that does not track prepared statements (LOTSE_DB_PREPARED=0).
    if env_bool("LOTSE_DB_PREPARED", True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout per user *and* per IP address, so one attacker cannot lock a whole office out.
AXES_FAILURE_LIMIT = env_int("LOTSE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOTSE_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lotse.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("LOTSE_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = os.environ.get("LOTSE_OTP_ISSUER", "Lotse")

# A shared cache (Redis) is what makes rate limits hold across all server processes and lets sessions be read
# from memory. Without one, each process has its own memory cache and sessions stay in the database only:
# a per-process cache must never hold sessions, or a logout in one process would not end the session in another.
LOTSE_CACHE_URL = os.environ.get("LOTSE_CACHE_URL", "")
if LOTSE_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": LOTSE_CACHE_URL,
                          "KEY_PREFIX": os.environ.get("LOTSE_CACHE_PREFIX", "lotse"), "TIMEOUT": 300}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LOTSE_SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("LOTSE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("LOTSE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("LOTSE_HSTS_PRELOAD", IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("LOTSE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lotse" / "locale"]
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LOTSE_STATIC_ROOT", VAR_DIR / "static"))
NODE_MODULES = Path(os.environ.get("LOTSE_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOTSE_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Exports of lists: downloadable for this many hours; larger exports run in a background thread.
LOTSE_EXPORT_TTL_HOURS = env_int("LOTSE_EXPORT_TTL_HOURS", 24)
LOTSE_EXPORT_INLINE_ROWS = env_int("LOTSE_EXPORT_INLINE_ROWS", 2000)
LOTSE_EXPORT_BATCH_SIZE = env_int("LOTSE_EXPORT_BATCH_SIZE", 500)
LOTSE_EXPORT_STALL_MINUTES = env_int("LOTSE_EXPORT_STALL_MINUTES", 10)
LOTSE_EXPORT_MAX_RUNNING = env_int("LOTSE_EXPORT_MAX_RUNNING", 3)

if LOTSE_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
    LOTSE_EXPORT_INLINE_ROWS = 10**9

FORM_RENDERER = "lotse.core.forms.KernFormRenderer"
CSRF_FAILURE_VIEW = "lotse.core.views.csrf_failure"

# Below this age a consent or release must be given by a guardian (configurable per installation).
LOTSE_CONSENT_AGE = env_int("LOTSE_CONSENT_AGE", 16)
# Version labels of the consent and release texts shown to clients (texts live in lotse/documents/texts/).
LOTSE_CONSENT_TEXT_VERSION = os.environ.get("LOTSE_CONSENT_TEXT_VERSION", "2026-11")
