import os
import time

import pytest
from django.core.cache import cache, caches

from tests.conftest import require

# Where the published stamps are read from: the database on each request (a cache per
# process), or kept in the cache (in this process's memory, or in a Redis all share).
STAMP_PLACES = ["database", "locmem", "redis"]


@pytest.fixture
def stamps_in(request, settings):
    """Set where stamps are kept, for the test's parameter `stamps_in` (one of STAMP_PLACES).

    Redis is the one scripts/with-redis starts (REDIS_URL); the site's whole cache moves there.
    """
    place = request.param
    settings.CACHE_KEEPS_STAMPS = place != "database"
    if place == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            require("REQUIRE_REDIS", "no Redis to keep stamps in: run under scripts/with-redis")
        settings.CACHES = {
            "default": {
                "BACKEND": "claimsite.cache.ResilientRedisCache",
                "LOCATION": url,
                "OPTIONS": {
                    "socket_connect_timeout": 1,
                    "socket_timeout": 2,
                    "retry_after": 1,
                    # As settings.py sets it: stamps copied in the process (claimsite/mirror.py).
                    "mirror_prefixes": ["stamps:", "follows:"],
                },
            }
        }
    cache.clear()
    mirror = getattr(caches["default"], "mirror", None)
    if mirror is not None:
        # The first lookup starts the thread that connects: wait for it, so that what a test
        # reads is kept from the start.
        caches["default"].get_many([])
        for _ in range(400):
            if mirror.lookup([])[1] is not None:
                break
            time.sleep(0.005)
    yield place
    cache.clear()


@pytest.fixture
def calls(monkeypatch):
    """Every operation asked of the site's cache, in order: (name, keys)."""
    made = []
    inside = []  # a backend's get_many may call its own get: count the outer call only
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "set_many", "delete"):
        original = getattr(backend, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            if not inside:
                made.append((_name, args[0] if args else None))
            inside.append(_name)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counting)
    return made


@pytest.fixture
def claim(db, stamps_in, django_capture_on_commit_callbacks):
    """A claim published once, citing one study, with its stamps written as a commit would."""
    from tests.factories import make_claim, make_evidence, make_study, publish

    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(statement="A claim served from the cache.")
        make_evidence(claim, make_study(title="A first trial"))
        publish(claim, note="First.")
    return claim
