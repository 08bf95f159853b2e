"""Read settings from environment variables, refusing values that make no sense."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Return the boolean value of `name`; anything but a recognised yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_http_url(name: str, default: str) -> str:
    """An http(s) URL with a host, without a trailing slash; anything else is an error."""
    raw = os.environ.get(name)
    value = (default if raw is None or not raw.strip() else raw).strip().rstrip("/")
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ImproperlyConfigured(f"{name}={raw!r} must be an http:// or https:// URL.")
    return value


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated IP addresses or CIDR networks (`10.0.0.0/8,2001:db8::1`)."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


def database_from_url(name: str, *, sqlite_path: Path) -> dict:
    """Build the DATABASES["default"] entry from the URL in `name`; unset means SQLite."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return sqlite_config(sqlite_path)
    url = urlsplit(raw)
    if url.scheme in ("postgres", "postgresql"):
        database = unquote(url.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(
                f"{name} must name a database, e.g. postgres://user@host/db."
            )
        port = _port(url, name)
        options = dict(parse_qsl(url.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": env_bool("CONN_HEALTH_CHECKS", default=True),
            "OPTIONS": options,
        }
    if url.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = url.path[1:] if url.path.startswith("/") else url.path
        if not path:
            raise ImproperlyConfigured(f"{name} must name a file, e.g. sqlite:///var/db.sqlite3.")
        return sqlite_config(Path(path))
    raise ImproperlyConfigured(
        f"{name} must be a postgres:// (or sqlite:///) URL, not {url.scheme or raw!r}."
    )


def _port(url, name: str) -> int | None:
    try:
        return url.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None


def sqlite_config(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Opening a connection (Django registers its SQL functions on each) costs more than a
        # cached page's one query: keep it, as for PostgreSQL.
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
        # Measured: without these, concurrent writes under a threaded server hit
        # "database is locked"; IMMEDIATE takes the write lock up front instead.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


def email_from_url(name: str) -> dict:
    """EMAIL_* settings from the URL in `name`: unset prints mail to the console."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    url = urlsplit(raw)
    if url.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(f"{name} must be an smtp:// or smtps:// URL.")
    if not url.hostname:
        raise ImproperlyConfigured(f"{name} must name a host, e.g. smtp://user:pass@host:587.")
    port = _port(url, name)
    options = dict(parse_qsl(url.query))
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": url.hostname,
        "EMAIL_PORT": port or (465 if url.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(url.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
        "EMAIL_USE_SSL": url.scheme == "smtps",
        "EMAIL_USE_TLS": url.scheme == "smtp" and options.get("tls", "1") not in ("0", "false"),
    }


def cache_from_url(name: str) -> dict:
    """The CACHES["default"] entry from the URL in `name`: unset means one cache per process.

    `redis://host:port/db` is one cache for every server process (Django's Redis backend,
    through claimsite/cache.py, which steps aside while Redis is down): `?connect_timeout=`
    and `?timeout=` in seconds bound each wait, `?retry_after=` is how long a process then
    leaves Redis alone. `locmem://` keeps pages in each server process (the keys name
    published versions, so separate caches never disagree); `dummy://` caches nothing, to
    measure rendering itself.
    """
    raw = os.environ.get(name, "").strip() or "locmem://"
    url = urlsplit(raw)
    options = dict(parse_qsl(url.query))
    if url.scheme in ("redis", "rediss"):
        if not url.hostname:
            raise ImproperlyConfigured(f"{name} must name a host, e.g. redis://127.0.0.1:6379/0.")
        _port(url, name)
        database = url.path.lstrip("/") or "0"
        if not database.isdigit():
            raise ImproperlyConfigured(f"{name} must end with a database number, e.g. /0.")
        seconds = {
            option: _positive_seconds(name, option, options.pop(option, default))
            for option, default in (
                ("connect_timeout", "0.25"),
                ("timeout", "1"),
                ("retry_after", "5"),
            )
        }
        if options:
            raise ImproperlyConfigured(
                f"{name} has options it does not know: {', '.join(sorted(options))}."
            )
        return {
            "BACKEND": "claimsite.cache.ResilientRedisCache",
            "LOCATION": url._replace(path=f"/{database}", query="").geturl(),
            "OPTIONS": {
                "socket_connect_timeout": seconds["connect_timeout"],
                "socket_timeout": seconds["timeout"],
                "retry_after": seconds["retry_after"],
            },
        }
    if url.scheme == "locmem":
        max_entries = options.get("max_entries", "1000")
        if not max_entries.isdigit() or int(max_entries) < 1:
            raise ImproperlyConfigured(f"{name} has a max_entries that is not a positive number.")
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.netloc or "pages",
            "OPTIONS": {"MAX_ENTRIES": int(max_entries)},
        }
    if url.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"{name} must be a redis://, locmem:// or dummy:// URL, not {url.scheme or raw!r}."
    )


def _positive_seconds(name: str, option: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if not value > 0:
        raise ImproperlyConfigured(
            f"{name} has a {option} that is not a positive number of seconds."
        )
    return value


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from a header name such as X-Forwarded-Proto (value https)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = raw.partition("=")
    header = header.strip()
    if not header or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a header name: use e.g. X-Forwarded-Proto."
        )
    return "HTTP_" + header.upper().replace("-", "_"), value.strip() or "https"


TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}


def task_backend(name: str, *, default: str) -> dict:
    """A TASKS entry from `name`: database, immediate or dummy (enqueued, never run)."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(TASK_BACKENDS)}, not {value!r}."
        )
    return {"BACKEND": TASK_BACKENDS[value]}


def unix_socket_bind(name: str) -> str | None:
    """`name` when it asks for a Unix socket (unix:/path), else None.

    Requests on a Unix socket carry no client address, so the sign-in throttle could count
    only usernames, which lets anyone pause an editor's sign-in: a Unix socket is refused
    unless TRUSTED_PROXIES is set, so that the proxy's X-Forwarded-For names each client.
    """
    value = os.environ.get(name, "").strip()
    if not value.startswith("unix:"):
        return None
    if not env_networks("TRUSTED_PROXIES"):
        raise ImproperlyConfigured(
            f"{name}={value} is a Unix socket, where requests carry no client address: set "
            "TRUSTED_PROXIES (e.g. 127.0.0.1) so that the reverse proxy's X-Forwarded-For "
            "tells clients apart, or bind an address and port."
        )
    return value
