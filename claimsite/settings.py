"""Settings for Evidence Claims. Every value that differs between machines comes from the
environment through the helpers in claimsite/env.py, which refuse nonsense."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from claimsite.env import (
    cache_from_url,
    database_from_url,
    email_from_url,
    env_bool,
    env_http_url,
    env_int,
    env_list,
    env_networks,
    proxy_ssl_header,
    task_backend,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG:
    # Both are named at once, so that a first deployment is not a guessing game.
    _missing = [
        message
        for value, message in (
            (SECRET_KEY, "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development)."),
            (
                ALLOWED_HOSTS,
                "ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).",
            ),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(" ".join(_missing))
if not SECRET_KEY:
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "claims",
    "evidence",
    "mechanisms",
    "editorial",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Straight after SecurityMiddleware, as WhiteNoise asks: static files skip everything else.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "claimsite.csp.ContentSecurityPolicyMiddleware",
    # Outside the next one, so that the API's refusals are JSON too.
    "api.middleware.OpenReadAPIMiddleware",
    # Path, query string, a form's charset and size: nothing that needs the body read.
    "claimsite.middleware.RefuseBadRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Form fields are read only after the CSRF check has let the request through.
    "claimsite.middleware.RefuseControlCharactersInFormsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# A body larger than this is refused (413) before it is read; no page takes a file
# (claimsite/middleware.py, claimsite/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["claimsite.uploads.RefuseFiles"]

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
                # Last: while a member's page is rendered to be shared, it has the last word.
                "claims.caching.page_placeholders",
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", sqlite_path=VAR_DIR / "db.sqlite3")}
DATABASE_ROUTERS = ["claimsite.routers.DerivedIndexRouter"]

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
# In production, collectstatic writes content-hashed, compressed copies that WhiteNoise serves
# with far-future caching; in development, files are served as they are from static/.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Don't warn about a missing var/static in development, where nothing has been collected.
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# dumpdata, loaddata and `backup --format=json` keep timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "claimsite.serializers"}

FORM_RENDERER = "claimsite.forms.SiteFormRenderer"

# Django's own CSRF failure page has an inline <style> that the Content-Security-Policy blocks.
CSRF_FAILURE_VIEW = "claimsite.views.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:list"
LOGOUT_REDIRECT_URL = "claims:list"

AUTHENTICATION_BACKENDS = ["accounts.backends.ModelBackend"]

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
# New DOIs a member, and an address, may have looked up from the submission form in a minute
# (answers already cached do not count).
CROSSREF_LOOKUPS_PER_MINUTE = env_int("CROSSREF_LOOKUPS_PER_MINUTE", 10, minimum=1)
# Seconds between two requests of check_retractions and refresh_studies, to stay polite.
CROSSREF_PAUSE = env_int("CROSSREF_PAUSE", 1, minimum=0)

# OpenAlex (evidence/openalex.py): new studies that cite a claim's studies or match its
# literature search (watch_literature). OPENALEX_MAILTO joins OpenAlex's "polite pool".
OPENALEX_API_URL = env_http_url("OPENALEX_API_URL", "https://api.openalex.org")
OPENALEX_MAILTO = os.environ.get("OPENALEX_MAILTO", "").strip()
OPENALEX_TIMEOUT = env_int("OPENALEX_TIMEOUT", 10, minimum=1)
# Seconds between two claims of watch_literature, and the most works read per claim and run.
OPENALEX_PAUSE = env_int("OPENALEX_PAUSE", 1, minimum=0)
OPENALEX_MAX_PER_CLAIM = env_int("OPENALEX_MAX_PER_CLAIM", 200, minimum=1)

# Email: the console in development; EMAIL_URL=smtp://user:pass@host:587?tls=1 for SMTP.
globals().update(email_from_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Evidence Claims <noreply@localhost>")
# Seconds to wait for the mail server (in the worker, never in a request).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

# Background tasks (claimsite/mail.py): Django's tasks API through the django-tasks backport,
# for account emails and, after the publishing transaction commits, emails to a claim's
# followers and to members whose submission was reviewed (claims/notifications.py).
# "database" stores tasks in the site's database for `python manage.py db_worker` to run
# (production: `make serve` starts one); "immediate" runs them inside the request (the
# default with DEBUG on, so `make run` needs no worker).
TASKS = {"default": task_backend("TASKS_BACKEND", default="immediate" if DEBUG else "database")}

# The site's address, for links in emails sent outside a request (claims/notifications.py).
SITE_URL = env_http_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Pages for anonymous readers are cached per published version (claims/caching.py):
# CACHE_URL=redis://host:port/0 (one cache for all servers), locmem:// (the default, one cache
# per process) or dummy:// (no cache).
CACHES = {"default": cache_from_url("CACHE_URL")}
# Whether the published stamps that key cached pages (claims/caching.py) are kept in the cache
# too, so that a cache hit asks the database nothing. Only a cache every process shares can
# be told of a write made by another process (a second server, a worker, a cron command); a
# cache per process would keep serving what it was told last, so there the stamps are asked
# of the database on each request. The default follows the cache: yes for Redis.
CACHE_KEEPS_STAMPS = env_bool(
    "CACHE_KEEPS_STAMPS", default=CACHES["default"]["BACKEND"].endswith("RedisCache")
)
# With stamps kept in Redis, each process also keeps a copy of those it read (and of the
# claims each member follows, which their claim page shows), which Redis tells it of every
# change to (claimsite/mirror.py): a cache hit then asks Redis nothing.
# CACHE_MIRRORS_STAMPS=0 asks Redis on every hit instead.
_redis = CACHES["default"]["BACKEND"] == "claimsite.cache.ResilientRedisCache"
if _redis and CACHE_KEEPS_STAMPS and env_bool("CACHE_MIRRORS_STAMPS", default=True):
    CACHES["default"]["OPTIONS"]["mirror_prefixes"] = ["stamps:", "follows:"]
# With stamps kept in a shared cache, each process also keeps the pages it served last, up to
# this many bytes (a claim page is 20-60 KB): a hit then asks the shared cache for the stamps
# alone. A copy counts only for the stamp it was rendered for (claims/caching.py).
PAGES_IN_PROCESS_BYTES = env_int("PAGES_IN_PROCESS_BYTES", 32 * 1024 * 1024, minimum=0)
# Sessions are read from the cache and written through to the database, which has them when
# the cache is down or was emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Secure by default: HTTPS only. SECURE_SSL_REDIRECT=0 (with SECURE_COOKIES=0) serves plain
    # HTTP, for a local benchmark or a proxy that already redirects.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer's health check speaks plain HTTP to the server itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a reverse proxy that terminates TLS, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto:
    # Django then trusts that header (which the proxy must always set) to tell HTTPS from HTTP.
    SECURE_PROXY_SSL_HEADER = proxy_ssl_header("SECURE_PROXY_SSL_HEADER")

# One line per failed request on stdout, with its path, for whatever collects the server's
# output (journald, docker logs). The traceback is folded into the same line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": "claimsite.logs.OneLineFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "one_line",
        }
    },
    "loggers": {
        "django.request": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}

# A bare view for `make bench` to measure the server itself against (BENCH_VIEW=1).
BENCH_VIEW = env_bool("BENCH_VIEW", default=False)
