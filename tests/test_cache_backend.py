"""The Redis cache steps aside while Redis is down: pages never wait for it request after
request, and it is used again once it answers (claimsite/cache.py)."""

import contextlib
import logging
import socket
import threading
import time

import pytest
from django.core.cache import CacheHandler
from django.core.exceptions import ImproperlyConfigured

from claims import caching
from claimsite import cache as resilient
from claimsite.env import cache_from_url
from tests.conftest import require


@contextlib.contextmanager
def silent_server():
    """A port that accepts connections and never answers: Redis paused or a network hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_cache(monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)
    resilient._outages.clear()
    return CacheHandler({"default": cache_from_url("CACHE_URL")})["default"]


def test_a_redis_url_selects_djangos_redis_cache_with_short_timeouts(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://cache.internal:6380/2")
    config = cache_from_url("CACHE_URL")
    assert config["BACKEND"] == "claimsite.cache.ResilientRedisCache"
    assert config["LOCATION"] == "redis://cache.internal:6380/2"
    assert config["OPTIONS"] == {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 1.0,
        "retry_after": 5.0,
    }
    from django.core.cache.backends.redis import RedisCache

    assert issubclass(resilient.ResilientRedisCache, RedisCache)


@pytest.mark.parametrize(
    "url",
    [
        "redis://",
        "redis://host:port/0",
        "redis://host/zero",
        "redis://host/0?timeout=0",
        "redis://host/0?retry_after=soon",
        "redis://host/0?colour=blue",
    ],
)
def test_a_redis_url_that_makes_no_sense_stops_start_up(monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("CACHE_URL")


def test_sessions_are_read_from_the_cache_and_written_through_to_the_database():
    from django.conf import settings

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_stopped_redis_is_an_empty_cache_and_is_logged_once(monkeypatch, caplog):
    cache = redis_cache(monkeypatch, f"redis://127.0.0.1:{closed_port()}/0?retry_after=30")
    with caplog.at_level(logging.ERROR, logger="claimsite.cache"):
        assert cache.get("page") is None
        assert cache.get("page", "fallback") == "fallback"
        assert cache.add("page", "x") is False
        cache.set("page", "x")
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("page") is False
        with pytest.raises(ValueError):
            cache.incr("crossref:budget")  # a counter not found, as in an empty cache
    unreachable = [r for r in caplog.records if "cache is unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert cache.reachable() is False


def test_a_hanging_redis_costs_one_timeout_then_nothing_until_it_is_tried_again(monkeypatch):
    with silent_server() as (port, accepted):
        cache = redis_cache(monkeypatch, f"redis://127.0.0.1:{port}/0?timeout=0.3&retry_after=0.8")
        began = time.monotonic()
        assert cache.get("page") is None
        assert 0.25 < time.monotonic() - began < 2
        tried = len(accepted)
        began = time.monotonic()
        for _ in range(50):
            assert cache.get("page") is None
        assert time.monotonic() - began < 0.1  # no request waits while Redis is left alone
        assert len(accepted) == tried
        time.sleep(0.9)
        began = time.monotonic()
        assert cache.get("page") is None  # tried again after retry_after, and timed out
        assert time.monotonic() - began > 0.25


def test_health_check_reports_a_stopped_redis_and_keeps_the_server_in_service(
    client, db, monkeypatch
):
    from claimsite import views

    cache = redis_cache(monkeypatch, f"redis://127.0.0.1:{closed_port()}/0")
    monkeypatch.setattr(views, "cache", cache)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "database: ok",
        "cache: unreachable (pages are served from the database)",
    ]


def real_redis(monkeypatch):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        require("REQUIRE_REDIS", "needs a Redis server: run under scripts/with-redis")
    return redis_cache(monkeypatch, url)


def test_a_real_redis_keeps_pages_and_is_reported_reachable(monkeypatch):
    cache = real_redis(monkeypatch)
    cache.set("page:test", b"<html>a page</html>", 60)
    assert cache.get("page:test") == b"<html>a page</html>"
    assert cache.add("page:test", b"another") is False
    assert cache.get_many(["page:test", "page:none"]) == {"page:test": b"<html>a page</html>"}
    assert cache.reachable() is True
    cache.add("counter:test", 0)
    assert cache.incr("counter:test") == 1
    cache.delete_many(["page:test", "counter:test"])
    assert cache.get("page:test") is None


def test_one_redis_client_serves_every_operation_and_thread(monkeypatch):
    """Building a client costs more than a round trip to Redis: each operation (and each
    thread) reuses the one made for the connection pool."""
    cache = real_redis(monkeypatch)
    made = []
    real_client = cache._cache._client

    def counting_client(**kwargs):
        made.append(kwargs)
        return real_client(**kwargs)

    monkeypatch.setattr(cache._cache, "_client", counting_client)
    cache.set("page:test", b"kept", 60)
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.get("page:test"))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.get_many(["page:test"])
    cache.delete("page:test")
    assert answers == [b"kept"] * 4
    assert len(made) == 1


@pytest.fixture
def site_on_redis(db, monkeypatch, settings):
    """The site's own cache on the Redis of scripts/with-redis, emptied before and after."""
    from django.core.cache import cache

    from claimsite import views

    real_redis(monkeypatch)
    resilient._outages.clear()
    settings.CACHES = {"default": cache_from_url("CACHE_URL")}
    monkeypatch.setattr(views, "cache", cache)
    cache.clear()
    yield cache
    cache.clear()


def test_a_site_on_redis_serves_the_second_view_of_a_page_from_redis(client, site_on_redis):
    from tests.factories import make_claim, publish

    claim = make_claim(statement="Kept in Redis.")
    publish(claim, note="First.")
    url = f"/claims/{claim.slug}/"
    first = client.get(url)
    assert first.status_code == 200
    pages = [key for key in site_on_redis._cache.get_client().keys("*") if b"page:" in key]
    assert len(pages) == 1
    redis, serializer = site_on_redis._cache.get_client(), site_on_redis._cache._serializer
    stamp, content = serializer.loads(redis.get(pages[0]))
    assert content == first.content
    redis.set(pages[0], serializer.dumps((stamp, b"X")))
    # As another server finds it: nothing of this page in its own memory.
    caching._in_process.clear()
    assert client.get(url).content == b"X"  # what Redis holds is what readers get


def test_a_members_session_is_kept_in_redis_and_survives_redis_being_emptied(
    client, site_on_redis, member
):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    client.force_login(member)
    key = client.cookies["sessionid"].value
    assert site_on_redis.get(KEY_PREFIX + key) is not None
    site_on_redis.clear()
    # Written through to the database: still signed in.
    assert member.username in client.get("/").content.decode()
