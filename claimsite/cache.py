"""Django's Redis cache, made to step aside while Redis is down instead of failing pages.

Everything the site keeps in the cache can be had again (pages are rendered again, sessions
read from their table, Crossref asked again, counters start again), so a cache that cannot
be reached is treated as an empty one. The first failure is logged and the process then
leaves Redis alone for `retry_after` seconds: requests never each wait for a connection
timeout. After that, the next operation tries Redis again, and uses it as before once it
answers.

With `mirror_prefixes` in its OPTIONS, the keys under those prefixes that `get_many` reads are
also kept in each process and served from there while Redis says they have not changed
(claimsite/mirror.py): a cache hit whose keys are all kept asks Redis nothing.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from claimsite.mirror import Mirror

logger = logging.getLogger(__name__)


def _not_found(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")  # as Django's caches say for a missing key


# What each operation answers while Redis is skipped: what an empty cache would answer.
_WHEN_DOWN = {
    "get": lambda key, default=None, *args, **kwargs: default,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda keys, *args, **kwargs: list(keys),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
    "incr": _not_found,
    "decr": _not_found,
}


class _Outage:
    """When this process may try Redis again (shared by the cache objects of all threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.until = 0.0


_outages: dict[str, _Outage] = {}
# One mirror per Redis and prefixes in each process, shared by the cache objects of all threads.
_mirrors: dict[tuple, Mirror] = {}


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with one `redis.Redis` per connection pool instead of one per
    operation: building one (its table of reply parsers) cost about 250 µs, more than the
    round trip to Redis, on every cache hit. A `redis.Redis` is safe to share between threads
    (each command takes a connection from the pool), and its pool starts afresh in a forked
    process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 5))
        prefixes = tuple(options.pop("mirror_prefixes", ()))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._outage = _outages.setdefault(str(server), _Outage())
        self.mirror = None
        self.redis_keys = {}  # key: the key Redis stores it under, for the mirror
        if prefixes:
            watched = tuple(self.make_key(prefix) for prefix in prefixes)
            self.mirror = _mirrors.get((str(server), watched))
            if self.mirror is None:
                self.mirror = _mirrors.setdefault(
                    (str(server), watched),
                    Mirror(
                        self._servers[0],
                        watched,
                        connect_timeout=float(options.get("socket_connect_timeout") or 1),
                        retry_after=self.retry_after,
                    ),
                )

    def is_down(self) -> bool:
        return time.monotonic() < self._outage.until

    def _failed(self, operation: str, error: Exception):
        if self.mirror is not None:
            # Nothing tells this process of writes while Redis cannot be reached.
            self.mirror.stop()
        with self._outage.lock:
            if self.is_down():
                return
            self._outage.until = time.monotonic() + self.retry_after
        logger.error(
            "The cache is unreachable (%s: %s); serving from the database, trying again in %g s.",
            operation,
            error,
            self.retry_after,
        )

    def reachable(self) -> bool:
        """Ask Redis now, outage or not (for /healthz), and end an outage if it answers."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as error:
            self._failed("ping", error)
            return False
        self._outage.until = 0.0
        return True


def _redis_key(cache, key, version) -> bytes:
    """The key Redis stores `key` under, as bytes (what the mirror and invalidations name)."""
    if version is not None:
        return cache.make_key(key, version=version).encode()
    named = cache.redis_keys.get(key)
    if named is None:
        if len(cache.redis_keys) >= 8192:
            cache.redis_keys.clear()
        # make_key: validate_key only warns of keys memcached would refuse, which Redis takes.
        named = cache.redis_keys[key] = cache.make_key(key).encode()
    return named


def _mirrored_get_many(self, keys, version=None):
    """`RedisCache.get_many`, the keys this process's mirror holds from it, the others from
    Redis (none asked when the mirror holds them all)."""
    mirror = self.mirror
    if mirror is None:
        return RedisCache.get_many(self, keys, version)
    named = {_redis_key(self, key, version): key for key in keys}
    found, generation = mirror.lookup(named)
    asked = [key for key in named if key not in found]
    if asked:
        # Django's RedisCacheClient.get_many, with the values read handed to the mirror.
        loads = self._cache._serializer.loads
        answered = self._cache.get_client(None).mget(asked)
        read = {
            key: loads(value)
            for key, value in zip(asked, answered, strict=True)
            if value is not None
        }
        mirror.keep(generation, read)
        found.update(read)
    return {named[key]: value for key, value in found.items()}


def _resilient(name):
    original = _mirrored_get_many if name == "get_many" else getattr(RedisCache, name)
    when_down = _WHEN_DOWN[name]

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        if self.is_down():
            return when_down(*args, **kwargs)
        try:
            result = original(self, *args, **kwargs)
        except RedisError as error:
            self._failed(name, error)
            return when_down(*args, **kwargs)
        if self._outage.until:
            with self._outage.lock:
                if self._outage.until:
                    self._outage.until = 0.0
                    logger.warning("The cache answers again.")
        return result

    return method


for _name in _WHEN_DOWN:
    setattr(ResilientRedisCache, _name, _resilient(_name))
