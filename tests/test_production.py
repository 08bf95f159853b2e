"""Running the site as in production: settings, health, logging, errors, and `make serve`."""

import logging
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from claimsite.env import cache_from_url, proxy_ssl_header
from claimsite.logs import OneLineFormatter
from tests.serving.servers import fetch, production_env, running_server

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env_changes):
    # As in production: none of the test run's own settings (browser tests allow async-unsafe
    # calls, which check --deploy rightly reports).
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DEBUG="0", **env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_warns_of_nothing_with_only_a_secret_key_and_allowed_hosts():
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="claims.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_and_names_every_missing_setting():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "ALLOWED_HOSTS must be set" in result.stderr
    only_hosts_missing = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50))
    assert "ALLOWED_HOSTS must be set" in only_hosts_missing.stderr
    assert "SECRET_KEY must be set" not in only_hosts_missing.stderr


def test_make_serve_says_what_is_missing_without_a_traceback():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "scripts/serve.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.startswith("make serve: SECRET_KEY must be set")
    assert "Traceback" not in result.stderr


def test_health_check_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok (in this process)\n"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_health_check_answers_503_when_the_database_does_not(client, db):
    with mock.patch(
        "claimsite.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database: unreachable\n" in response.content


def test_health_check_reports_a_cache_that_is_down_and_stays_in_service(client, db, monkeypatch):
    from claimsite import views

    class UnreachableRedis:
        def reachable(self):
            return False

    monkeypatch.setattr(views, "cache", UnreachableRedis())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "database: ok",
        "cache: unreachable (pages are served from the database)",
    ]


def test_health_check_is_never_cached_by_a_proxy(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def boom(request):
    raise ZeroDivisionError("a bug")


urlpatterns = [path("boom/", boom)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_the_sites_own_page(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_failed_request_is_one_log_line_with_its_path():
    try:
        raise ZeroDivisionError("a bug")
    except ZeroDivisionError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/claims/some-claim/",),
            sys.exc_info(),
        )
    line = OneLineFormatter().format(record)
    assert "\n" not in line
    assert line.startswith("ERROR django.request Internal Server Error: /claims/some-claim/")
    assert "ZeroDivisionError: a bug" in line


def test_request_errors_are_logged_to_stdout_with_that_format():
    from django.conf import settings

    handler = settings.LOGGING["handlers"][
        settings.LOGGING["loggers"]["django.request"]["handlers"][0]
    ]
    assert handler["stream"] == "ext://sys.stdout"
    assert settings.LOGGING["formatters"][handler["formatter"]]["()"].endswith("OneLineFormatter")


def test_cache_url_picks_the_cache(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert cache_from_url("CACHE_URL")["BACKEND"].endswith("LocMemCache")
    monkeypatch.setenv("CACHE_URL", "dummy://")
    assert cache_from_url("CACHE_URL")["BACKEND"].endswith("DummyCache")
    monkeypatch.setenv("CACHE_URL", "memcached://x")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("CACHE_URL")


def test_the_proxy_header_comes_from_its_name(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X Forwarded")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        proxy_ssl_header("SECURE_PROXY_SSL_HEADER")


def test_make_serve_serves_styled_pages_and_far_future_static_files(tmp_path):
    env = production_env(f"sqlite:///{tmp_path}/db.sqlite3")
    with running_server(env) as base:
        home = fetch(base + "/")
        assert home.status == 200
        assert "Evidence Claims" in home.text
        # Hashed names: a new stylesheet gets a new URL, so the old one may be kept forever.
        stylesheet = home.text.split('<link rel="stylesheet" href="')[1].split('"')[0]
        assert stylesheet.startswith("/static/css/site.") and stylesheet.count(".") == 2
        css = fetch(base + stylesheet, headers={"Accept-Encoding": "gzip"})
        assert css.status == 200
        assert "immutable" in css.headers["Cache-Control"]
        assert css.headers["Content-Encoding"] == "gzip"
        # DEBUG is off: an unknown page is the site's own 404, not Django's debug page.
        missing = fetch(base + "/claims/no-such-claim/")
        assert missing.status == 404
        assert "We could not find that page" in missing.text


def raw_request(base: str, request: bytes) -> tuple[int, dict, str]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body.decode()


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def test_gunicorns_own_error_pages_carry_the_sites_security_headers(tmp_path):
    env = production_env(f"sqlite:///{tmp_path}/db.sqlite3")
    with running_server(env) as base:
        home = fetch(base + "/")
        bad_line = raw_request(base, b"GET /<script>alert(1)</script> HTTP/9.9\r\n\r\n")
        huge_header = raw_request(
            base, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
        )
    for status, headers, body in (bad_line, huge_header):
        assert status in (400, 431)
        for name in SECURITY_HEADERS:
            assert headers.get(name) == home.headers[name], name
        assert "<script>" not in body and "Evidence Claims" in body


def test_make_serve_refuses_a_unix_socket_without_trusted_proxies():
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"}
    env.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS="claims.example.org")
    env["BIND_ADDRESS"] = "unix:/tmp/claims-test.sock"
    result = subprocess.run(
        [sys.executable, "scripts/serve.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.startswith("make serve: BIND_ADDRESS=unix:/tmp/claims-test.sock")
    assert "TRUSTED_PROXIES" in result.stderr
    assert "Traceback" not in result.stderr
