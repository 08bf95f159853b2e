"""`make serve` runs the task worker beside gunicorn: an account email queued by a request is
sent by it, through a real (local) SMTP server."""

import http.cookiejar
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request

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
