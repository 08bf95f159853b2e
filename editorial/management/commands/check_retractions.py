import logging

from django.core.management.base import CommandError

from editorial.retractions import check_study
from evidence.management.crossref_command import StudiesCommand

logger = logging.getLogger(__name__)


class Command(StudiesCommand):
    help = (
        "Ask Crossref for retractions, expressions of concern and corrections of every cited "
        "study, and publish a re-graded analysis version of each claim a new one touches. "
        "Safe to run daily from cron: a second run changes nothing."
    )

    doi_help = "Check only this study (repeatable)."

    def handle(self, *args, **options):
        total, failures = 0, 0
        for prefix, study in self.paced(options):
            total += 1
            try:
                result = check_study(study)
            except Exception as error:
                # One bad record (or a bug it reveals) must not leave every later study
                # unchecked: logged with its traceback, and the run goes on.
                logger.exception("check_retractions: %s failed", study.doi)
                failures += 1
                self.stderr.write(f"{prefix} skipped: {error.__class__.__name__}: {error}")
                continue
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

    def default_studies(self, studies):
        return studies.cited()
