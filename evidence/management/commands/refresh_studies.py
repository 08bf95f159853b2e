import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from evidence import crossref
from evidence.doi import InvalidDOI, normalize_doi
from evidence.models import Study


class Command(BaseCommand):
    help = (
        "Fill the missing facts of studies (authors, journal, volume, issue, pages, …) from "
        "Crossref. Facts already on the site are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--doi", action="append", default=[], help="Refresh only this study (repeatable)."
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=None,
            help="Seconds between two requests to Crossref (default: CROSSREF_PAUSE).",
        )

    def handle(self, *args, **options):
        pause = settings.CROSSREF_PAUSE if options["pause"] is None else options["pause"]
        studies = self._studies(options["doi"])
        total, filled_count = len(studies), 0
        for index, study in enumerate(studies, start=1):
            if index > 1 and pause:
                time.sleep(pause)
            prefix = f"[{index}/{total}] {study.doi}:"
            result = crossref.lookup(study.doi)
            if not isinstance(result, crossref.Found):
                self.stderr.write(f"{prefix} {result.message}")
                continue
            filled = study.fill_missing_facts(result.work)
            if filled:
                study.save()
                filled_count += 1
                self.stdout.write(f"{prefix} filled {', '.join(filled)}")
            else:
                self.stdout.write(f"{prefix} nothing Crossref could add")
        self.stdout.write(f"Filled in {filled_count} of {total} studies.")

    def _studies(self, raw_dois):
        studies = Study.objects.lookable().order_by("doi")
        if raw_dois:
            try:
                dois = [normalize_doi(raw) for raw in raw_dois]
            except InvalidDOI as error:
                raise CommandError(str(error)) from None
            found = list(studies.filter(doi__in=dois))
            missing = sorted(set(dois) - {s.doi for s in found})
            if missing:
                raise CommandError(f"No study on the site with DOI {', '.join(missing)}.")
            return found
        empty = Q()
        for name in ("authors", "journal", "volume", "issue", "pages"):
            empty |= Q(**{name: ""})
        return list(studies.filter(empty))
