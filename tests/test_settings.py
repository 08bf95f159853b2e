import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from claimsite.env import database_from_url, env_bool, env_http_url, env_int


def test_the_database_is_the_one_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql"


def test_a_postgres_url_selects_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:s%40cret@db.internal:5433/claims")
    config = database_from_url("DATABASE_URL", sqlite_path=tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("claims", "app", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")


def test_no_database_url_means_sqlite_with_immediate_transactions(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_url("DATABASE_URL", sqlite_path=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert Path(config["NAME"]).parent.is_dir()


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://user@host/", "postgres://u@h:port/db", "nonsense"]
)
def test_a_nonsense_database_url_names_the_variable(monkeypatch, tmp_path, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("DATABASE_URL", sqlite_path=tmp_path / "x.sqlite3")


def test_a_nonsense_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")
    monkeypatch.setenv("DEBUG", "Yes")
    assert env_bool("DEBUG") is True


def test_a_nonsense_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("CLAIMS_PER_PAGE", "twenty")
    with pytest.raises(ImproperlyConfigured, match="CLAIMS_PER_PAGE"):
        env_int("CLAIMS_PER_PAGE", 20, minimum=1)
    monkeypatch.setenv("CLAIMS_PER_PAGE", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("CLAIMS_PER_PAGE", 20, minimum=1)


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import claimsite.settings"],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_email_url_prints_mail_to_the_console(monkeypatch):
    from claimsite.env import email_from_url

    monkeypatch.delenv("EMAIL_URL", raising=False)
    assert email_from_url("EMAIL_URL")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_an_smtp_url_configures_smtp(monkeypatch):
    from claimsite.env import email_from_url

    monkeypatch.setenv("EMAIL_URL", "smtp://mailer:p%40ss@mail.example.org:2525")
    config = email_from_url("EMAIL_URL")
    assert config["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.org", 2525)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss")
    assert config["EMAIL_USE_TLS"] is True


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:port"])
def test_a_nonsense_email_url_names_the_variable(monkeypatch, url):
    from claimsite.env import email_from_url

    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_from_url("EMAIL_URL")


def test_tests_hash_passwords_fast_and_still_read_the_demo_accounts_hashes(db):
    from django.contrib.auth.hashers import check_password, identify_hasher, make_password

    assert identify_hasher(make_password("x")).algorithm == "md5"
    demo_hash = make_password("evidence-demo", hasher="pbkdf2_sha256")
    assert check_password("evidence-demo", demo_hash)


def test_the_crossref_url_defaults_to_crossref_and_loses_a_trailing_slash(monkeypatch):
    monkeypatch.delenv("CROSSREF_API_URL", raising=False)
    assert env_http_url("CROSSREF_API_URL", "https://api.crossref.org") == (
        "https://api.crossref.org"
    )
    monkeypatch.setenv("CROSSREF_API_URL", "http://127.0.0.1:8081/")
    assert env_http_url("CROSSREF_API_URL", "https://api.crossref.org") == "http://127.0.0.1:8081"


@pytest.mark.parametrize("url", ["api.crossref.org", "ftp://api.crossref.org", "file:///etc"])
def test_a_crossref_url_that_is_not_http_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("CROSSREF_API_URL", url)
    with pytest.raises(ImproperlyConfigured, match="CROSSREF_API_URL"):
        env_http_url("CROSSREF_API_URL", "https://api.crossref.org")


def test_the_task_backend_is_the_database_queue_unless_asked_otherwise(monkeypatch):
    from claimsite.env import task_backend

    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    assert task_backend("TASKS_BACKEND", default="database") == {
        "BACKEND": "django_tasks_db.DatabaseBackend"
    }
    monkeypatch.setenv("TASKS_BACKEND", "Immediate")
    assert task_backend("TASKS_BACKEND", default="database")["BACKEND"].endswith("ImmediateBackend")


def test_a_nonsense_task_backend_names_the_variable(monkeypatch):
    from claimsite.env import task_backend

    monkeypatch.setenv("TASKS_BACKEND", "celery")
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND must be one of"):
        task_backend("TASKS_BACKEND", default="database")
