"""Each process's copy of the stamps, kept true by Redis (claimsite/mirror.py): what Redis
pushes is read correctly, a changed key is never served from the copy again, and a connection
that closed or went silent forgets everything."""

import contextlib
import logging
import os
import pickle
import socket
import threading
import time

import pytest
import redis
from django.core.cache import CacheHandler

from claimsite import cache as resilient
from claimsite import mirror as mirrors
from claimsite.env import cache_from_url
from claimsite.mirror import Incomplete, Mirror, ProtocolError, command, parse
from tests.conftest import require

PUSH_ABC = b">2\r\n$10\r\ninvalidate\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n"


@pytest.mark.parametrize(
    ("frame", "kind", "value"),
    [
        (b"+OK\r\n", "+", b"OK"),
        (b"-ERR unknown command\r\n", "-", b"ERR unknown command"),
        (b":42\r\n", ":", 42),
        (b"(12345678901234567890\r\n", "(", 12345678901234567890),
        (b"#t\r\n", "#", True),
        (b",1.5\r\n", ",", b"1.5"),
        (b"_\r\n", "_", None),
        (b"$5\r\nhe\r\no\r\n", "$", b"he\r\no"),
        (b"$0\r\n\r\n", "$", b""),
        (b"$-1\r\n", "$", None),
        (b"*-1\r\n", "*", None),
        (b"=7\r\ntxt:abc\r\n", "=", b"txt:abc"),
        (b"*2\r\n:1\r\n*1\r\n+x\r\n", "*", [1, [b"x"]]),
        (b"%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n", "%", [b"server", b"redis", b"proto", 3]),
        (b"~1\r\n+a\r\n", "~", [b"a"]),
        (PUSH_ABC, ">", [b"invalidate", [b"a", b"bc"]]),
        # The database emptied: no key names, every key is invalid.
        (b">2\r\n$10\r\ninvalidate\r\n_\r\n", ">", [b"invalidate", None]),
        # An attribute describes the reply after it, which is the frame.
        (b"|1\r\n+ttl\r\n:3\r\n+OK\r\n", "+", b"OK"),
    ],
)
def test_a_frame_is_read_whole(frame, kind, value):
    assert parse(frame) == (kind, value, len(frame))
    # The same frame after another one, and followed by more bytes.
    assert parse(b"+PONG\r\n" + frame + b"+next", 7) == (kind, value, 7 + len(frame))


@pytest.mark.parametrize("cut", range(len(PUSH_ABC)))
def test_a_frame_cut_anywhere_asks_for_more(cut):
    with pytest.raises(Incomplete):
        parse(PUSH_ABC[:cut])


@pytest.mark.parametrize(
    "frame", [b"?what\r\n", b":4x\r\n", b"$3\r\nabcd\r\n", b"*x\r\n", b"$\r\n"]
)
def test_what_is_not_resp3_is_refused(frame):
    with pytest.raises(ProtocolError):
        parse(frame)


def test_a_command_is_sent_as_an_array_of_strings():
    assert command("CLIENT", "TRACKING", b"ON", 3) == (
        b"*4\r\n$6\r\nCLIENT\r\n$8\r\nTRACKING\r\n$2\r\nON\r\n$1\r\n3\r\n"
    )


# A Redis of our own, to send what real Redis sends only by chance: a push cut in two, or
# silence.


