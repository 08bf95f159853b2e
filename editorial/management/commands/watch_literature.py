import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.literature import watch_claim, watched_claims


class Command(BaseCommand):
    help = (
        "Ask OpenAlex for new studies citing each published claim's studies or matching its "
        "literature search, and keep them as candidates for editors to screen. Safe to run "
        "daily from cron: a second run adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claim", metavar="SLUG", help="Watch one claim only.")

    def handle(self, *args, claim=None, **options):
        claims = watched_claims()
        if claim:
            claims = claims.filter(slug=claim)
            if not claims.exists():
                raise CommandError(f"No published claim with the slug {claim!r}.")
        claims = list(claims)
        pause = settings.OPENALEX_PAUSE
        total = problems = 0
        for number, each in enumerate(claims, start=1):
            if number > 1:
                time.sleep(pause)  # OpenAlex asks for a polite pace
            result = watch_claim(each, limit=settings.OPENALEX_MAX_PER_CLAIM, pause=pause)
            total += len(result.added)
            line = f"[{number}/{len(claims)}] {each.slug}: {len(result.added)} new"
            if result.skipped:
                line += f", {result.skipped} malformed works skipped"
            if result.capped:
                line += f" (stopped at {settings.OPENALEX_MAX_PER_CLAIM} works)"
            self.stdout.write(line)
            for problem in result.problems:
                problems += 1
                self.stderr.write(f"  {each.slug}: {problem}")
        self.stdout.write(
            f"Checked {len(claims)} claims: {total} new studies to screen"
            + (f", {problems} problems (the claims stay unchecked)." if problems else ".")
        )
