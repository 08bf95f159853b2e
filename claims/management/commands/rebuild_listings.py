from django.core.management.base import BaseCommand

from claims.models import PublishedClaim


class Command(BaseCommand):
    help = (
        "Write the listing and search index of every published claim again from its latest "
        "version: after loading a fixture or restoring a dump. Safe to run at any time."
    )

    def handle(self, *args, **options):
        count = PublishedClaim.objects.rebuild()
        self.stdout.write(f"Rebuilt the listing of {count} published claims.")