class FakeRedis:
    """Accepts connections, answers HELLO and CLIENT TRACKING, then answers PING only while
    `answers_ping` is set; `push()` sends bytes to the newest connection."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.answers_ping = True
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.listener.settimeout(0.05)
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        buffer = b""
        with contextlib.suppress(OSError):
            while not self.stopped.is_set():
                chunk = connection.recv(4096)
                if not chunk:
                    return
                buffer += chunk
                while True:
                    try:
                        _, args, end = parse(buffer)
                    except Incomplete:
                        break
                    buffer = buffer[end:]
                    if args[0] == b"HELLO":
                        connection.sendall(b"%1\r\n+server\r\n+redis\r\n")
                    elif args[0] == b"CLIENT":
                        connection.sendall(b"+OK\r\n")
                    elif args[0] == b"PING" and self.answers_ping:
                        connection.sendall(b"+PONG\r\n")

    def push(self, data: bytes):
        self.connections[-1].sendall(data)

    def close(self):
        self.stopped.set()
        for connection in self.connections:
            connection.close()
        self.listener.close()


@pytest.fixture
def fake():
    server = FakeRedis()
    yield server
    server.close()


OPENED = []


@pytest.fixture(autouse=True)
def closed_after():
    """Each mirror a test opens is closed after it: its thread ends, and does not go on
    trying a server that is gone (and logging so) through the next tests."""
    yield
    while OPENED:
        OPENED.pop().close()
    for mirror in resilient._mirrors.values():
        mirror.close()
    resilient._mirrors.clear()


def opened(port, **options) -> Mirror:
    options = {"connect_timeout": 1, "retry_after": 60, **options}
    mirror = Mirror(f"redis://127.0.0.1:{port}/0", [b"stamps:"], **options)
    OPENED.append(mirror)
    return mirror


def watching(port, **options) -> Mirror:
    """A mirror whose thread has connected (a first lookup starts it)."""
    mirror = opened(port, **options)
    assert mirror.lookup([b"stamps:a"]) == ({}, None), "nothing is served before it watches"
    eventually(lambda: mirror.watching)
    return mirror


def kept(mirror, values):
    found, generation = mirror.lookup(list(values))
    assert found == {} and generation is not None
    mirror.keep(generation, values)
    assert mirror.lookup(list(values))[0] == values


def eventually(check):
    """What the fake server sent reaches the process's socket a moment later; real Redis
    sends an invalidation before the writer hears that its write is done."""
    for _ in range(200):
        if check():
            return
        time.sleep(0.005)
    raise AssertionError("never happened")


def test_a_pushed_key_is_forgotten_even_in_pieces_and_others_stay(fake):
    mirror = watching(fake.port)
    kept(mirror, {b"stamps:a": b"1", b"stamps:b": b"2"})
    push = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$8\r\nstamps:a\r\n"
    fake.push(push[:20])
    time.sleep(0.02)
    assert mirror.lookup([b"stamps:a"])[0] == {b"stamps:a": b"1"}, "half a push changes nothing"
    fake.push(push[20:])
    eventually(lambda: mirror.lookup([b"stamps:a"])[0] == {})
    assert mirror.lookup([b"stamps:b"])[0] == {b"stamps:b": b"2"}


def test_an_emptied_database_forgets_every_key(fake):
    mirror = watching(fake.port)
    kept(mirror, {b"stamps:a": b"1", b"stamps:b": b"2"})
    fake.push(b">2\r\n$10\r\ninvalidate\r\n_\r\n")
    eventually(lambda: mirror.lookup([b"stamps:b"])[0] == {} and mirror.size() == 0)


def test_only_keys_under_the_prefixes_are_kept(fake):
    mirror = watching(fake.port)
    _, generation = mirror.lookup([b"page:x", b"stamps:a"])
    mirror.keep(generation, {b"page:x": b"page", b"stamps:a": b"1", b"stamps:b": None})
    assert mirror.lookup([b"stamps:a"])[0] == {b"stamps:a": b"1"}
    assert mirror.lookup([b"stamps:a", b"page:x"])[0] == {b"stamps:a": b"1"}
    assert mirror.lookup([b"stamps:b"])[0] == {}, "a key Redis does not have is asked again"


def test_a_value_asked_for_while_it_changed_is_not_kept(fake):
    mirror = watching(fake.port)
    _, generation = mirror.lookup([b"stamps:a"])
    # Meanwhile another thread reads an invalidation of the key: the answer may predate it.
    fake.push(b">2\r\n$10\r\ninvalidate\r\n*1\r\n$8\r\nstamps:a\r\n")
    eventually(lambda: mirror.lookup([b"stamps:zz"])[1] != generation)
    mirror.keep(generation, {b"stamps:a": b"old"})
    assert mirror.lookup([b"stamps:a"])[0] == {}


def test_a_closed_connection_forgets_everything_and_watches_again(fake, caplog):
    mirror = watching(fake.port, retry_after=0.05)
    kept(mirror, {b"stamps:a": b"1"})
    fake.connections[-1].close()
    with caplog.at_level(logging.WARNING, logger="claimsite.mirror"):
        eventually(lambda: mirror.lookup([b"stamps:a"])[0] == {})
    assert "Stopped watching" in caplog.text
    eventually(lambda: len(fake.connections) == 2 and mirror.lookup([])[1] is not None)
    kept(mirror, {b"stamps:a": b"2"})


def test_a_silent_connection_is_dropped_after_an_unanswered_ping(fake, monkeypatch, caplog):
    monkeypatch.setattr(mirrors, "PING_EVERY", 0.05)
    mirror = watching(fake.port, ping_timeout=0.1)
    kept(mirror, {b"stamps:a": b"1"})
    time.sleep(0.2)
    assert mirror.lookup([b"stamps:a"])[0] == {b"stamps:a": b"1"}, "answered PINGs keep it"
    fake.answers_ping = False
    with caplog.at_level(logging.WARNING, logger="claimsite.mirror"):
        # The thread's PING goes unanswered, even with no lookup to notice.
        eventually(lambda: not mirror.watching)
    assert mirror.lookup([b"stamps:a"]) == ({}, None)
    assert "no answer to a PING" in caplog.text


def test_a_burst_is_not_served_from_until_a_ping_comes_back(fake, monkeypatch):
    """Redis writes at most 64 KB to a connection in one pass: after a burst of pushes, the
    rest of it may come after a writer was told its write was done."""
    mirror = watching(fake.port)
    kept(mirror, {b"stamps:a": b"1"})
    fake.answers_ping = False
    push = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$10\r\nstamps:%03d\r\n"
    fake.push(b"".join(push % (n % 1000) for n in range(600)))  # over 16 KB of other keys
    eventually(lambda: mirror.lookup([b"stamps:a"]) == ({}, None))
    _, generation = mirror.lookup([])
    mirror.keep(generation, {b"stamps:a": b"2"})
    assert mirror.size() == 0, "nothing is kept until the PING's answer"
    fake.answers_ping = True
    fake.push(b"+PONG\r\n")
    eventually(lambda: mirror.lookup([])[1] is not None)
    kept(mirror, {b"stamps:a": b"2"})


def test_a_forked_process_watches_on_a_connection_of_its_own(fake, monkeypatch):
    mirror = watching(fake.port)
    kept(mirror, {b"stamps:a": b"1"})
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert mirror.lookup([b"stamps:a"]) == ({}, None), "the parent's copy is not the child's"
    eventually(lambda: len(fake.connections) == 2 and mirror.lookup([])[1] is not None)


def test_without_redis_nothing_is_kept_and_connecting_waits_before_trying_again(caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mirror = opened(port)
    with caplog.at_level(logging.WARNING, logger="claimsite.mirror"):
        assert mirror.lookup([b"stamps:a"]) == ({}, None)
        eventually(lambda: "Not watching" in caplog.text)
        time.sleep(0.2)
        assert mirror.lookup([b"stamps:a"]) == ({}, None)
    assert caplog.text.count("Not watching") == 1, "one attempt, then a pause"


# Against the real Redis of scripts/with-redis.


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        require("REQUIRE_REDIS", "no Redis to watch: run under scripts/with-redis")
    redis.Redis.from_url(url).flushdb()
    return url


def site_cache(monkeypatch, url, **extra):
    """A cache as settings.py makes it for CACHE_URL=redis://…, stamps mirrored."""
    monkeypatch.setenv("CACHE_URL", url)
    config = cache_from_url("CACHE_URL")
    config["OPTIONS"].update(mirror_prefixes=["stamps:"], **extra)
    resilient._outages.clear()
    for mirror in resilient._mirrors.values():
        mirror.close()  # earlier tests' copies: this test's is the one watching
    resilient._mirrors.clear()
    cache = CacheHandler({"default": config})["default"]
    cache.get_many(["stamps:none"])  # the first lookup starts the mirror's thread
    eventually(lambda: cache.mirror.watching)
    return cache


