from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from claims.models import ImmutableVersionError


class Command(loaddata.Command):
    """Django's loaddata, saying in one line why a fixture may not touch published history
    (claims.immutable_history.refuse_fixture_overwrite) instead of a traceback."""

    def handle(self, *fixture_labels, **options):
        try:
            super().handle(*fixture_labels, **options)
        except ImmutableVersionError as error:
            raise CommandError(str(error)) from None
