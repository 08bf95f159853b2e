"""A copy in this process of the Redis keys under some prefixes, kept true by Redis itself.

Redis's client-side caching, in its broadcasting mode: one connection per process asks Redis
(`CLIENT TRACKING ON BCAST PREFIX …`, RESP3) to push the name of every key under the prefixes
that is written, deleted, expired or evicted, and an empty name when the database is emptied.
Before each lookup the process reads what Redis pushed since the last one (without waiting:
the socket is only read if it holds bytes) and forgets those keys. A value read from Redis is
then kept, and served from this process's memory until Redis says it changed.

Why a copy is never served after a write that finished:
- Redis sends a key's invalidation as it carries out the write, before the writer is told the
  write is done. Whatever the writer does next (answer its request, which a reader then
  follows to another server) comes after the invalidation was sent to every process.
- A value read before a write, kept only after the invalidation was read (by another thread),
  would be stale: so a value is kept only if no invalidation was read while it was asked for.
- A closed connection (Redis restarted, the connection killed) is seen at the next lookup:
  everything is forgotten, and Redis is asked again until a new connection watches.
- A connection that went silent (a network cut that closed nothing) is found by a PING sent
  after a second without news: unanswered for `ping_timeout` seconds, it is dropped as above.
  That is the longest a copy can outlive a write: about two seconds, and only then.

The copy holds the values as read (unpickled once, not at each lookup: every caller gets the
same object, so callers must not change what they get), at most `LIMIT` keys, the oldest
forgotten first.
"""

import contextlib
import logging
import os
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
        self._buffer = b""
        self._retry_at = 0.0
        self._heard_at = 0.0
        self._ping_sent_at = None
        self._unsupported = False

    # What callers use.

    def lookup(self, keys):
        """(values, generation): the copy's values of those of `keys` it has (key: value),
        and the generation to hand back to `keep` with what Redis answers for the others
        (None when nothing may be kept: no connection watches, and the copy is empty)."""
        with self._lock:
            if not self._watching():
                return {}, None
            values = self._values
            return {key: values[key] for key in keys if key in values}, self.generation

    def keep(self, generation, answered: dict) -> None:
        """Keep what Redis answered (Redis key: value; those under the prefixes), unless an
        invalidation was read since `generation` was handed out."""
        with self._lock:
            if generation is None or generation != self.generation or self._sock is None:
                return
            for key, value in answered.items():
                if value is not None and key.startswith(self.prefixes):
                    if len(self._values) >= self.LIMIT:
                        del self._values[next(iter(self._values))]
                    self._values[key] = value

    def watches(self, key: bytes) -> bool:
        return key.startswith(self.prefixes)

    def stop(self, reason: str | None = None) -> None:
        """Forget everything and close the connection (the cache is down, or was replaced)."""
        with self._lock:
            self._drop(reason, retry=True)

    @property
    def watching(self) -> bool:
        return self._sock is not None

    def size(self) -> int:
        return len(self._values)

    # The connection.

    def _watching(self) -> bool:
        if self._pid != os.getpid():
            # A forked process shares its parent's socket: it must have its own.
            self._sock = None
            self._forget()
            self._pid = os.getpid()
        if self._sock is None and not self._start():
            return False
        try:
            self._drain()
            self._check_alive()
        except (OSError, ProtocolError) as error:
            self._drop(f"{type(error).__name__}: {error}", retry=False)
            return self._start()
        return True

    def _start(self) -> bool:
        now = time.monotonic()
        if self._unsupported or now < self._retry_at:
            return False
        try:
            self._sock = self._connect()
        except (OSError, ProtocolError) as error:
            self._sock = None
            self._retry_at = now + self.retry_after
            logger.warning("Not watching the cache's stamps (%s); asking Redis instead.", error)
            return False
        self._buffer = b""
        self._heard_at = time.monotonic()
        self._ping_sent_at = None
        self._forget()
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
                    if message.startswith(("NOPROTO", "ERR unknown")):
                        self._unsupported = True  # Redis before 6: pages still work, asking
                    raise ProtocolError(message)
            sock.setblocking(False)
            return sock
        except BaseException:
            sock.close()
            raise

    def _drain(self):
        """Read what Redis pushed since the last lookup, without waiting."""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):
                break
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self._buffer += chunk
            if len(chunk) < 65536:
                break
        buffer, start = self._buffer, 0
        while start < len(buffer):
            try:
                kind, value, start = parse(buffer, start)
            except Incomplete:
                break
            self._heard(kind, value)
        self._buffer = buffer[start:]

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
        elif kind == "-":
            raise ProtocolError(value.decode(errors="replace"))

    def _check_alive(self):
        now = time.monotonic()
        if self._ping_sent_at is not None:
            if now - self._ping_sent_at > self.ping_timeout:
                raise ConnectionError(f"no answer to a PING in {self.ping_timeout:g} s")
        elif now - self._heard_at > PING_EVERY:
            self._sock.send(command("PING"))
            self._ping_sent_at = now

    def _drop(self, reason, *, retry):
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
            if reason:
                logger.warning("Stopped watching the cache's stamps (%s).", reason)
        if retry:
            self._retry_at = time.monotonic() + self.retry_after
        self._forget()

    def _forget(self):
        self._values.clear()
        self._buffer = b""
        self.generation += 1