@pytest.fixture
def mirrored(redis_url, monkeypatch):
    """(the site's cache with stamps mirrored, a plain client of the same Redis)."""
    cache = site_cache(monkeypatch, redis_url)
    yield cache, redis.Redis.from_url(redis_url)
    cache.mirror.stop()


def mget_calls(client) -> int:
    return client.info("commandstats").get("cmdstat_mget", {}).get("calls", 0)


def test_a_key_read_once_is_served_again_without_asking_redis(mirrored):
    cache, other = mirrored
    cache.set("stamps:a", ("row", 1))
    cache.set("page:p", b"<html>")
    assert cache.get_many(["stamps:a"]) == {"stamps:a": ("row", 1)}
    before = mget_calls(other)
    for _ in range(5):
        assert cache.get_many(["stamps:a"]) == {"stamps:a": ("row", 1)}
    assert mget_calls(other) == before
    # A key outside the prefixes is asked of Redis each time, alone.
    monitor = other.monitor()
    with monitor as commands:
        both = cache.get_many(["stamps:a", "page:p"])
        asked = next(c["command"] for c in commands.listen() if "MGET" in c["command"])
    assert both == {"stamps:a": ("row", 1), "page:p": b"<html>"}
    assert asked == f"MGET {cache.make_key('page:p')}"


