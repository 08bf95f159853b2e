"""A copy in this process of the Redis keys under some prefixes, kept true by Redis itself.

Redis's client-side caching, in its broadcasting mode: one connection per process asks Redis
(`CLIENT TRACKING ON BCAST PREFIX …`, RESP3) to push the name of every key under the prefixes
that is written, deleted, expired or evicted, and an empty name when the database is emptied.
A thread of the process reads what Redis pushes as it comes (and sends a PING after a second
without news); each lookup also reads what is waiting, without waiting for more, and forgets
the keys named. A value read from Redis is then kept, and served from this process's memory
until Redis says it changed.

Why a copy is never served after a write that finished:
- Redis queues a key's invalidation as it carries out the write, and writes it out in the same
  pass as the writer's reply. Whatever the writer does next (answer its request, which a reader
  then follows to another server) comes after the invalidation was sent to every process, and
  the lookup reads it first.
- Redis writes at most 64 KB to one connection in a pass. Only a burst of over a thousand
  invalidations queues that much, and then the rest may come after the writer's reply: so once
  16 KB has been read since the last PONG, the copy is forgotten and nothing is served or kept
  from it until the answer to a PING comes back, after everything Redis had queued before it.
- A value read before a write, kept only after the invalidation was read (by another thread),
  would be stale: so a value is kept only if no invalidation was read while it was asked for.
- A closed connection (Redis restarted, the connection killed) is seen by the thread or the
  next lookup: everything is forgotten, and Redis is asked until a new connection watches.
- A connection that went silent (a network cut that closed nothing) is found by the PING:
  unanswered for `ping_timeout` seconds, it is dropped as above. That is the longest a copy can
  outlive a write: about two seconds, and only then.

The copy holds the values as read (unpickled once, not at each lookup: every caller gets the
same object, so callers must not change what they get), at most `LIMIT` keys, the oldest
forgotten first.
"""

import contextlib
import logging
import os
import select
import socket
import ssl
import threading
import time
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

PING_EVERY = 1.0


class ProtocolError(Exception):
    """Redis sent something that is not RESP3."""


class Incomplete(Exception):
    """The buffer ends inside a frame: read more."""


def parse(buffer: bytes, start: int = 0):
    """One RESP3 frame of `buffer` from `start`: (kind, value, end).

    `kind` is the frame's first byte ("+", "-", ">", …); an array, map, set or push is a list
    of its values (a map's keys and values in turn); a null is None. Raises Incomplete when the
    frame does not end in `buffer`, ProtocolError when it is not RESP3.
    """
    end = buffer.find(b"\r\n", start)
    if end < 0:
        raise Incomplete
    kind, line, after = chr(buffer[start]), buffer[start + 1 : end], end + 2
    if kind in "+-":
        return kind, line, after
    if kind == "_":
        return kind, None, after
    if kind in ":(":
        return kind, _number(line), after
    if kind == "#":
        return kind, line == b"t", after
    if kind == ",":
        return kind, line, after
    if kind in "$!=":
        size = _number(line)
        if size < 0:
            return kind, None, after
        if len(buffer) < after + size + 2:
            raise Incomplete
        if buffer[after + size : after + size + 2] != b"\r\n":
            raise ProtocolError("a string does not end where its length says")
        return kind, buffer[after : after + size], after + size + 2
    if kind in "*~>%|":
        count = _number(line)
        if count < 0:
            return kind, None, after
        values = []
        for _ in range(count * 2 if kind in "%|" else count):
            _, value, after = parse(buffer, after)
            values.append(value)
        if kind == "|":
            # Attributes describe the reply that follows them: the reply is the frame.
            return parse(buffer, after)
        return kind, values, after
    raise ProtocolError(f"unknown frame type {kind!r}")


def _number(line: bytes) -> int:
    try:
        return int(line)
    except ValueError:
        raise ProtocolError(f"not a number: {line[:20]!r}") from None


