"""Start the site the way `make serve` does (scripts/serve.py: gunicorn, DEBUG off) for a test."""

import contextlib
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, **extra) -> dict:
    """Only what production needs, with plain HTTP allowed because the test has no TLS."""
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        WEB_CONCURRENCY="1",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def running_server(env: dict, *, timeout: float = 60, log: Path | None = None):
    """Yield the base URL of a production server; stop it (and only it) afterwards.

    With `log`, what the server prints goes to that file, to be read while it runs.
    """
    port = free_port()
    output = log.open("wb") if log else subprocess.PIPE
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py")],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                printed = log.read_text() if log else process.stdout.read().decode()
                raise RuntimeError(f"the server stopped: {printed}")
            try:
                if fetch(base + "/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz in time")
            time.sleep(0.2)
        yield base
    finally:
        # The whole process group: gunicorn's master and its workers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log:
            output.close()
        else:
            process.stdout.close()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, *, opener=None, data=None, headers=None) -> Response:
    opener = opener or urllib.request.build_opener(_NoRedirect)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as reply:
            return Response(reply.status, reply.headers, reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def signed_in_opener(base: str, username: str, password: str, login_path="/admin/login/"):
    """A browser-like opener (cookies, no redirects followed), signed in on the login page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    opener.cookie_jar = jar
    page = fetch(base + login_path, opener=opener)
    reply = fetch(
        base + login_path,
        opener=opener,
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_of(page)},
        headers={"Referer": base + login_path},
    )
    assert reply.status == 302, reply.text
    return opener


def csrf_of(page: Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
