from django.core.management.base import BaseCommand
from django.db import transaction

from claims.models import Claim
from evidence.models import Evidence


class Command(BaseCommand):
    help = (
        "Recompute every evidence weight, then every claim's Pro and Against tallies and verdict."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            links = list(Evidence.objects.select_related("study"))
            for evidence in links:
                evidence.refresh_weight()
            Evidence.objects.bulk_update(links, ["computed_weight", "weight"], batch_size=500)
            changed = 0
            for claim in Claim.objects.all():
                before = (claim.pro_tally, claim.against_tally, claim.verdict)
                claim.recompute_tallies()
                changed += before != (claim.pro_tally, claim.against_tally, claim.verdict)
        self.stdout.write(f"Recomputed {len(links)} evidence weights; {changed} claims changed.")
