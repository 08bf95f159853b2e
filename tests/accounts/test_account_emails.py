"""Account emails go out through the task worker: a request never waits for the mail server,
and a reset takes the same time whether or not the email has an account."""

import signal
import socket
import threading
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

RESET = "/accounts/password_reset/"
# The mail server holds a request waiting on it this long; the site must answer well within
# it (half, to allow for a busy machine).
STALL = 10
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


class StallingMailServer:
    """A local SMTP server that accepts connections and never answers."""

    def __enter__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        return self

    def _accept(self):
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                self.connections.append(self.listener.accept()[0])
            except OSError:
                continue

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        for connection in self.connections:
            connection.close()
        self.listener.close()


@pytest.fixture
def stalling_smtp(settings):
    with StallingMailServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = STALL
        yield server


def timed_reset(email, address):
    started = time.monotonic()
    response = Client().post(RESET, {"email": email}, REMOTE_ADDR=address)
    return response, time.monotonic() - started


def test_a_reset_does_not_wait_for_a_stalled_mail_server(member, settings, stalling_smtp):
    settings.TASKS = DATABASE_TASKS
    registered, registered_time = timed_reset("mia@example.org", "10.0.0.1")
    unknown, unknown_time = timed_reset("nobody@example.org", "10.0.0.2")
    assert registered.status_code == unknown.status_code == 302
    assert registered_time < STALL / 2 and unknown_time < STALL / 2
    # Both requests queued the same task; the worker finds out who has an account.
    assert DBTaskResult.objects.count() == 2


def run_worker_here():
    """`manage.py db_worker` in this process, until the queue is empty. The worker takes
    SIGINT, SIGTERM and SIGQUIT for its graceful stop: they are given back afterwards, or a
    later Ctrl+C (or CI's stop) would reach the worker's handler instead of the test run."""
    kept = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_queued_reset_email(member, settings):
    # In transactions of its own: the worker takes SQLite's write lock itself.
    settings.TASKS = DATABASE_TASKS
    Client().post(RESET, {"email": "mia@example.org"}, REMOTE_ADDR="10.0.0.1")
    Client().post(RESET, {"email": "nobody@example.org"}, REMOTE_ADDR="10.0.0.2")
    assert mail.outbox == []
    run_worker_here()
    [email] = mail.outbox
    assert email.to == ["mia@example.org"]
    assert "/accounts/reset/" in email.body
    assert "testserver" in email.body


def test_a_sign_up_with_a_registered_email_does_not_wait_for_the_mail_server(
    member, settings, stalling_smtp
):
    settings.TASKS = DATABASE_TASKS
    started = time.monotonic()
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "mallory",
            "email": "mia@example.org",
            "password1": "a-long-unusual-pass-88",
            "password2": "a-long-unusual-pass-88",
        },
        REMOTE_ADDR="10.0.0.3",
    )
    assert response.status_code == 302
    assert time.monotonic() - started < STALL / 2
    assert DBTaskResult.objects.count() == 1


def test_send_email_sends_one_email(settings):
    from claimsite.mail import send_email

    send_email.enqueue(subject="Hello\nthere", body="Body", to=["a@example.org"])
    [email] = mail.outbox
    assert (email.subject, email.body, email.to) == ("Hello there", "Body", ["a@example.org"])
