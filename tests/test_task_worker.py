"""`make serve` runs the task worker beside gunicorn: an account email queued by a request is
sent by it, through a real (local) SMTP server."""

import http.cookiejar
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.serving.servers import ROOT, csrf_of, fetch, production_env, running_server


class SMTPSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive messages; keeps each message's text."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages = []
        super().__init__(("127.0.0.1", 0), _SMTPHandler)


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.server.messages.append(b"".join(lines).decode("utf-8", "replace"))
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_make_serve_starts_a_worker_that_sends_a_queued_reset_email(tmp_path):
    sink = SMTPSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        env = production_env(f"sqlite:///{tmp_path / 'site.sqlite3'}")
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.server_address[1]}?tls=0"
        env.pop("TASKS_BACKEND", None)
        env.pop("TASKS_WORKER", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        create = "from django.contrib.auth.models import User; "
        create += "User.objects.create_user('mia', 'mia@example.org', 'member-pass-123')"
        subprocess.run([*manage, "shell", "-c", create], env=env, check=True, cwd=ROOT)
        with running_server(env) as base:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            url = base + "/accounts/password_reset/"
            form = fetch(url, opener=opener)
            started = time.monotonic()
            reply = fetch(
                url,
                opener=opener,
                data={"email": "mia@example.org", "csrfmiddlewaretoken": csrf_of(form)},
                headers={"Referer": url},
            )
            assert reply.status == 200, reply.text  # the "done" page, redirect followed
            assert time.monotonic() - started < 5
            deadline = time.monotonic() + 30
            while not sink.messages and time.monotonic() < deadline:
                time.sleep(0.2)
        [message] = sink.messages
        assert "To: mia@example.org" in message
        assert "/accounts/reset/" in message
    finally:
        sink.shutdown()
        sink.server_close()


def _task_workers_of(database_url: str) -> list[int]:
    """Process ids of `manage.py db_worker` processes running on this database."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"db_worker" in cmdline and f"DATABASE_URL={database_url}".encode() in environ:
            found.append(int(proc.name))
    return found


def test_a_server_that_cannot_take_its_port_leaves_no_task_worker_behind(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = production_env(database_url)
    env.pop("TASKS_BACKEND", None)
    env.pop("TASKS_WORKER", None)
    log = tmp_path / "serve.log"
    with socket.socket() as taken, log.open("wb") as output:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env["PORT"] = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "serve.py")],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
    time.sleep(1)  # a worker started by the failed server would be running by now
    left_behind = _task_workers_of(database_url)
    for pid in left_behind:
        os.kill(pid, signal.SIGTERM)
    assert result.returncode != 0
    assert b"in use" in log.read_bytes()
    assert left_behind == []