def test_a_write_by_another_process_is_seen_at_the_very_next_read(redis_url, monkeypatch):
    cache = site_cache(monkeypatch, redis_url)
    # Another server: a cache of its own, on its own connections.
    writer = CacheHandler({"default": cache_from_url("CACHE_URL")})["default"]
    for value in range(100):
        writer.set("stamps:a", value)
        assert cache.get_many(["stamps:a", "stamps:site"]) == {"stamps:a": value}
        assert cache.get_many(["stamps:a"]) == {"stamps:a": value}
        if value % 10 == 9:
            writer.delete("stamps:a")
            assert cache.get_many(["stamps:a"]) == {}
    writer.set("stamps:site", "epoch")
    assert cache.get_many(["stamps:site"]) == {"stamps:site": "epoch"}
    writer.clear()
    assert cache.get_many(["stamps:a", "stamps:site"]) == {}
    cache.mirror.stop()


def test_a_key_that_expires_is_forgotten(mirrored):
    cache, other = mirrored
    cache.set("stamps:a", "soon gone")
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "soon gone"}
    other.pexpire(cache.make_key("stamps:a"), 1)
    time.sleep(0.01)
    other.get(cache.make_key("stamps:a"))  # Redis deletes an expired key when it is touched
    assert cache.get_many(["stamps:a"]) == {}


def test_a_killed_connection_is_noticed_before_a_copy_is_served(mirrored):
    cache, other = mirrored
    cache.mirror.retry_after = 0.05
    cache.set("stamps:a", "first")
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "first"}
    name = f"claims-mirror-{os.getpid()}"
    # This test's mirror is the newest connection of that name.
    watcher = max((c for c in other.client_list() if c["name"] == name), key=lambda c: int(c["id"]))
    other.client_kill_filter(_id=watcher["id"])
    # Written while nobody watches for this process: the copy must not be served.
    other.set(cache.make_key("stamps:a"), pickle.dumps("second"))
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "second"}
    eventually(lambda: [c for c in other.client_list() if c["name"] == name])


def test_a_failed_operation_stops_the_mirror_until_redis_answers_again(redis_url, monkeypatch):
    cache = site_cache(monkeypatch, redis_url, retry_after=0.2)
    cache.set("stamps:a", "kept")
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "kept"}
    assert cache.mirror.size() == 1
    cache._failed("get", redis.exceptions.ConnectionError("as if Redis went away"))
    assert cache.mirror.size() == 0 and not cache.mirror.watching
    eventually(lambda: cache.mirror.watching)
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "kept"}
    cache.mirror.stop()


def test_a_write_after_a_burst_of_writes_is_seen_at_the_next_read(mirrored):
    """20,000 writes to other stamps, then one to the key kept: whatever Redis still holds
    back of the burst, the next read gives the new value."""
    cache, other = mirrored
    cache.set("stamps:a", "old")
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "old"}
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "old"}
    with other.pipeline(transaction=False) as burst:
        for n in range(20_000):
            burst.set(cache.make_key(f"stamps:other:{n}"), b"x")
        burst.set(cache.make_key("stamps:a"), pickle.dumps("new"))
        burst.execute()
    assert cache.get_many(["stamps:a"]) == {"stamps:a": "new"}
