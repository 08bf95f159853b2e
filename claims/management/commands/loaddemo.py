from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from claims.immutable_history import loading_history
from claims.models import Claim, PublishedClaim


class Command(BaseCommand):
    help = "Load the demo data (fixtures/demo.json) into an empty database; never over real work."

    def handle(self, *args, **options):
        if Claim.objects.exists():
            # Loading again would put the demo rows back over whatever was published since,
            # leaving claims, versions and evidence out of step.
            self.stdout.write("The database already has claims: demo data not loaded again.")
            return
        with transaction.atomic(), loading_history():
            call_command("loaddata", "demo", verbosity=0)
            # The fixture holds claims and their versions; lists and search read the listing
            # written from them, which loading a fixture does not write.
            PublishedClaim.objects.rebuild()
        self.stdout.write(f"Loaded the demo data: {Claim.objects.count()} claims.")
