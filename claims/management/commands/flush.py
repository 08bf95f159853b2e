from django.core.management.commands import flush
from django.db import connections

from claims import caching
from claims.immutable_history import allow_flush


class Command(flush.Command):
    """Django's flush, which on SQLite may empty the append-only analysis versions table.

    Emptying the whole database is the one deliberate way to remove history; PostgreSQL's
    flush uses TRUNCATE, which the row triggers do not see, so both databases behave alike.
    Transactional tests rely on this between tests.
    """

    def handle(self, **options):
        with connections[options["database"]].execute_wrapper(allow_flush):
            super().handle(**options)
        # Every stamp a shared cache keeps names something that is gone.
        caching.forget_stamps()