def command(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        arg = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


class Mirror:
    """This process's copy of the keys under `prefixes` of the Redis at `url`."""

    LIMIT = 20_000
    # Read since the last PONG, this much may mean Redis holds more back: see the module's text.
    BURST = 16 * 1024

    def __init__(
        self,
        url: str,
        prefixes,
        *,
        connect_timeout: float,
        retry_after: float,
        ping_timeout: float = 1.0,
    ):
        self.url = url
        self.prefixes = tuple(p if isinstance(p, bytes) else p.encode() for p in prefixes)
        self.connect_timeout = connect_timeout
        self.retry_after = retry_after
        self.ping_timeout = ping_timeout
        self._lock = threading.Lock()
        self._values: dict[bytes, object] = {}
        # Counts the invalidations read: a value asked for while it changed is not kept.
        self.generation = 0
        self._sock = None
        self._pid = None
        self._thread = None
        self._buffer = b""
        self._retry_at = 0.0
        self._heard_at = 0.0
        self._ping_sent_at = None
        self._read_since_pong = 0
        # Waiting for a PONG before the copy may be used again (after a burst).
        self._barrier = False
        self._unsupported = False
        self._closed = False

    # What callers use.

    def lookup(self, keys):
        """(values, generation): the copy's values of those of `keys` it has (key: value),
        and the generation to hand back to `keep` with what Redis answers for the others
        (None when nothing may be kept: no connection watches, and the copy is empty)."""
        with self._lock:
            if not self._usable():
                return {}, None
            values = self._values
            return {key: values[key] for key in keys if key in values}, self.generation

    def keep(self, generation, answered: dict) -> None:
        """Keep what Redis answered (Redis key: value; those under the prefixes), unless an
        invalidation was read since `generation` was handed out."""
        with self._lock:
            if generation is None or generation != self.generation or not self._ready():
                return
            for key, value in answered.items():
                if value is not None and key.startswith(self.prefixes):
                    if len(self._values) >= self.LIMIT:
                        del self._values[next(iter(self._values))]
                    self._values[key] = value

    def stop(self, reason: str | None = None) -> None:
        """Forget everything and close the connection (the cache is down, or was replaced);
        the thread connects again after `retry_after`."""
        with self._lock:
            self._drop(reason)

    def close(self) -> None:
        """Stop watching for good: the thread ends and nothing is kept again."""
        with self._lock:
            self._closed = True
            self._drop(None)

    @property
    def watching(self) -> bool:
        return self._sock is not None

    def size(self) -> int:
        return len(self._values)

    # Under the lock.

    def _ready(self) -> bool:
        return self._sock is not None and not self._barrier and self._pid == os.getpid()

    def _usable(self) -> bool:
        """Whether the copy may be served now, once what Redis pushed has been read."""
        if self._closed:
            return False
        if self._pid != os.getpid():
            # A new process (a fork) shares its parent's socket and has none of its threads.
            self._sock = None
            self._forget()
            self._pid = os.getpid()
            self._retry_at = 0.0
            self._thread = threading.Thread(target=self._watch, name="stamps-mirror", daemon=True)
            self._thread.start()
        if self._sock is None or not self._thread.is_alive():
            return False
        try:
            self._drain()
        except (OSError, ProtocolError) as error:
            self._drop(f"{type(error).__name__}: {error}")
            return False
        return not self._barrier

    def _drain(self):
        """Read everything Redis pushed, without waiting for more."""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):
                break
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self._buffer += chunk
            self._read_since_pong += len(chunk)
        buffer, start = self._buffer, 0
        while start < len(buffer):
            try:
                kind, value, start = parse(buffer, start)
            except Incomplete:
                break
            self._heard(kind, value)
        self._buffer = buffer[start:]
        if self._read_since_pong > self.BURST and not self._barrier:
            # Redis may hold the rest of a burst back: wait for a PING's answer.
            self._forget()
            self._barrier = True
            self._ping()

    def _heard(self, kind, value):
        self._heard_at = time.monotonic()
        if kind == ">" and value and value[0] == b"invalidate":
            keys = value[1] if len(value) > 1 else None
            self.generation += 1
            if keys is None:
                self._values.clear()  # the database was emptied
            else:
                for key in keys:
                    self._values.pop(key, None)
        elif kind == "+" and value == b"PONG":
            self._ping_sent_at = None
            self._read_since_pong = 0
            self._barrier = False
        elif kind == "-":
            raise ProtocolError(value.decode(errors="replace"))

    def _ping(self):
        if self._ping_sent_at is None:
            self._sock.send(command("PING"))
            self._ping_sent_at = time.monotonic()

    def _check_alive(self):
        now = time.monotonic()
        if self._ping_sent_at is not None:
            if now - self._ping_sent_at > self.ping_timeout:
                raise ConnectionError(f"no answer to a PING in {self.ping_timeout:g} s")
        elif now - self._heard_at > PING_EVERY:
            self._ping()

    def _drop(self, reason):
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
            if reason:
                logger.warning("Stopped watching the cache's stamps (%s).", reason)
        self._retry_at = time.monotonic() + self.retry_after
        self._forget()

    def _forget(self):
        self._values.clear()
        self._buffer = b""
        self._read_since_pong = 0
        self._ping_sent_at = None
        self._barrier = False
        self.generation += 1

    # The thread: connects (never a request), reads pushes as they come, pings when quiet.

    def _watch(self):
        pid = os.getpid()
        while self._pid == pid and not (self._unsupported or self._closed):
            try:
                self._turn()
            except Exception:  # noqa: BLE001 - the thread must outlive anything
                logger.exception("The stamps' watcher failed; starting again.")
                with self._lock:
                    self._drop(None)

    def _turn(self):
        sock = self._sock
        if sock is None:
            if not self._start():
                time.sleep(max(0.05, min(self.retry_after, self._retry_at - time.monotonic())))
            return
        # Closed meanwhile (by a lookup or stop()): the lock below sees it.
        with contextlib.suppress(OSError, ValueError):
            select.select([sock], [], [], PING_EVERY / 2)
        with self._lock:
            if self._sock is not sock:
                return
            try:
                self._drain()
                self._check_alive()
            except (OSError, ProtocolError) as error:
                self._drop(f"{type(error).__name__}: {error}")

    def _start(self) -> bool:
        if self._unsupported or time.monotonic() < self._retry_at:
            return False
        try:
            sock, leftover = self._connect()
        except (OSError, ProtocolError) as error:
            with self._lock:
                self._retry_at = time.monotonic() + self.retry_after
            logger.warning("Not watching the cache's stamps (%s); asking Redis instead.", error)
            return False
        with self._lock:
            if self._closed or self._pid != os.getpid():
                sock.close()  # closed, or forked, while connecting
                return False
            self._forget()
            self._sock = sock
            self._buffer = leftover
            self._heard_at = time.monotonic()
        return True

    def _connect(self):
        url = urlsplit(self.url)
        sock = socket.create_connection(
            (url.hostname, url.port or 6379), timeout=self.connect_timeout
        )
        try:
            if url.scheme == "rediss":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=url.hostname)
            hello = ["HELLO", "3"]
            if url.password is not None:
                hello += ["AUTH", unquote(url.username or "default"), unquote(url.password)]
            hello += ["SETNAME", f"claims-mirror-{os.getpid()}"]
            tracking = ["CLIENT", "TRACKING", "ON", "BCAST"]
            for prefix in self.prefixes:
                tracking += ["PREFIX", prefix]
            sock.sendall(command(*hello) + command(*tracking))
            buffer = b""
            replies = []
            while len(replies) < 2:
                try:
                    kind, value, end = parse(buffer)
                except Incomplete:
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("Redis closed the connection") from None
                    buffer += chunk
                    continue
                buffer = buffer[end:]
                replies.append((kind, value))
            for kind, value in replies:
                if kind == "-":
                    message = value.decode(errors="replace")
                    if message.startswith(("NOPROTO", "NOPERM", "ERR")):
                        # Redis before 6, or a server or account that may not track keys:
                        # pages still work, asking Redis every time.
                        self._unsupported = True
                    raise ProtocolError(message)
            sock.setblocking(False)
            return sock, buffer
        except BaseException:
            sock.close()
            raise
