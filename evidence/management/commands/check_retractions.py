import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evidence.doi import InvalidDOI, normalize_doi
from evidence.models import Study
from evidence.retractions import check_study


class Command(BaseCommand):
    help = (
        "Ask Crossref for retractions, expressions of concern and corrections of every cited "
        "study, and publish a re-graded analysis version of each claim a new one touches. "
        "Safe to run daily from cron: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--doi", action="append", default=[], help="Check only this study (repeatable)."
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=None,
            help="Seconds between two requests to Crossref (default: CROSSREF_PAUSE).",
        )

    def handle(self, *args, **options):
        studies = self._studies(options["doi"])
        pause = settings.CROSSREF_PAUSE if options["pause"] is None else options["pause"]
        total, failures = len(studies), 0
        for index, study in enumerate(studies, start=1):
            if index > 1 and pause:
                time.sleep(pause)
            result = check_study(study)
            prefix = f"[{index}/{total}] {study.doi}:"
            if result.problem:
                failures += 1
                self.stderr.write(f"{prefix} {result.problem}")
                continue
            if not (result.new_notices or result.published or result.awaiting_editor):
                self.stdout.write(f"{prefix} nothing new")
                continue
            for notice in result.new_notices:
                self.stdout.write(f"{prefix} new notice: {notice}")
            for version in result.published:
                self.stdout.write(
                    f"{prefix} published {version.claim.slug} v{version.number} "
                    f"({version.get_verdict_display()})"
                )
            for claim in result.awaiting_editor:
                self.stdout.write(
                    f"{prefix} {claim.slug} has unpublished editor changes: "
                    "flagged for an editor to publish"
                )
        self.stdout.write(f"Checked {total - failures} of {total} studies.")
        if total and failures == total:
            raise CommandError("Crossref gave no answer for any study.")

    def _studies(self, raw_dois):
        # Example studies (the 10.5555 test prefix) are not publications: never looked up.
        studies = Study.objects.lookable().order_by("doi")
        if not raw_dois:
            return list(studies.cited())
        try:
            dois = [normalize_doi(raw) for raw in raw_dois]
        except InvalidDOI as error:
            raise CommandError(str(error)) from None
        found = list(studies.filter(doi__in=dois))
        missing = sorted(set(dois) - {s.doi for s in found})
        if missing:
            raise CommandError(f"No study on the site with DOI {', '.join(missing)}.")
        return found
