#!/usr/bin/env python
"""Run the site as in production: DEBUG off, migrations applied, static files collected, gunicorn.

    SECRET_KEY=… ALLOWED_HOSTS=claims.example.org make serve

Refuses to start, naming what is missing, when the settings are incomplete.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimsite.settings")

    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        sys.exit(f"make serve: {error}")

    from django.core.management import call_command

    from claimsite.env import unix_socket_bind

    try:
        unix_socket_bind("BIND_ADDRESS")
    except ImproperlyConfigured as error:
        sys.exit(f"make serve: {error}")

    call_command("migrate", interactive=False, verbosity=1)
    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    # Replace this process, so that gunicorn gets the signals a supervisor sends.
    os.execv(gunicorn, [gunicorn, "--config", "python:claimsite.gunicorn", "claimsite.wsgi"])  # noqa: S606


if __name__ == "__main__":
    main()
