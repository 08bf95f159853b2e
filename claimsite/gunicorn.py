"""gunicorn's settings for `make serve`, from the same environment variables as the site's."""

import os
import subprocess
import sys
from pathlib import Path

from claimsite.env import env_bool, env_int, unix_socket_bind

# 127.0.0.1 behind a reverse proxy on the same machine; BIND_ADDRESS=0.0.0.0 in a container;
# BIND_ADDRESS=unix:/run/claims/gunicorn.sock for a Unix socket (needs TRUSTED_PROXIES).
bind = unix_socket_bind("BIND_ADDRESS") or (
    f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{env_int('PORT', 8000, minimum=1)}"
)
# gunicorn's own advice for sync workers: two per core, plus one.
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
# Request errors are logged by Django (one line each); gunicorn reports only its own events.
errorlog = "-"

# The task worker (emails: claimsite/mail.py) runs beside the web workers, started and stopped
# with gunicorn, so that `make serve` alone is a working site. TASKS_WORKER=0 leaves it out,
# for a deployment that runs `python manage.py db_worker` as a service of its own (one worker
# or more, on any machine that reaches the database).
_task_worker = None


def on_starting(server):
    # gunicorn's own error pages (a malformed request, an application that failed) get the
    # site's security headers and page: claimsite/server_errors.py.
    from gunicorn import util

    from claimsite.server_errors import write_error

    util.write_error = write_error


def when_ready(server):
    # Started only once gunicorn holds its address: when the bind fails gunicorn exits without
    # calling on_exit, and a worker started earlier would be left running on its own.
    global _task_worker
    backend = os.environ.get("TASKS_BACKEND", "database").strip().lower() or "database"
    if env_bool("TASKS_WORKER", default=True) and backend == "database":
        manage = Path(__file__).resolve().parent.parent / "manage.py"
        _task_worker = subprocess.Popen([sys.executable, str(manage), "db_worker"])  # noqa: S603
        server.log.info("Started the task worker (pid %s)", _task_worker.pid)


def on_exit(server):
    if _task_worker is not None and _task_worker.poll() is None:
        _task_worker.terminate()
        try:
            _task_worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _task_worker.kill()
