"""What the commands that ask Crossref about many studies share: which studies, and pacing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evidence.doi import InvalidDOI, normalize_doi
from evidence.models import Study


class StudiesCommand(BaseCommand):
    """A command that asks Crossref about each study in turn, politely paced.

    Subclasses say which studies they take without `--doi` (`default_studies`) and what they
    do with one (`handle_study`); example studies (the 10.5555 test prefix) are never asked.
    """

    doi_help = "Only this study (repeatable)."

    def add_arguments(self, parser):
        parser.add_argument("--doi", action="append", default=[], help=self.doi_help)
        parser.add_argument(
            "--pause",
            type=float,
            default=None,
            help="Seconds between two requests to Crossref (default: CROSSREF_PAUSE).",
        )

    def paced(self, options):
        """The studies to ask about, each with its progress prefix, pausing between two."""
        pause = settings.CROSSREF_PAUSE if options["pause"] is None else options["pause"]
        studies = self.studies(options["doi"])
        total = len(studies)
        for index, study in enumerate(studies, start=1):
            if index > 1 and pause:
                time.sleep(pause)
            yield f"[{index}/{total}] {study.doi}:", study

    def studies(self, raw_dois) -> list:
        studies = Study.objects.lookable().order_by("doi")
        if not raw_dois:
            return list(self.default_studies(studies))
        try:
            dois = [normalize_doi(raw) for raw in raw_dois]
        except InvalidDOI as error:
            raise CommandError(str(error)) from None
        found = list(studies.filter(doi__in=dois))
        missing = sorted(set(dois) - {s.doi for s in found})
        if missing:
            raise CommandError(f"No study on the site with DOI {', '.join(missing)}.")
        return found

    def default_studies(self, studies):
        raise NotImplementedError
