"""gunicorn's settings for `make serve`, from the same environment variables as the site's."""

import os

from claimsite.env import env_int

# 127.0.0.1 behind a reverse proxy on the same machine; BIND_ADDRESS=0.0.0.0 in a container.
bind = f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{env_int('PORT', 8000, minimum=1)}"
# gunicorn's own advice for sync workers: two per core, plus one.
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
# Request errors are logged by Django (one line each); gunicorn reports only its own events.
errorlog = "-"


def on_starting(server):
    """gunicorn's own error pages (a malformed request, an application that failed) get the
    site's security headers and page: claimsite/server_errors.py."""
    from gunicorn import util

    from claimsite.server_errors import write_error

    util.write_error = write_error
