import os
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test import Client, override_settings

from tests.factories import make_claim, make_evidence, make_study  # noqa: F401
from tests.fake_crossref import FakeCrossref
from tests.fake_openalex import FakeOpenAlex


@pytest.fixture(autouse=True)
def no_real_crossref(settings):
    """No test reaches the real Crossref: by default it is a closed local port (refused at
    once, so a lookup is "unreachable"); tests that need answers use the `crossref` fixture."""
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    settings.CROSSREF_PAUSE = 0
    settings.OPENALEX_API_URL = "http://127.0.0.1:9"
    settings.OPENALEX_PAUSE = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Tasks (account emails) run inside the request, so tests see their effect at once;
    tests of the queue itself set the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def crossref(settings):
    """A local fake Crossref serving recorded answers; the site is pointed at it."""
    with FakeCrossref() as fake:
        settings.CROSSREF_API_URL = fake.url
        settings.CROSSREF_TIMEOUT = 0.3
        yield fake


@pytest.fixture
def openalex(settings):
    """A local fake OpenAlex serving recorded answers; the site is pointed at it."""
    with FakeOpenAlex() as fake:
        settings.OPENALEX_API_URL = fake.url
        settings.OPENALEX_TIMEOUT = 0.3
        yield fake


def pytest_report_header(config):
    return f"database: {connection.vendor}"


def require(variable: str, reason: str):
    """Skip locally with a reason; fail when CI has set `variable` to say it must run."""
    if os.environ.get(variable):
        pytest.fail(f"{reason} ({variable} is set, so this may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's deliberate slowness, paid for every user a test
    creates and every sign-in, would dominate the suite. PBKDF2 stays second so the demo
    accounts, whose fixture hashes are PBKDF2, still sign in. For the test run only."""
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: rolled-back rows may come back with the same ids.
    Nor kept in this process's memory (claims/caching.py keeps the pages it served last, and
    the list's counts)."""
    from django.core.cache import cache

    from claims import caching

    cache.clear()
    caching._in_process.clear()
    caching._listing_facts.clear()
    caching._rankings.clear()
    yield
    cache.clear()
    caching._in_process.clear()
    caching._listing_facts.clear()
    caching._rankings.clear()


@pytest.fixture
def editor(db):
    user = User.objects.create_user("edith", "edith@example.org", "editor-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def member(db):
    return User.objects.create_user("mia", "mia@example.org", "member-pass-123")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


PERSONAS = ("anonymous", "member", "editor")


@pytest.fixture
def clients(member, editor):
    """One client per persona, for permission matrices."""
    result = {"anonymous": Client()}
    for name, user in (("member", member), ("editor", editor)):
        result[name] = Client()
        result[name].force_login(user)
    return result


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "needs two real connections: run on PostgreSQL")


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
