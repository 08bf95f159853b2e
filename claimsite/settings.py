"""Settings for Evidence Claims. Every value that differs between machines comes from the
environment through the helpers in claimsite/env.py, which refuse nonsense."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from claimsite.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_http_url,
    env_int,
    env_list,
    env_networks,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "accounts",
    "claims",
    "evidence",
    "mechanisms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "claimsite.csp.ContentSecurityPolicyMiddleware",
    "claimsite.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "claimsite.urls"
WSGI_APPLICATION = "claimsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "evidence.context_processors.editor",
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", sqlite_path=VAR_DIR / "db.sqlite3")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# dumpdata, loaddata and `backup --format=json` keep timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "claimsite.serializers"}

FORM_RENDERER = "claimsite.forms.SiteFormRenderer"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:list"
LOGOUT_REDIRECT_URL = "claims:list"

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

CLAIMS_PER_PAGE = env_int("CLAIMS_PER_PAGE", 20, minimum=1)

# Sign-in throttling: within the window, this many failures for one username from one address
# pause sign-in for that pair, and LOGIN_FAILURE_ADDRESS_LIMIT failures from one address (any
# usernames) pause it for the address. A member signing in from elsewhere is not affected.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_ADDRESS_LIMIT = env_int("LOGIN_FAILURE_ADDRESS_LIMIT", 20, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)

# Sign-ups per address, and password resets per address and per email, in any hour.
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 10, minimum=1)
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 5, minimum=1)

# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated). Unset,
# the client address is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Community submissions: per member, pending at once and submitted in any 24 hours.
SUBMISSIONS_MAX_PENDING = env_int("SUBMISSIONS_MAX_PENDING", 10, minimum=1)
SUBMISSIONS_MAX_PER_DAY = env_int("SUBMISSIONS_MAX_PER_DAY", 20, minimum=1)

# Crossref (evidence/crossref.py): study facts and retraction notices by DOI. Setting
# CROSSREF_MAILTO puts the site in Crossref's "polite pool" of identified clients.
CROSSREF_API_URL = env_http_url("CROSSREF_API_URL", "https://api.crossref.org")
CROSSREF_MAILTO = os.environ.get("CROSSREF_MAILTO", "").strip()
CROSSREF_TIMEOUT = env_int("CROSSREF_TIMEOUT", 5, minimum=1)
# Seconds between two requests of check_retractions and refresh_studies, to stay polite.
CROSSREF_PAUSE = env_int("CROSSREF_PAUSE", 1, minimum=0)

# Email: the console in development; EMAIL_URL=smtp://user:pass@host:587?tls=1 for SMTP.
globals().update(email_from_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Evidence Claims <noreply@localhost>")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
